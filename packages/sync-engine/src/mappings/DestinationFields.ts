/**
 * The fields of a connector destination's entity, as a field mapping's targets are checked against
 * them: the fields its manifest declares (ScheduleHub: its schema's), less those no mapping entry may
 * make — the identity fields SyncFlow writes each row's key and data hashes into, and the fields the
 * target assigns itself (its plugin's `destination`). Read when a mapping is set and when a definition
 * with a mapping is saved, so a target the destination does not take is refused then, not dropped
 * silently on every push.
 */
import { Effect, Option, Result } from "effect"
import type { ConnectorEntityDestination } from "../definitions/SyncDefinition.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import type { MappingProblem } from "./checkFieldMapping.ts"
import type { FieldMappingEntry } from "./FieldMapping.ts"

/** A connector destination's fields, for checking a mapping's targets. */
export interface DestinationFields {
  /** `<connector>:<entity>`, for messages. */
  readonly name: string
  /** The fields the entity declares. */
  readonly fields: ReadonlyArray<string>
  /** Declared fields no entry may make, each with why. */
  readonly reserved: ReadonlyMap<string, string>
}

/**
 * The destination's fields, or `undefined` when its entity declares none (a target whose fields are
 * known only from its records: nothing to check against).
 */
export const connectorDestinationFields = Effect.fnUntraced(function* (destination: ConnectorEntityDestination) {
  const name = `${destination.connectorId}:${destination.entity}`
  const manifest = yield* (yield* ManifestStore).getManifest(destination.connectorId, destination.entity)
  const fields = Option.isSome(manifest) ? (manifest.value.manifest.columns ?? []).map((c) => c.name) : []
  if (fields.length === 0) return undefined
  const reserved = new Map<string, string>()
  const runtime = yield* Effect.result((yield* ConnectorAdapters).runtime(destination.connectorId))
  const declared = Result.isSuccess(runtime) ? runtime.success.destination : undefined
  if (declared !== undefined) {
    const { keyHash, dataHash, rowVersion } = declared.identityFields
    for (const field of [keyHash, dataHash, rowVersion]) {
      if (field !== undefined) reserved.set(field, "SyncFlow writes each row's identity there")
    }
    for (const field of declared.assignedFields ?? []) reserved.set(field, `${name} assigns it itself`)
  }
  const result: DestinationFields = { name, fields, reserved }
  return result
})

/** The entries whose target the destination does not have or does not let a mapping make (`entries[i].target`). */
export const targetProblems = (
  entries: ReadonlyArray<Pick<FieldMappingEntry, "target">>,
  destination: DestinationFields
): ReadonlyArray<MappingProblem> => {
  const known = new Set(destination.fields)
  return entries.flatMap((entry, i) => {
    const field = `entries[${i}].target`
    if (!known.has(entry.target)) {
      return [
        {
          field,
          message: `${destination.name} has no field ${JSON.stringify(entry.target)} (its fields: ${destination.fields.filter((f) => !destination.reserved.has(f)).join(", ")})`
        }
      ]
    }
    const why = destination.reserved.get(entry.target)
    return why === undefined
      ? []
      : [{ field, message: `${destination.name}'s ${JSON.stringify(entry.target)} cannot be mapped: ${why}` }]
  })
}
