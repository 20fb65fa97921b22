/**
 * Stage 8's guard against schema drift: rows carrying a value their table's column cannot store
 * (its type changed upstream) become failed records of stage `ingest`, with the column, the
 * reason and the record's raw, normalized and mapped data, and the window writes the others. One
 * such value never fails the window, and never reaches the table as NULL.
 */

import type { RowCheck } from "../../destination/StorableValues.ts"
import type { IngestRow } from "../../destination/TableDestination.ts"
import { FieldIssue } from "../FieldIssue.ts"
import { type RecordFailure, recordFailure } from "../RecordFailure.ts"
import type { Identified } from "../Row.ts"

/** A page's rows split into those to write and the failed records of those that cannot be stored. */
export interface StorableSplit {
  readonly rows: ReadonlyArray<IngestRow>
  readonly failures: ReadonlyArray<RecordFailure>
}

/**
 * Splits a page's destination rows (`rows[i]` is `identified[i]`'s) by `check`; without a check,
 * every row is written.
 */
export const splitUnstorable = (
  check: RowCheck | undefined,
  identified: ReadonlyArray<Identified>,
  rows: ReadonlyArray<IngestRow>
): StorableSplit => {
  if (check === undefined) return { rows, failures: [] }
  let kept: Array<IngestRow> | undefined
  const failures: Array<RecordFailure> = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const unstorable = check(row)
    if (unstorable === undefined) {
      kept?.push(row)
      continue
    }
    kept ??= rows.slice(0, i)
    const record = identified[i]!
    const issue = new FieldIssue(
      {
        field: unstorable.column,
        step: "ingest",
        reason: "UnstorableValue",
        message: `the table's column is ${unstorable.columnType}: ${unstorable.detail}`,
        value: row[unstorable.column]
      },
      { disableChecks: true }
    )
    failures.push(
      recordFailure("ingest", [issue], {
        raw: record.raw,
        normalized: record.normalized,
        mapped: record.mapped,
        index: i
      })
    )
  }
  return { rows: kept ?? rows, failures }
}
