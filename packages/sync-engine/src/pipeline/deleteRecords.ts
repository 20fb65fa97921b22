/**
 * Deletes a source announced (e.g. a Planning Center `destroyed` webhook): the records it names are
 * soft-deleted in the destination at once, without waiting for a reconciliation to notice they are
 * gone. Each record is named by its key fields as the source gives them; its business-key hash is
 * computed by the entity's own stages (see `stages/identity/sourceKeyHash.ts`), so it is the hash a
 * sync of that record wrote. Idempotent: a record already soft-deleted, or never synced, is left alone.
 */
import type { EntityManifest, SourceRecord } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { TableDestination } from "../destination/TableDestination.ts"
import type { TableTarget } from "../destination/TableTarget.ts"
import { sourceKeyHash } from "../stages/identity/sourceKeyHash.ts"
import { makeStages, type StagesOptions } from "../stages/Stages.ts"

/** Records of an entity that the source says no longer exist. */
export interface DeleteRecordsRequest {
  readonly connectorId: string
  readonly manifest: EntityManifest
  /** The entity's stage options: the same as its syncs use, so the key hashes match. */
  readonly stages?: StagesOptions | undefined
  /** Each record's key fields, source names to source values, e.g. `{ id: "123" }`. */
  readonly keys: ReadonlyArray<SourceRecord>
}

/** What {@link deleteRecords} did. */
export interface DeleteRecordsOutcome {
  /** Rows soft-deleted now. */
  readonly deleted: number
  /** Records (distinct keys) whose row was already soft-deleted, or that the table never held. */
  readonly absent: number
  /** Records whose key is incomplete or invalid (nothing could be deleted for them). */
  readonly invalid: number
}

/** Soft-deletes the rows of the named records; see the module comment. */
export const deleteRecords = Effect.fnUntraced(function* (
  destination: TableDestination["Service"],
  target: TableTarget,
  request: DeleteRecordsRequest
) {
  const stages = yield* makeStages(request.manifest, request.stages)
  const hashes = new Set<string>()
  let invalid = 0
  for (const key of request.keys) {
    const hash = sourceKeyHash(stages, key)
    if (hash === undefined) invalid++
    else hashes.add(hash)
  }
  const deleted =
    hashes.size === 0
      ? 0
      : yield* destination.markDeleted(target, [...hashes]).pipe(
          // Never synced: the table does not exist yet, and nothing in it can be deleted.
          Effect.catchIf(
            (error) => error._tag === "DestinationError" && error.reason._tag === "UnknownEntity",
            () => Effect.succeed(0)
          )
        )
  return { deleted, absent: hashes.size - deleted, invalid } satisfies DeleteRecordsOutcome
})
