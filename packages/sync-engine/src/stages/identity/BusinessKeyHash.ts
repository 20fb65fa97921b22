/**
 * The business-key hash of a record: xxHash128 (seed 0) of the canonical text of its business-key
 * fields (see `canonicalForm.ts`: sorted by name, `name=value` joined by `|`, escaped), as 32
 * lowercase hex digits. Example: `{item_number: "PART-12345"}` -> xxHash128("item_number=PART-12345").
 * A record with a null or missing key field has no business-key hash.
 */
import { Effect } from "effect"
import { readOwn } from "../Fields.ts"
import type { Row } from "../Row.ts"
import { StageConfigError } from "../StageConfigError.ts"
import { type CanonicalFields, canonicalFields, canonicalRecord } from "./canonicalForm.ts"
import type { TextDigest } from "./TextDigest.ts"
import { wasmTextDigest } from "./WasmTextDigest.ts"

/** The business-key hasher of an entity. */
export interface BusinessKeyHash {
  /** The key fields, sorted. */
  readonly fields: CanonicalFields
  /** The canonical text of a record's key, or `undefined` when a key field is null or missing. */
  readonly canonical: (row: Row) => string | undefined
  /** The hash (32 lowercase hex) of a record's key, or `undefined` when a key field is null or missing. */
  readonly hash: (row: Row) => string | undefined
  /** xxHash128 (32 lowercase hex) of any text. */
  readonly digest: TextDigest
}

/** Builds the business-key hasher of the given key fields (one xxHash128 instance, reused). */
export const makeBusinessKeyHash = Effect.fnUntraced(function* (
  keyFields: ReadonlyArray<string>
): Effect.fn.Return<BusinessKeyHash, StageConfigError> {
  if (keyFields.length === 0) {
    return yield* new StageConfigError({ stage: "identity", message: "the business key has no fields" })
  }
  const digest = yield* Effect.promise(() => wasmTextDigest("xxhash128"))
  const fields = canonicalFields(keyFields)
  const canonical = (row: Row): string | undefined => {
    for (const name of fields.names) if ((fields.inherited ? readOwn(row, name) : row[name]) == null) return undefined
    return canonicalRecord(fields, row)
  }
  return {
    fields,
    canonical,
    hash: (row) => {
      const text = canonical(row)
      return text === undefined ? undefined : digest(text)
    },
    digest
  }
})
