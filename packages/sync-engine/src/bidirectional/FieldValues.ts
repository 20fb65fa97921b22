/**
 * A record's synced fields as both sides are compared: each value converted to its field's type
 * (so the connector's `5` and the table's `'5'` are one value), and the hash of a side's fields that
 * the two-way ledger keeps to know whether that side changed since SyncFlow last wrote or saw it.
 */
import { createHash } from "node:crypto"
import type { FieldType, SyncedField } from "./TwoWaySettings.ts"

/** A field's value as compared: text, a number, a boolean, or null. */
export type FieldValue = string | number | boolean | null

/** The synced fields of one side's version of a record, by the connector's field name. */
export type FieldValues = Readonly<Record<string, FieldValue>>

/** A value converted to a field type (`undefined` and unconvertible values are kept as text). */
export const normalizeValue = (value: unknown, type: FieldType): FieldValue => {
  if (value === undefined || value === null) return null
  switch (type) {
    case "integer":
    case "numeric": {
      const n = typeof value === "number" ? value : Number(value)
      return Number.isFinite(n) && String(value).trim() !== "" ? n : String(value)
    }
    case "boolean":
      return typeof value === "boolean" ? value : value === "t" || value === "true"
    case "date":
      return String(value).slice(0, 10)
    case "text":
      return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)
  }
}

/** The synced fields of a raw record, read from `name(field)` (the connector's or the table's name). */
export const valuesOf = (
  fields: ReadonlyArray<SyncedField>,
  record: Readonly<Record<string, unknown>>,
  name: (field: SyncedField) => string
): FieldValues => {
  const out: Record<string, FieldValue> = {}
  for (const field of fields) out[field.field] = normalizeValue(record[name(field)], field.type)
  return out
}

/** The hash of the values of `fields` (in their order). */
export const hashOf = (fields: ReadonlyArray<SyncedField>, values: FieldValues): string =>
  createHash("sha256")
    .update(JSON.stringify(fields.map((field) => [field.field, values[field.field] ?? null])))
    .digest("hex")

/** Whether two values are the same. */
export const sameValue = (a: FieldValue | undefined, b: FieldValue | undefined): boolean => (a ?? null) === (b ?? null)
