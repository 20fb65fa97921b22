/** SyncFlow's sync runs with their stage counts and type mismatches (table `syncflow.sync_runs`). */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Option, Schema } from "effect"
import type { SecureRandom } from "effect/crypto"
import type { SqlClient } from "effect/sql"
import { publishRunEvent } from "../events/publishRunEvent.ts"
import { runFinishedOf } from "../events/RunProgress.ts"
import type { ColumnTypeMismatch } from "./ColumnTypeMismatch.ts"
import type { ExecutionRun, RunFilter, RunLink, RunSearch, RunStoreService } from "./RunStore.ts"
import { RunNotFound } from "./StateStoreError.ts"
import { type FinishRun, type RunCounts, runCountNames, type StartRun, SyncRun } from "./SyncRun.ts"
import { limitOf, now, storeError, uuidArray } from "./storeHelpers.ts"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const ExecutionLinkRow = Schema.Struct({
  executionId: Schema.String,
  runId: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  definitionId: Schema.NullOr(Schema.String)
})

const runColumns = `id::text AS id, connector_id AS "connectorId", entity, definition_id AS "definitionId", mode, status, started_at AS "startedAt",
  finished_at AS "finishedAt", duration_ms::float8 AS "durationMs",
  ${runCountNames.map((name) => `${name}::float8 AS ${name}`).join(", ")}, error,
  type_mismatches AS "typeMismatches", mapping_version AS "mappingVersion",
  transformed::float8 AS transformed, transform_ms AS "transformMs", etl_steps AS "etlSteps"`

