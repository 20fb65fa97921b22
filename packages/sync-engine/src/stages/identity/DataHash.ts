/**
 * The data hash of a record: BLAKE3 (256 bits, unkeyed) of the canonical text of all its data fields
 * (see `canonicalForm.ts`: sorted by name, `name=value` joined by `|`, escaped, nulls omitted), as 64
 * lowercase hex digits. Example: BLAKE3("desc=Widget|price=10.50|uom=EA").
 * The data fields are the given columns minus `exclude` (e.g. a row-version column), or, without a
 * column list, every field of each record minus `exclude`.
 */
import { Effect } from "effect"
import type { Row } from "../Row.ts"
import { type CanonicalFields, canonicalFields, canonicalRecord } from "./canonicalForm.ts"
import type { TextDigest } from "./TextDigest.ts"
import { wasmTextDigest } from "./WasmTextDigest.ts"

/** The data hasher of an entity. */
export interface DataHash {
  /** The data fields, sorted; `undefined` when every field of each record is hashed. */
  readonly fields: CanonicalFields | undefined
  /** The canonical text of a record's data. */
  readonly canonical: (row: Row) => string
  /** The hash (64 lowercase hex) of a record's data. */
  readonly hash: (row: Row) => string
  /** BLAKE3 (64 lowercase hex) of any text. */
  readonly digest: TextDigest
}

/** Builds the data hasher (one BLAKE3 instance, reused). */
export const makeDataHash = Effect.fnUntraced(function* (options: {
  readonly fields?: Iterable<string> | undefined
  readonly exclude?: Iterable<string> | undefined
}) {
  const digest = yield* Effect.promise(() => wasmTextDigest("blake3"))
  const exclude = new Set(options.exclude ?? [])
  const fields =
    options.fields === undefined
      ? undefined
      : canonicalFields(Array.from(options.fields).filter((f) => !exclude.has(f)))
  // Without a column list the fields are each row's own: sorted and escaped once per row shape (the
  // field names in order), which the rows of a page share.
  let shapeKeys: ReadonlyArray<string> = []
  let shapeFields = canonicalFields([])
  const fieldsOf = (row: Row): CanonicalFields => {
    let i = 0
    let same = true
    for (const key in row) {
      if (!Object.hasOwn(row, key) || shapeKeys[i] !== key) {
        same = false
        break
      }
      i++
    }
    if (same && i === shapeKeys.length) return shapeFields
    shapeKeys = Object.keys(row)
    shapeFields = canonicalFields(shapeKeys.filter((f) => !exclude.has(f)))
    return shapeFields
  }
  const canonical =
    fields !== undefined
      ? (row: Row) => canonicalRecord(fields, row)
      : (row: Row) => canonicalRecord(fieldsOf(row), row)
  const hasher: DataHash = { fields, canonical, hash: (row) => digest(canonical(row)), digest }
  return hasher
})
