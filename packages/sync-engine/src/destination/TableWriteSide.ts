/**
 * The PostgreSQL table destination seen through the write-side `Destination` interface: `apply`
 * upserts inserts and updates in one statement per chunk and soft-deletes deletes, through the
 * ambient `SqlClient`, so it joins the engine's transaction (`transactional: true`). Paired with
 * `TableRowLedger` (the table's audit columns are the ledger), a row is written once.
 */
import { Effect } from "effect"
import { Destination, type RowOutcome } from "./Destination.ts"
import type { TableDestination } from "./TableDestination.ts"

/** The write side of `tables`; `maxBatch` rows per `apply` (default 10,000). */
export const make = (tables: TableDestination["Service"], options: { readonly maxBatch?: number } = {}) =>
  Destination.of({
    capabilities: { transactional: true, maxBatch: options.maxBatch ?? 10_000 },
    prepareEntity: (target, manifest) => Effect.asVoid(tables.ensureEntity(target, manifest)),
    apply: Effect.fnUntraced(function* (target, changes, context) {
      const rows = [...changes.inserts, ...changes.updates.map((update) => update.row)]
      if (rows.length > 0) yield* tables.upsert(target, rows, { runId: context.runId })
      if (changes.deletes.length > 0) {
        yield* tables.markDeleted(
          target,
          changes.deletes.map((row) => row.bkHash)
        )
      }
      return [
        ...changes.inserts.map(
          (row): RowOutcome => ({
            _tag: "written",
            bkHash: row._bk_hash,
            targetId: row._bk_hash,
            operation: "inserted"
          })
        ),
        ...changes.updates.map(
          ({ row }): RowOutcome => ({
            _tag: "written",
            bkHash: row._bk_hash,
            targetId: row._bk_hash,
            operation: "updated"
          })
        ),
        ...changes.deletes.map((row): RowOutcome => ({ _tag: "deleted", bkHash: row.bkHash }))
      ]
    })
  })
