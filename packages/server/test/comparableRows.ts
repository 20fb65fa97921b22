/**
 * Rows compared between a synced table and a source's ground truth (or another table) whose column
 * types differ: a time as its instant, a number or numeric text as its number, anything else as text.
 */

/** A value as compared: `null`, a number, an ISO instant, or text. */
export const comparable = (value: unknown): unknown => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  const text = typeof value === "object" ? JSON.stringify(value) : String(value)
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(Date.parse(text))) return new Date(text).toISOString()
  return text
}

/** Rows with comparable values of `fields` (a field a row lacks reads as null). */
export const comparableRows = (rows: ReadonlyArray<Readonly<Record<string, unknown>>>, fields: ReadonlyArray<string>) =>
  rows.map((row) => Object.fromEntries(fields.map((field) => [field, comparable(row[field])])))
