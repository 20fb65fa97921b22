/**
 * Pending children by hand: select them (by key or by filter), retry them now (made due, then their
 * entity's parked children retried, as the automatic pass does) or discard them.
 */
import { ManifestStore, type PendingChild, PendingChildStore, SyncEngine } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { InvalidField } from "../ApiErrors.ts"
import type { PendingChildKey, PendingChildSelection } from "../groups/RecordSelections.ts"
import { unavailable } from "./common.ts"

type Key = typeof PendingChildKey.Type

/** The keys of one connector, entity and definition. */
interface KeyGroup {
  readonly connectorId: string
  readonly entity: string
  readonly definitionId: string | undefined
  readonly bkHashes: ReadonlyArray<string>
}

const groupKeys = (keys: ReadonlyArray<Key>): ReadonlyArray<KeyGroup> => {
  const groups = new Map<string, { readonly group: Omit<KeyGroup, "bkHashes">; readonly bkHashes: Array<string> }>()
  for (const key of keys) {
    const definitionId = key.definitionId ?? undefined
    const id = JSON.stringify([key.connectorId, key.entity, definitionId ?? null])
    const found = groups.get(id)
    if (found === undefined) {
      groups.set(id, {
        group: { connectorId: key.connectorId, entity: key.entity, definitionId },
        bkHashes: [key.bkHash]
      })
    } else found.bkHashes.push(key.bkHash)
  }
  return [...groups.values()].map(({ group, bkHashes }) => ({ ...group, bkHashes }))
}

const keyOf = (child: PendingChild): Key => ({
  connectorId: child.connectorId,
  entity: child.entity,
  bkHash: child.bkHash,
  definitionId: Option.getOrNull(child.definitionId)
})

/** The pending children's actions, over the server's stores and engine. */
export const makePendingChildActions = Effect.gen(function* () {
  const pendingChildStore = yield* PendingChildStore
  const manifestStore = yield* ManifestStore
  const engine = yield* SyncEngine

  /** The children a selection names (`children`, or `filter` up to `limit`) and whether more match. */
  const select = Effect.fnUntraced(function* (selection: typeof PendingChildSelection.Type) {
    if ((selection.children === undefined) === (selection.filter === undefined)) {
      return yield* new InvalidField({ field: "children", detail: "children: give either children or filter" })
    }
    if (selection.children !== undefined) return { keys: selection.children, more: false }
    const limit = selection.limit ?? 1000
    const found = yield* unavailable(
      pendingChildStore.listPendingChildren({ ...selection.filter, limit: limit + 1 })
    ).pipe(Effect.orDie)
    return { keys: found.slice(0, limit).map(keyOf), more: found.length > limit }
  })

  const retry = Effect.fnUntraced(function* (selection: typeof PendingChildSelection.Type) {
    const { keys, more } = yield* select(selection)
    let done = { requeued: 0, resolved: 0, stillWaiting: 0, movedToFailed: 0, skipped: 0 }
    const errors: Array<string> = []
    for (const group of groupKeys(keys)) {
      const requeued = yield* unavailable(
        pendingChildStore.requeuePendingChildren(group.connectorId, group.entity, group.bkHashes, group.definitionId)
      ).pipe(Effect.orDie)
      done = { ...done, requeued: done.requeued + requeued }
      // A definition's children go through its destination: the next automatic pass retries them.
      if (group.definitionId !== undefined || requeued === 0) continue
      const outcome = yield* Effect.result(
        Effect.gen(function* () {
          const manifests = yield* unavailable(manifestStore.listManifests(group.connectorId))
          const manifest = manifests.find((entity) => entity.entity === group.entity)?.manifest
          if (manifest === undefined)
            return yield* Effect.fail({ message: `Entity ${group.entity} is no longer discovered` })
          return yield* unavailable(
            engine.retryPendingChildren(
              group.connectorId,
              manifest,
              manifests.map((entity) => entity.manifest)
            )
          )
        })
      )
      if (outcome._tag === "Failure") {
        done = { ...done, skipped: done.skipped + group.bkHashes.length }
        errors.push(`${group.connectorId}/${group.entity}: ${outcome.failure.message}`)
      } else {
        done = {
          ...done,
          resolved: done.resolved + outcome.success.resolved,
          stillWaiting: done.stillWaiting + outcome.success.stillWaiting,
          movedToFailed: done.movedToFailed + outcome.success.movedToFailed
        }
      }
    }
    yield* Effect.logInfo("pending children retried").pipe(Effect.annotateLogs({ children: keys.length, ...done }))
    return { matched: keys.length, ...done, errors, more }
  })

  const discard = Effect.fnUntraced(function* (selection: typeof PendingChildSelection.Type) {
    const { keys, more } = yield* select(selection)
    let discarded = 0
    for (const group of groupKeys(keys)) {
      discarded += yield* unavailable(
        pendingChildStore.removePendingChildren(group.connectorId, group.entity, group.bkHashes, group.definitionId)
      ).pipe(Effect.orDie)
    }
    yield* Effect.logInfo("pending children discarded").pipe(Effect.annotateLogs({ discarded }))
    return { matched: keys.length, discarded, more }
  })

  return { retry, discard } as const
})
