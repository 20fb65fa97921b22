/**
 * The PostgreSQL destination's table operations: creating and evolving a table from its manifest,
 * whether it has rows, and which rows it can store.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { addableAuditColumns, auditColumnNames, auditColumns, requiredAuditColumnNames } from "./AuditColumns.ts"
import { columnSqlType } from "./ColumnSqlType.ts"
import { withDdlLock } from "./DdlLock.ts"
import type { DestinationCatalog } from "./DestinationCatalog.ts"
import {
  ColumnConflict,
  type DestinationError,
  databaseFailure,
  ForeignTable,
  MissingColumns
} from "./DestinationError.ts"
import * as Identifier from "./Identifier.ts"
import { parentMissingIndexSql } from "./ParentMissing.ts"
import { type RowCheck, rowCheckFor } from "./StorableValues.ts"
import type { EnsureEntityResult, TableDestination, TypeMismatch } from "./TableDestination.ts"
import { makeTablePlan } from "./TablePlan.ts"
import type { TableTarget } from "./TableTarget.ts"

/** `ensureEntity`, `isEmpty` and `rowCheck` of the destination with this catalog. */
export const tableOperations = (
  catalog: DestinationCatalog
): Pick<TableDestination["Service"], "ensureEntity" | "isEmpty" | "rowCheck"> => {
  const {
    sql,
    stagingSchema,
    plans,
    fail,
    loadCatalog,
    relationKind,
    ensureSchema,
    createStagingTable,
    setStagingReady,
    validTarget,
    planFor
  } = catalog

  const ensureEntity = Effect.fn("PostgresDestination.ensureEntity")(function* (
    target: TableTarget,
    manifest: EntityManifest
  ): Effect.fn.Return<EnsureEntityResult, DestinationError | Identifier.InvalidIdentifier> {
    const { entity, schema, table, key } = yield* validTarget(target)
    if (manifest.columns === undefined) return yield* fail(entity, new MissingColumns())
    const wanted: Array<{ readonly name: string; readonly type: string }> = []
    for (const column of manifest.columns) {
      const name = yield* Identifier.validate("column", column.name)
      if (auditColumnNames.has(name)) {
        return yield* fail(entity, new ColumnConflict({ column: name, detail: "is the name of an audit column" }))
      }
      if (wanted.some((other) => other.name === name)) {
        return yield* fail(entity, new ColumnConflict({ column: name, detail: "is declared twice" }))
      }
      wanted.push({ name, type: columnSqlType(column) })
    }
    const qualified = Identifier.qualified(schema, table)

    const outcome = yield* withDdlLock(
      sql,
      Effect.gen(function* () {
        yield* ensureSchema(schema)
        yield* ensureSchema(stagingSchema)
        yield* createStagingTable
        const kind = yield* relationKind(schema, table)
        let created = false
        let added: ReadonlyArray<string> = []
        let mismatches: ReadonlyArray<TypeMismatch> = []
        if (kind === undefined) {
          const [identity, ...rest] = auditColumns
          const definitions = [
            `${Identifier.quote(identity!.name)} ${identity!.definition}`,
            ...wanted.map((column) => `${Identifier.quote(column.name)} ${column.type}`),
            ...rest.map((column) => `${Identifier.quote(column.name)} ${column.definition}`)
          ]
          yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${qualified} (\n  ${definitions.join(",\n  ")}\n)`)
          yield* sql.unsafe(parentMissingIndexSql(schema, table))
          created = true
        } else {
          const existing = new Map((yield* loadCatalog(schema, table)).map((column) => [column.name, column]))
          if ((kind !== "r" && kind !== "p") || ![...requiredAuditColumnNames].every((name) => existing.has(name))) {
            return { foreign: true as const }
          }
          const missing = [
            ...wanted.filter((column) => !existing.has(column.name)),
            ...addableAuditColumns
              .filter((column) => !existing.has(column.name))
              .map((column) => ({ name: column.name, type: column.definition }))
          ]
          if (missing.length > 0) {
            const clauses = missing.map(
              (column) => `ADD COLUMN IF NOT EXISTS ${Identifier.quote(column.name)} ${column.type}`
            )
            yield* sql.unsafe(`ALTER TABLE ${qualified} ${clauses.join(", ")}`)
            if (missing.some((column) => column.name === "_parent_missing")) {
              yield* sql.unsafe(parentMissingIndexSql(schema, table))
            }
          }
          added = missing.map((column) => column.name)
          mismatches = wanted.flatMap((column) => {
            const actual = existing.get(column.name)?.type
            return actual !== undefined && actual !== column.type
              ? [{ column: column.name, expected: column.type, actual }]
              : []
          })
        }
        const catalog = yield* loadCatalog(schema, table)
        return { foreign: false as const, created, added, mismatches, catalog }
      })
    ).pipe(databaseFailure(entity, "creating or altering the table"))

    if (outcome.foreign) return yield* fail(entity, new ForeignTable({ table: qualified }))
    setStagingReady()
    plans.set(key, makeTablePlan(schema, table, outcome.catalog))
    return {
      table: qualified,
      created: outcome.created,
      addedColumns: outcome.added,
      typeMismatches: outcome.mismatches
    }
  })

  const isEmpty = Effect.fn("PostgresDestination.isEmpty")(function* (
    target: TableTarget
  ): Effect.fn.Return<boolean, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    const plan = yield* planFor(valid, false)
    const rows = yield* sql
      .unsafe<{ readonly any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${plan.qualified}) AS any`)
      .pipe(databaseFailure(entity, "checking for rows"))
    return rows[0]?.any !== true
  })

  const rowCheck = Effect.fn("PostgresDestination.rowCheck")(function* (
    target: TableTarget,
    columns?: ReadonlyArray<string>
  ): Effect.fn.Return<RowCheck, DestinationError | Identifier.InvalidIdentifier> {
    // Read from the catalog: a column altered by hand since (to take the source's new type) counts.
    return rowCheckFor(yield* planFor(yield* validTarget(target), true), columns)
  })

  return { ensureEntity, isEmpty, rowCheck }
}
