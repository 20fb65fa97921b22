/**
 * Identified rows as the destination takes them: the mapped columns plus the row's identity.
 */
import type { IngestRow } from "../../destination/TableDestination.ts"
import type { Identified } from "../Row.ts"

/** The destination rows of identified records; `rowVersionField` names the source's row version, if any. */
export const toIngestRows = (rows: ReadonlyArray<Identified>, rowVersionField: string | undefined): Array<IngestRow> =>
  rows.map((row) => {
    const version = rowVersionField === undefined ? undefined : row.raw[rowVersionField]
    return {
      ...row.mapped,
      _bk_hash: row.keyHash,
      _data_hash: row.dataHash,
      _row_version: typeof version === "string" ? version : null
    }
  })

/** The newest of the row versions of some rows and a previous high-water mark. */
export const maxRowVersion = (rows: ReadonlyArray<IngestRow>, previous: string | null): string | null => {
  let max = previous
  for (const row of rows) {
    const version = row._row_version
    if (typeof version === "string" && (max === null || version > max)) max = version
  }
  return max
}
