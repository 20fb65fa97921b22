/**
 * The business-key hash of a record a stage rejected, so its failed record can be found by key:
 * closed (superseded) when a later sync writes the key, and compared with the table's row when it
 * is retried. Taken from the mapped row when the record got that far, otherwise from its clean
 * (normalized) or raw fields under the key's logical names; `undefined` when a key field is missing.
 */
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { Row } from "../stages/Row.ts"
import type { Stages } from "../stages/Stages.ts"

/** The business-key hash of a rejected record, or `undefined` when it has no usable key. */
export type FailureKey = (failure: Pick<RecordFailure, "raw" | "normalized" | "mapped">) => string | undefined

/** The failure-key function of an entity's stages. */
export const makeFailureKey = (stages: Stages): FailureKey => {
  const hasher = stages.identifier.businessKey
  const keyColumns = stages.mapper.businessKey
  // TableDestination key column -> the logical field it is mapped from.
  const fieldOf = new Map(stages.mapper.mappings.map((mapping) => [mapping.column, mapping.field]))
  const fromFields = (data: Row): string | undefined => {
    const key: Record<string, unknown> = {}
    for (const column of keyColumns) {
      const field = fieldOf.get(column) ?? column
      if (!Object.hasOwn(data, field)) return undefined
      key[column] = data[field]
    }
    return hasher.hash(key)
  }
  return (failure) => {
    if (failure.mapped !== undefined) {
      const mapped = hasher.hash(failure.mapped)
      if (mapped !== undefined) return mapped
    }
    if (failure.normalized !== undefined) {
      const normalized = fromFields(failure.normalized)
      if (normalized !== undefined) return normalized
    }
    return fromFields(failure.raw)
  }
}
