/**
 * The statements of an initial load (see `LoadOperations`): rows inserted into a table without its
 * unique indexes, then repeated business keys folded and the indexes built. Every identifier in
 * them has passed `Identifier.validate` and is quoted.
 */
import type { PlannedColumn, TablePlan } from "./TablePlan.ts"

/** The written columns of a chunk, then the identity columns, quoted (as the upsert writes them). */
const writtenNames = (columns: ReadonlyArray<PlannedColumn>): Array<string> => [
  ...columns.map((column) => column.quoted),
  '"_bk_hash"',
  '"_data_hash"',
  '"_row_version"'
]

/**
 * Inserts a chunk into a table that is being loaded: the upsert's arrays (`$1..$n` one per column,
 * then `_bk_hash`, `_data_hash`, `_row_version`, then the run id) without `ON CONFLICT` (there is
 * no unique index to conflict with) and without ordering (there is no index to keep local).
 */
export const loadSql = (plan: TablePlan, columns: ReadonlyArray<PlannedColumn>): string => {
  const n = columns.length
  const arrays = [
    ...columns.map((column, index) => `$${index + 1}::${column.encoding.arrayCast}`),
    `$${n + 1}::text[]`,
    `$${n + 2}::text[]`,
    `$${n + 3}::text[]`
  ]
  const names = writtenNames(columns)
  return `INSERT INTO ${plan.qualified} (${names.join(", ")}, "_last_seen_run")
SELECT ${arrays.map((array) => `unnest(${array})`).join(", ")}, $${n + 4}::uuid`
}

/**
 * The unique constraints an initial load goes without, `$1` the table (`"schema"."table"`): the
 * primary key and the unique constraint on `_bk_hash` alone, as `name` and `kind` (`p` or `u`).
 */
export const loadConstraintsSql = `SELECT c.conname::text AS name, c.contype::text AS kind
FROM pg_catalog.pg_constraint c
WHERE c.conrelid = $1::regclass AND (c.contype = 'p' OR (c.contype = 'u' AND c.conkey = ARRAY[(
  SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = '_bk_hash'
)]))`

/**
 * Folds the business keys a load wrote more than once into the last row written (the highest
 * `_id`: identity values grow in the order rows are inserted), as the upsert would have left them,
 * and returns how the dropped versions would have counted there: `updated` when a version's data
 * hash differs from the one written before it, `unchanged` otherwise.
 */
export const foldRepeatsSql = (plan: TablePlan): string => `WITH repeated AS (
  SELECT "_bk_hash" FROM ${plan.qualified} GROUP BY "_bk_hash" HAVING count(*) > 1
), versions AS (
  SELECT t."_id", row_number() OVER w AS n, count(*) OVER (PARTITION BY t."_bk_hash") AS k,
    t."_data_hash" IS DISTINCT FROM lag(t."_data_hash") OVER w AS changed
  FROM ${plan.qualified} AS t JOIN repeated USING ("_bk_hash")
  WINDOW w AS (PARTITION BY t."_bk_hash" ORDER BY t."_id")
), dropped AS (
  DELETE FROM ${plan.qualified} AS t USING versions AS v WHERE t."_id" = v."_id" AND v.n < v.k
  RETURNING 1
)
SELECT (count(*) FILTER (WHERE n > 1 AND changed))::int4 AS updated,
  (count(*) FILTER (WHERE n > 1 AND NOT changed))::int4 AS unchanged,
  (SELECT count(*) FROM dropped)::int4 AS dropped
FROM versions`