/** Sync run operations on `sql`; new run ids come from `random`. */
export const runOperations = (
  sql: SqlClient.SqlClient,
  random: SecureRandom.SecureRandom["Service"]
): RunStoreService => {
  const decodeRuns = Schema.decodeUnknownEffect(Schema.Array(SyncRun))

  const selectRun = (runId: string) =>
    Effect.flatMap(
      sql.unsafe(`SELECT ${runColumns} FROM syncflow.sync_runs WHERE id = $1`, [PgTypes.uuid(runId)]),
      decodeRuns
    )

  const startRun = Effect.fn("RunStore.startRun")(function* (input: StartRun) {
    const id = input.id ?? (yield* random.uuidV4())
    yield* sql.unsafe(
      `INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, started_at, definition_id, mapping_version)
       VALUES ($1, $2, $3, $4, $5, $6::text, $7::integer)
       ON CONFLICT (id) DO NOTHING`,
      [
        PgTypes.uuid(id),
        input.connectorId,
        input.entity,
        input.mode,
        yield* now,
        input.definitionId ?? null,
        input.mappingVersion ?? null
      ]
    )
    return (yield* selectRun(id))[0]!
  }, storeError("startRun"))

  const recordTypeMismatches = Effect.fn("RunStore.recordTypeMismatches")(function* (
    runId: string,
    mismatches: ReadonlyArray<ColumnTypeMismatch>
  ) {
    const json = PgTypes.jsonb(mismatches.map(({ column, expected, actual }) => ({ column, expected, actual })))
    yield* sql.unsafe(
      `WITH run AS (
         UPDATE syncflow.sync_runs SET type_mismatches = $2 WHERE id = $1 AND type_mismatches IS DISTINCT FROM $2
         RETURNING connector_id, entity
       )
       UPDATE syncflow.entities e SET type_mismatches = $2 FROM (
         SELECT connector_id, entity FROM syncflow.sync_runs WHERE id = $1 AND definition_id IS NULL
       ) r
       WHERE e.connector_id = r.connector_id AND e.entity = r.entity AND e.type_mismatches IS DISTINCT FROM $2`,
      [PgTypes.uuid(runId), json]
    )
  }, storeError("recordTypeMismatches"))

  const addRunCounts = Effect.fn("RunStore.addRunCounts")(function* (runId: string, counts: Partial<RunCounts>) {
    const names = runCountNames.filter((name) => counts[name] !== undefined)
    const assignments = names.map((name, index) => `${name} = ${name} + $${index + 2}::bigint`)
    const rows = yield* sql
      .unsafe(
        names.length === 0
          ? `SELECT 1 FROM syncflow.sync_runs WHERE id = $1`
          : `UPDATE syncflow.sync_runs SET ${assignments.join(", ")} WHERE id = $1 RETURNING 1`,
        [PgTypes.uuid(runId), ...names.map((name) => PgTypes.float8(Math.round(counts[name] ?? 0)))]
      )
      .pipe(storeError("addRunCounts"))
    if (rows.length === 0) return yield* new RunNotFound({ runId })
  })

  const finishRun = Effect.fn("RunStore.finishRun")(function* (runId: string, outcome: FinishRun) {
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.sync_runs SET status = $2, error = $3::text, finished_at = $4::timestamptz,
           duration_ms = GREATEST(0, round(extract(epoch FROM ($4::timestamptz - started_at)) * 1000))::bigint
         WHERE id = $1 AND status = 'running' RETURNING ${runColumns}`,
        [PgTypes.uuid(runId), outcome.status, outcome.error ?? null, yield* now]
      )
      .pipe(
        Effect.flatMap(decodeRuns),
        // The run's last event, for its followers (delivered when the caller's transaction commits).
        Effect.tap((updated) => Effect.forEach(updated, (run) => publishRunEvent(sql, runFinishedOf(run)))),
        Effect.flatMap((updated) => (updated.length > 0 ? Effect.succeed(updated) : selectRun(runId))),
        storeError("finishRun")
      )
    const run = rows[0]
    if (run === undefined) return yield* new RunNotFound({ runId })
    return run
  })

  const resumeRun = Effect.fn("RunStore.resumeRun")(function* (runId: string) {
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.sync_runs SET status = 'running', error = NULL, finished_at = NULL, duration_ms = NULL
         WHERE id = $1 RETURNING ${runColumns}`,
        [PgTypes.uuid(runId)]
      )
      .pipe(Effect.flatMap(decodeRuns), storeError("resumeRun"))
    const run = rows[0]
    if (run === undefined) return yield* new RunNotFound({ runId })
    return run
  })

  const getRun = Effect.fn("RunStore.getRun")(function* (runId: string) {
    return Option.fromUndefinedOr((yield* selectRun(runId))[0])
  }, storeError("getRun"))

  const listRuns = Effect.fn("RunStore.listRuns")(function* (filter: RunFilter) {
    return yield* sql
      .unsafe(
        `SELECT ${runColumns} FROM syncflow.sync_runs WHERE connector_id = $1 AND ($2::text IS NULL OR entity = $2)
           AND definition_id IS NOT DISTINCT FROM $4::text
         ORDER BY started_at DESC, id LIMIT $3`,
        [filter.connectorId, filter.entity ?? null, limitOf(filter.limit, 50), filter.definitionId ?? null]
      )
      .pipe(Effect.flatMap(decodeRuns))
  }, storeError("listRuns"))

  const searchRuns = Effect.fn("RunStore.searchRuns")(function* (filter: RunSearch) {
    return yield* sql
      .unsafe(
        `SELECT ${runColumns} FROM syncflow.sync_runs
         WHERE ($1::text IS NULL OR connector_id = $1) AND ($2::text IS NULL OR entity = $2)
           AND ($3::text IS NULL OR status = $3)
           AND ($5::boolean OR definition_id IS NOT DISTINCT FROM $6::text)
         ORDER BY started_at DESC, id LIMIT $4`,
        [
          filter.connectorId ?? null,
          filter.entity ?? null,
          filter.status ?? null,
          limitOf(filter.limit, 50),
          PgTypes.bool(filter.definitionId === undefined),
          filter.definitionId ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeRuns))
  }, storeError("searchRuns"))

  const linkRuns = Effect.fn("RunStore.linkRuns")(function* (executionId: string, links: ReadonlyArray<RunLink>) {
    if (links.length === 0) return
    const at = yield* now
    for (const link of links) {
      yield* sql.unsafe(
        `INSERT INTO syncflow.execution_runs (execution_id, run_id, connector_id, entity, created_at, definition_id)
         VALUES ($1, $2, $3, $4, $5, $6::text) ON CONFLICT DO NOTHING`,
        [executionId, PgTypes.uuid(link.runId), link.connectorId, link.entity, at, link.definitionId ?? null]
      )
    }
  }, storeError("linkRuns"))

  const decodeLinks = Schema.decodeUnknownEffect(Schema.Array(ExecutionLinkRow))

  const executionRuns = Effect.fn("RunStore.executionRuns")(function* (id: string) {
    // An execution id: all of its links. A run id: the links of the same entity in the executions
    // that carry it (an entity sync's run allocated up front and the run it resumed).
    const links = yield* sql
      .unsafe(
        `WITH hit AS (
           SELECT execution_id, connector_id, entity, definition_id, execution_id = $1 AS whole
           FROM syncflow.execution_runs WHERE execution_id = $1 OR run_id = $2::uuid
         )
         SELECT e.execution_id AS "executionId", e.run_id::text AS "runId", e.connector_id AS "connectorId", e.entity,
           e.definition_id AS "definitionId"
         FROM syncflow.execution_runs e
         WHERE EXISTS (
           SELECT 1 FROM hit h WHERE h.execution_id = e.execution_id
             AND (h.whole OR (h.entity = e.entity AND h.connector_id = e.connector_id
               AND h.definition_id IS NOT DISTINCT FROM e.definition_id))
         )
         ORDER BY e.created_at, e.entity, e.execution_id`,
        [id, uuidPattern.test(id) ? PgTypes.uuid(id) : null]
      )
      .pipe(Effect.flatMap(decodeLinks))
    if (links.length === 0) return []
    const runs = yield* sql
      .unsafe(`SELECT ${runColumns} FROM syncflow.sync_runs WHERE id = ANY($1)`, [
        yield* uuidArray(links.map((link) => link.runId))
      ])
      .pipe(Effect.flatMap(decodeRuns))
    const byId = new Map(runs.map((run) => [run.id, run]))
    return links.map(
      ({ definitionId, ...link }): ExecutionRun => ({
        ...link,
        ...(definitionId === null ? {} : { definitionId }),
        run: Option.fromUndefinedOr(byId.get(link.runId))
      })
    )
  }, storeError("executionRuns"))

  return {
    startRun,
    recordTypeMismatches,
    addRunCounts,
    finishRun,
    resumeRun,
    getRun,
    listRuns,
    searchRuns,
    linkRuns,
    executionRuns
  }
}
