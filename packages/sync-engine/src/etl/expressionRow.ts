/**
 * A row as the ETL steps' expressions read it: decimal fields (whose clean form is text, to keep
 * every digit) as numbers, so `total_amount > 1000` compares numbers; other fields as they are.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import type { Row } from "../stages/Row.ts"

/** Builds the view of rows with `columns` for expressions. */
export const expressionRow = (columns: ReadonlyArray<ColumnManifest>): ((row: Row) => Row) => {
  const decimals = columns.filter((c) => c.type === "decimal").map((c) => c.name)
  if (decimals.length === 0) return (row) => row
  return (row) => {
    const view: Record<string, unknown> = { ...row }
    for (const name of decimals) {
      const value = Object.hasOwn(row, name) ? row[name] : undefined
      if (typeof value === "string") Object.defineProperty(view, name, { value: Number(value), enumerable: true })
    }
    return view
  }
}
