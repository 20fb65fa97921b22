/**
 * How an APISmith row becomes the engine's source record: the row's `data` columns as they came,
 * plus its row version and Oracle keys under two reserved names that no Oracle column alias can
 * take (an unquoted Oracle identifier starts with a letter).
 */
import type { SourceRecord } from "@syncflow/adapter-core"
import type { DataRow } from "../endpoints/ListData.ts"

/** The field of a source record holding the row's `row_version` (`YYYYMMDDHH24MISS`). */
export const ROW_VERSION_FIELD = "_row_version"

/** The field of a source record holding the row's `oracle_keys` (e.g. `{ PART_NO: "P-1" }`). */
export const ORACLE_KEYS_FIELD = "_oracle_keys"

/**
 * A row as a source record: every `data` field unchanged (raw Oracle values, columns missing from
 * the metadata included), `_row_version` and `_oracle_keys`.
 */
export const toSourceRecord = (row: DataRow): SourceRecord => ({
  // Spread defines own properties, so a column named `__proto__` stays a plain field.
  ...row.data,
  [ROW_VERSION_FIELD]: row.row_version,
  [ORACLE_KEYS_FIELD]: row.oracle_keys
})
