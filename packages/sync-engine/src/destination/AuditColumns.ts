/**
 * The columns SyncFlow keeps on every entity table besides the source's own: identity, hashes,
 * times, the soft-delete flag, the last run that wrote the row and whether a parent it names is
 * missing. Source columns may not use
 * these names.
 *
 * `_bk_hash` and `_data_hash` are hex strings compared byte-wise (`COLLATE "C"`): locale-aware
 * comparison would cost on every index probe of the upsert and buys nothing for hex.
 */

/** An audit column: its name and its DDL (type, default, constraints). */
export interface AuditColumn {
  readonly name: string
  readonly definition: string
}

/** The audit columns, in table order (`_id` first). */
export const auditColumns: ReadonlyArray<AuditColumn> = [
  { name: "_id", definition: "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY" },
  { name: "_bk_hash", definition: 'text COLLATE "C" NOT NULL UNIQUE' },
  { name: "_data_hash", definition: 'text COLLATE "C" NOT NULL' },
  { name: "_row_version", definition: "text" },
  { name: "_created_at", definition: "timestamptz NOT NULL DEFAULT now()" },
  { name: "_updated_at", definition: "timestamptz NOT NULL DEFAULT now()" },
  { name: "_deleted", definition: "boolean NOT NULL DEFAULT false" },
  { name: "_deleted_at", definition: "timestamptz" },
  { name: "_last_seen_run", definition: "uuid" },
  // A child row written while a parent it names was missing (orphans `keep`); cleared when the parent arrives.
  { name: "_parent_missing", definition: "boolean NOT NULL DEFAULT false" }
]

/** The audit columns a table must already have to be treated as SyncFlow's. */
export const requiredAuditColumnNames: ReadonlySet<string> = new Set(["_id", "_bk_hash", "_data_hash"])

/**
 * Audit columns that `ensureEntity` adds to an existing SyncFlow table that lacks them (tables made
 * by an older release). The identity and hash columns are not among them: a table without
 * `_bk_hash` or `_data_hash` is not SyncFlow's, and is left alone.
 */
export const addableAuditColumns: ReadonlyArray<AuditColumn> = auditColumns.filter(
  (column) => !requiredAuditColumnNames.has(column.name)
)

/** The audit column names. */
export const auditColumnNames: ReadonlySet<string> = new Set(auditColumns.map((column) => column.name))
