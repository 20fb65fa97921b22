/**
 * The business-key hash of a record known only by its key, e.g. a record a source says it
 * destroyed: the key fields (source names, source values) go through the entity's own Normalize
 * and Map and are hashed by its Identity stage, so the hash is the one a sync of the full record
 * writes (same key columns, same canonical form). Issues on fields outside the key (a required
 * field absent from a key-only record) do not matter; an issue on a key field means the key cannot
 * be hashed.
 */

import { mapRecord } from "../map/mapChunk.ts"
import { normalizeChunk } from "../normalize/normalizeChunk.ts"
import type { SourceRecord } from "../Row.ts"
import type { Stages } from "../Stages.ts"

/**
 * The business-key hash (32 hex) a sync would give the record whose key fields are `key` (source
 * field names to source values); `undefined` when a key field is missing or fails its stages.
 */
export const sourceKeyHash = (stages: Stages, key: SourceRecord): string | undefined => {
  const { normalizer, mapper, identifier } = stages
  const keyNames = new Set(normalizer.businessKey)
  // Source names of the key fields (a field may be renamed on its way to its logical name).
  const keySources = new Set(normalizer.businessKey)
  for (const plan of normalizer.fields) if (keyNames.has(plan.name)) keySources.add(plan.source)
  const normalized = normalizeChunk(normalizer, [key])
  let row = normalized.ok[0]?.normalized
  if (row === undefined) {
    const failure = normalized.failures[0]
    if (failure === undefined || failure.normalized === undefined) return undefined
    if (failure.issues.some((issue) => keySources.has(issue.field))) return undefined
    row = failure.normalized
  }
  const { mapped, issues } = mapRecord(mapper, row)
  const keyColumns = new Set(mapper.businessKey)
  if (issues?.some((issue) => keyColumns.has(issue.field))) return undefined
  return identifier.businessKey.hash(mapped)
}
