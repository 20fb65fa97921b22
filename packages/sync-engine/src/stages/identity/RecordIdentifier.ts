/**
 * The Identity stage for one entity: its business-key hasher and data hasher, built once.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { StageConfigError } from "../StageConfigError.ts"
import { type BusinessKeyHash, makeBusinessKeyHash } from "./BusinessKeyHash.ts"
import { type DataHash, makeDataHash } from "./DataHash.ts"

/** Identity settings. */
export interface IdentityOptions {
  /** Columns left out of the data hash (e.g. a row-version column whose bump alone is not a change). */
  readonly excludeFromDataHash?: ReadonlyArray<string>
}

/** A compiled identifier: use it with `identifyChunk`. */
export interface RecordIdentifier {
  readonly businessKey: BusinessKeyHash
  readonly data: DataHash
}

/**
 * Builds the identifier of an entity from its destination columns and business key (`mapper.columns`,
 * `mapper.businessKey`). The data hash covers every column (business key included) minus the
 * excluded ones; without columns, every field of each row.
 */
export const makeRecordIdentifier = Effect.fnUntraced(function* (
  spec: { readonly columns: ReadonlyArray<ColumnManifest>; readonly businessKey: ReadonlyArray<string> },
  options: IdentityOptions = {}
): Effect.fn.Return<RecordIdentifier, StageConfigError> {
  const businessKey = yield* makeBusinessKeyHash(spec.businessKey)
  const data = yield* makeDataHash({
    fields: spec.columns.length === 0 ? undefined : spec.columns.map((c) => c.name),
    exclude: options.excludeFromDataHash
  })
  return { businessKey, data }
})
