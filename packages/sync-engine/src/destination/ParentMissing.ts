/**
 * Orphans kept in an entity table (orphans `keep`): a child row whose parent is missing is written
 * with `_parent_missing = true`, and the flag is cleared once every parent it names is there. A
 * partial index over the flagged rows keeps both the clearing of a window's rows and the listing of
 * the flagged rows cheap while there are few or none.
 */
import { createHash } from "node:crypto"
import { auditColumns } from "./AuditColumns.ts"
import { quote } from "./Identifier.ts"
import type { TablePlan } from "./TablePlan.ts"

/** The name of a table's partial index over its flagged rows (unique per table, at most 63 bytes). */
export const parentMissingIndexName = (table: string): string =>
  `${table.slice(0, 36)}__parent_missing_${createHash("sha256").update(table).digest("hex").slice(0, 8)}`

/** Creates the partial index over the table's flagged rows, when it is missing. */
export const parentMissingIndexSql = (schema: string, table: string): string =>
  `CREATE INDEX IF NOT EXISTS ${quote(parentMissingIndexName(table))} ON ${quote(schema)}.${quote(table)} ("_bk_hash")
  WHERE "_parent_missing"`

/** Flags the rows of `$1` (business-key hashes) that are not flagged yet. Returns the count. */
export const flagParentMissingSql = (plan: TablePlan): string => `WITH flagged AS (
  UPDATE ${plan.qualified} SET "_parent_missing" = true
  WHERE "_bk_hash" = ANY($1::text[]) AND NOT "_parent_missing"
  RETURNING 1
)
SELECT count(*)::int4 AS n FROM flagged`

/** Clears the flag of the rows of `$1` (business-key hashes) that are flagged. Returns the count. */
export const clearParentMissingSql = (plan: TablePlan): string => `WITH cleared AS (
  UPDATE ${plan.qualified} SET "_parent_missing" = false
  WHERE "_parent_missing" AND "_bk_hash" = ANY($1::text[])
  RETURNING 1
)
SELECT count(*)::int4 AS n FROM cleared`

const auditNames = auditColumns.map((column) => `'${column.name}'`).join(", ")

/**
 * The live flagged rows after `$1` (a business-key hash, or null), at most `$2`, in business-key-hash
 * order, each as JSON without its audit columns.
 */
export const listParentMissingSql = (plan: TablePlan): string =>
  `SELECT t."_bk_hash" AS bk, to_jsonb(t) - ARRAY[${auditNames}]::text[] AS row
FROM ${plan.qualified} AS t
WHERE t."_parent_missing" AND NOT t."_deleted" AND ($1::text IS NULL OR t."_bk_hash" > $1::text)
ORDER BY t."_bk_hash" LIMIT $2`
