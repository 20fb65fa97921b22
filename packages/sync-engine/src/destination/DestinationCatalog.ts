/**
 * What the PostgreSQL destination's operations share: the validated target, the table plans read
 * from the catalog (cached per table), schema creation and the seen-keys staging table.
 */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Result } from "effect"
import { SqlClient } from "effect/sql"
import { migrate } from "../state/StateMigrations.ts"
import { fieldNames, resolveColumns } from "./ChunkRows.ts"
import {
  DestinationError,
  type DestinationErrorReason,
  databaseFailure,
  ForeignTable,
  InvalidArgument,
  UnknownColumn,
  UnknownEntity
} from "./DestinationError.ts"
import * as Identifier from "./Identifier.ts"
import type { IngestRow } from "./TableDestination.ts"
import { type CatalogColumn, catalogColumnsSql, makeTablePlan, type TablePlan } from "./TablePlan.ts"
import { entityOf, keyOf, type TableTarget } from "./TableTarget.ts"

/** Business-key hashes per `existingHashes` / `touch` statement. */
export const keysPerStatement = 50_000

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An array parameter of the given element type. Cannot fail for the built-in element OIDs used here. */
export const arrayParameter = (values: ReadonlyArray<unknown>, elementOid: number): PgTypes.Parameter =>
  Result.getOrThrow(PgTypes.array(values, elementOid))

/**
 * The shared state and helpers of one PostgreSQL destination, on `sql`, staging seen keys in
 * `syncflow.destination_seen` and bulk loads in `stagingSchema`.
 */
export const makeDestinationCatalog = (sql: SqlClient.SqlClient, stagingSchema: string) => {
  const seenTable = "syncflow.destination_seen"
  /** Table plans by `schema.table`; dropped when a statement on the table fails, re-read on next use. */
  const plans = new Map<string, TablePlan>()
  /** Whether this process has made sure the staging table exists (reset when a statement on it fails). */
  let stagingReady = false

  const fail = (entity: string, reason: DestinationErrorReason) => Effect.fail(new DestinationError({ entity, reason }))

  const checkRunId = (entity: string, runId: string) =>
    uuidPattern.test(runId)
      ? Effect.void
      : fail(entity, new InvalidArgument({ argument: "runId", detail: "expected a UUID (a sync run id)" }))

  const loadCatalog = (schema: string, table: string) => sql.unsafe<CatalogColumn>(catalogColumnsSql, [schema, table])

  const relationKind = (schema: string, table: string) =>
    Effect.map(
      sql.unsafe<{ readonly relkind: string }>(
        `SELECT c.relkind::text AS relkind FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
        [schema, table]
      ),
      (rows) => rows[0]?.relkind
    )

  const ensureSchema = (name: string) =>
    Effect.flatMap(sql.unsafe(`SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1`, [name]), (rows) =>
      rows.length > 0 ? Effect.void : Effect.asVoid(sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${Identifier.quote(name)}`))
    )

  /**
   * The seen-keys table, `syncflow.destination_seen`, is SyncFlow's bookkeeping: it comes from the
   * migrations (16), which this applies when pending (a destination used without the state stores).
   */
  const createStagingTable = Effect.asVoid(Effect.provideService(migrate, SqlClient.SqlClient, sql))

  /** Makes sure the staging table exists, once per process. */
  const staging = (entity: string) =>
    Effect.suspend(() =>
      stagingReady
        ? Effect.void
        : createStagingTable.pipe(
            Effect.tap(() =>
              Effect.sync(() => {
                stagingReady = true
              })
            ),
            databaseFailure(entity, "creating the staging table")
          )
    )

  const forgetStaging = Effect.sync(() => {
    stagingReady = false
  })

  /** A target whose schema and table pass the identifier rule, with its entity and key. */
  const validTarget = Effect.fnUntraced(function* (target: TableTarget) {
    const schema = yield* Identifier.validate("schema", target.schema)
    const table = yield* Identifier.validate("table", target.table)
    return { schema, table, entity: entityOf(target), key: keyOf({ schema, table }) }
  })

  /** The table's plan, from the cache or the catalog. */
  const planFor = Effect.fnUntraced(function* (
    { entity, schema, table, key }: { entity: string; schema: string; table: string; key: string },
    refresh: boolean
  ) {
    const cached = plans.get(key)
    if (cached !== undefined && !refresh) return cached
    const catalog = yield* loadCatalog(schema, table).pipe(databaseFailure(entity, "reading the table's columns"))
    if (catalog.length === 0) {
      return yield* fail(entity, new UnknownEntity({ table: Identifier.qualified(schema, table) }))
    }
    if (!catalog.some((column) => column.name === "_bk_hash")) {
      return yield* fail(entity, new ForeignTable({ table: Identifier.qualified(schema, table) }))
    }
    const plan = makeTablePlan(schema, table, catalog)
    plans.set(key, plan)
    return plan
  })

  /**
   * The columns `rows` write, in `plan` or, when one is not in it, in the plan read again (another
   * process may have added the column since the plan was read), with the plan they were found in.
   */
  const columnsFor = Effect.fnUntraced(function* (
    target: { entity: string; schema: string; table: string; key: string },
    plan: TablePlan,
    rows: ReadonlyArray<IngestRow>
  ) {
    const names = fieldNames(rows)
    const found = resolveColumns(plan, names)
    if (Result.isSuccess(found)) return { plan, columns: found.success }
    const fresh = yield* planFor(target, true)
    const again = resolveColumns(fresh, names)
    if (Result.isFailure(again)) return yield* fail(target.entity, new UnknownColumn({ column: again.failure }))
    return { plan: fresh, columns: again.success }
  })

  /** Records that the staging table exists (`ensureEntity` has just created it). */
  const setStagingReady = () => {
    stagingReady = true
  }

  return {
    sql,
    stagingSchema,
    seenTable,
    plans,
    fail,
    checkRunId,
    loadCatalog,
    relationKind,
    ensureSchema,
    createStagingTable,
    staging,
    forgetStaging,
    setStagingReady,
    validTarget,
    planFor,
    columnsFor
  }
}

/** The shared state and helpers of one PostgreSQL destination (see `makeDestinationCatalog`). */
export type DestinationCatalog = ReturnType<typeof makeDestinationCatalog>
