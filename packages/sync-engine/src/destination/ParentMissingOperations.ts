/** The PostgreSQL destination's orphan flags: rows written while their parent is missing (`_parent_missing`). */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Schema } from "effect"
import type { DestinationCatalog } from "./DestinationCatalog.ts"
import { arrayParameter, keysPerStatement } from "./DestinationCatalog.ts"
import { DatabaseFailure, DestinationError, databaseFailure } from "./DestinationError.ts"
import type * as Identifier from "./Identifier.ts"
import { clearParentMissingSql, flagParentMissingSql, listParentMissingSql } from "./ParentMissing.ts"
import type { ParentMissingPage, ParentMissingRow, TableDestination } from "./TableDestination.ts"
import type { TableTarget } from "./TableTarget.ts"

/** The rows of `listParentMissingSql`. */
const decodeParentMissing = Schema.decodeUnknownEffect(
  Schema.Array(Schema.Struct({ bk: Schema.String, row: Schema.Record(Schema.String, Schema.Json) }))
)

/** `markParentMissing` and `listParentMissing` of the destination with this catalog. */
export const parentMissingOperations = (
  catalog: DestinationCatalog
): Pick<TableDestination["Service"], "markParentMissing" | "listParentMissing"> => {
  const { sql, validTarget, planFor } = catalog

  const markParentMissing = Effect.fn("PostgresDestination.markParentMissing")(function* (
    target: TableTarget,
    missing: ReadonlyArray<string>,
    present: ReadonlyArray<string>
  ): Effect.fn.Return<
    { readonly flagged: number; readonly cleared: number },
    DestinationError | Identifier.InvalidIdentifier
  > {
    const valid = yield* validTarget(target)
    const { entity } = valid
    if (missing.length === 0 && present.length === 0) return { flagged: 0, cleared: 0 }
    const plan = yield* planFor(valid, false)
    const run = (statement: string, keys: ReadonlyArray<string>) =>
      Effect.map(
        Effect.forEach(
          Array.from({ length: Math.ceil(keys.length / keysPerStatement) }, (_, i) =>
            keys.slice(i * keysPerStatement, (i + 1) * keysPerStatement)
          ),
          (batch) =>
            sql
              .unsafe<{ readonly n: number }>(statement, [arrayParameter(batch, PgTypes.OID.text)])
              .pipe(databaseFailure(entity, "flagging rows whose parent is missing"))
        ),
        (results) => results.reduce((sum, rows) => sum + (rows[0]?.n ?? 0), 0)
      )
    const flagged = yield* run(flagParentMissingSql(plan), missing)
    const cleared = yield* run(clearParentMissingSql(plan), present)
    return { flagged, cleared }
  })

  const listParentMissing = Effect.fn("PostgresDestination.listParentMissing")(function* (
    target: TableTarget,
    page?: ParentMissingPage
  ): Effect.fn.Return<ReadonlyArray<ParentMissingRow>, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    const plan = yield* planFor(valid, false)
    const limit = Math.min(10_000, Math.max(1, Math.floor(page?.limit ?? 1_000)))
    const rows = yield* sql
      .unsafe(listParentMissingSql(plan), [PgTypes.text(page?.afterBkHash ?? null), limit])
      .pipe(databaseFailure(entity, "listing rows whose parent is missing"))
    const decoded = yield* decodeParentMissing(rows).pipe(
      Effect.mapError(
        (cause) =>
          new DestinationError({
            entity,
            reason: new DatabaseFailure({
              operation: "listing rows whose parent is missing",
              detail: cause.message,
              cause
            })
          })
      )
    )
    return decoded.map((row) => ({ bkHash: row.bk, row: row.row }))
  })

  return { markParentMissing, listParentMissing }
}
