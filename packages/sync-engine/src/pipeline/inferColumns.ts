/**
 * Columns for entities whose manifest declares none (e.g. Planning Center's, whose records are
 * flattened JSON:API resources): the business key from the manifest, then every field as it first
 * appears with a value, typed from that value. New fields add columns; none is ever retyped.
 */
import type { ColumnManifest, ColumnType } from "@syncflow/adapter-core"
import type { IngestRow } from "../destination/TableDestination.ts"

const typeOf = (value: unknown): ColumnType => {
  if (typeof value === "boolean") return "boolean"
  // Any number may be followed by a fraction in a later record: keep them all exact decimals.
  if (typeof value === "number" || typeof value === "bigint") return "decimal"
  if (value instanceof Date) return "timestamp"
  if (value instanceof Uint8Array) return "binary"
  if (typeof value === "object") return "json"
  return "string"
}

/** The starting columns of an undeclared entity: its business key, as text. */
export const businessKeyColumns = (businessKey: ReadonlyArray<string>): Array<ColumnManifest> =>
  businessKey.map((name) => ({ name, type: "string", nullable: false, businessKey: true }))

/**
 * Adds to `known` the fields of `rows` it lacks (skipping the audit fields and null values) and
 * returns the columns added.
 */
export const inferColumns = (
  known: Map<string, ColumnManifest>,
  rows: ReadonlyArray<IngestRow>
): Array<ColumnManifest> => {
  const added: Array<ColumnManifest> = []
  for (const row of rows) {
    for (const name in row) {
      if (name.startsWith("_") || known.has(name)) continue
      const value = row[name]
      if (value === null || value === undefined) continue
      const column: ColumnManifest = { name, type: typeOf(value), nullable: true, businessKey: false }
      known.set(name, column)
      added.push(column)
    }
  }
  return added
}

/** The rows without their null fields that have no column yet (null is what a missing column reads as). */
export const withoutUnknownNulls = (
  known: ReadonlyMap<string, ColumnManifest>,
  rows: ReadonlyArray<IngestRow>
): ReadonlyArray<IngestRow> =>
  rows.map((row) => {
    let copy: Record<string, unknown> | undefined
    for (const name in row) {
      if (name.startsWith("_") || known.has(name)) continue
      copy ??= { ...row }
      delete copy[name]
    }
    return copy === undefined ? row : (copy as IngestRow)
  })
