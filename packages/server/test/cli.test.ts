/**
 * The `syncflow` CLI as a user runs it: real child processes on the file's test database, the fake
 * ERP on loopback. A one-off `sync --json` prints a summary whose counts match the tables.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { EntityView, RunView } from "../src/api/Views.ts"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { secretKey } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"

const Counts = Schema.Struct({
  fetched: Schema.Number,
  inserted: Schema.Number,
  updated: Schema.Number,
  failed: Schema.Number
})
const Report = Schema.Struct({
  connectorId: Schema.String,
  mode: Schema.String,
  entities: Schema.Array(
    Schema.Struct({
      entity: Schema.String,
      runId: Schema.String,
      counts: Counts,
      typeMismatches: Schema.Array(
        Schema.Struct({ column: Schema.String, expected: Schema.String, actual: Schema.String })
      )
    })
  ),
  totals: Counts
})
const decodeReport = jsonOutput(Report)

layer(PgTest.layer, { timeout: 120_000, excludeTestServices: true })("syncflow CLI", (it) => {
  it.effect(
    "adds a connector, syncs it with --json, and the summary's counts match the tables",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 11, rows: { items: 500, customers: 30, orders: 40 } })
        const env = yield* cliEnv
        const added = ok(yield* addErpConnector(env, fake, "erp", "ERP"))
        assert.include(added, "Created connector erp")
        assert.include(ok(yield* syncflow(["connectors", "test", "erp"], env)), "connected")
        assert.include(ok(yield* syncflow(["connectors", "list"], env)), "ERP")

        const report = decodeReport(ok(yield* syncflow(["sync", "erp", "--json"], env)))
        assert.strictEqual(report.connectorId, "erp")
        const entities = report.entities.map((e) => e.entity)
        assert.includeMembers(entities, ["items", "customers", "orders", "order_lines"])
        assert.isBelow(entities.indexOf("orders"), entities.indexOf("order_lines"))
        for (const entity of report.entities) {
          const truth = fake.groundTruth.count(entity.entity)
          assert.deepInclude(entity.counts, { fetched: truth, inserted: truth, failed: 0 }, entity.entity)
          assert.strictEqual(yield* liveRows("erp", entity.entity), truth, entity.entity)
        }
        assert.strictEqual(
          report.totals.inserted,
          report.entities.reduce((sum, e) => sum + e.counts.inserted, 0)
        )

        // Named entities only, with a full refresh: everything is read again, nothing changes.
        const again = decodeReport(ok(yield* syncflow(["sync", "erp", "items", "--full-refresh", "--json"], env)))
        assert.deepStrictEqual(
          again.entities.map((e) => e.entity),
          ["items"]
        )
        assert.deepInclude(again.entities[0]!.counts, { fetched: 500, inserted: 0, updated: 0 })
        assert.strictEqual(again.mode, "full-refresh")

        const runs = jsonOutput(Schema.Array(RunView))(
          ok(yield* syncflow(["runs", "--connector", "erp", "--entity", "items", "--json"], env))
        )
        assert.deepStrictEqual(
          runs.map((run) => run.id),
          [again.entities[0]!.runId, report.entities.find((e) => e.entity === "items")!.runId]
        )
        assert.strictEqual(ok(yield* syncflow(["failed", "list", "erp", "--json"], env)).trim(), "[]")

        const unknown = yield* syncflow(["sync", "erp", "nothing"], env)
        assert.notStrictEqual(unknown.code, 0)
        assert.include(unknown.stdout + unknown.stderr, "has no entity nothing")
      }).pipe(Effect.scoped),
    spawningTimeout
  )

  it.effect(
    "shows and changes an entity's schedules: reconciled daily by default, a cron, off, bad input refused",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 12, rows: { items: 20, customers: 5, orders: 5 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "erp2", "ERP 2"))
        ok(yield* syncflow(["discover", "erp2"], env))
        // Entity settings: reconciled daily by default; a cron replaces the interval; "off"/"none" switch it off.
        assert.match(
          ok(yield* syncflow(["entities", "list", "erp2"], env)),
          /^items\s+enabled\s+incremental\s+every 300s\s+reconcile: every 86400s\s+orphans: keep$/m
        )
        const decodeEntity = jsonOutput(EntityView)
        const nightly = decodeEntity(
          ok(yield* syncflow(["entities", "set", "erp2", "items", "--reconcile-cron", "0 3 * * *", "--json"], env))
        )
        assert.deepInclude(nightly.settings, { reconcileIntervalSeconds: 86_400, reconcileCron: "0 3 * * *" })
        const off = ok(
          yield* syncflow(
            ["entities", "set", "erp2", "items", "--reconcile-interval", "off", "--reconcile-cron", "none"],
            env
          )
        )
        assert.match(off, /^items\s+enabled\s+incremental\s+every 300s\s+reconcile: off\s+orphans: keep$/m)
        // Rows whose parent is missing: parked instead of kept, by `entities set` or `orphans policy`.
        const parked = ok(yield* syncflow(["entities", "set", "erp2", "orders", "--orphans", "park"], env))
        assert.match(parked, /^orders\s.*orphans: park$/m)
        assert.include(ok(yield* syncflow(["orphans", "policy", "erp2", "orders", "keep"], env)), "orphans keep")
        assert.include(ok(yield* syncflow(["orphans", "list", "erp2", "orders"], env)), "No orphans")
        const bad = yield* syncflow(["entities", "set", "erp2", "items", "--reconcile-interval", "-5"], env)
        assert.notStrictEqual(bad.code, 0)
        assert.include(bad.stdout + bad.stderr, "reconcileIntervalSeconds")
      }).pipe(Effect.scoped),
    spawningTimeout
  )

  it.effect(
    "sync rediscovers first: a column retyped upstream is in the report, its unstorable rows are failed records",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 12, rows: { items: 200, customers: 10, orders: 10 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "drift", "Drift", { config: { discoveryTtlSeconds: 0 } }))
        const first = decodeReport(ok(yield* syncflow(["sync", "drift", "items", "--json"], env)))
        assert.deepStrictEqual(first.entities[0]?.typeMismatches, [])
        const report = yield* fake.mutate("items", { retypeColumn: true, update: 40 })
        const updated = new Set(report.updated.map((keys) => String(keys.PART_NO)))
        const unstorable = Array.from(fake.groundTruth.rows("items")).filter((row) => {
          const weight = row.values.weight_kg
          return updated.has(String(row.values.part_no)) && typeof weight === "string" && !/^\d+(\.\d+)?$/.test(weight)
        }).length
        assert.isAbove(unstorable, 0)
        const second = decodeReport(ok(yield* syncflow(["sync", "drift", "items", "--json"], env)))
        assert.deepStrictEqual(second.entities[0]?.typeMismatches, [
          { column: "weight_kg", expected: "text", actual: "numeric" }
        ])
        assert.deepInclude(second.entities[0]?.counts, { failed: unstorable, updated: 40 - unstorable })
        const failed = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql.unsafe<{ readonly n: number }>(
            `SELECT count(*)::int AS n FROM syncflow.failed_records
             WHERE connector_id = 'drift' AND stage = 'ingest' AND error_type = 'UnstorableValue' AND raw_data ? 'weight_kg'`
          )
        )
        assert.strictEqual(failed[0]?.n, unstorable)
      }),
    spawningTimeout
  )

  it.effect(
    "refuses to run without the secrets an external database needs, or with bad input, saying which",
    () =>
      Effect.gen(function* () {
        const base: NodeJS.ProcessEnv = { ...(yield* cliEnv) }
        for (const name of ["SYNCFLOW_SECRET_KEY", "SYNCFLOW_API_KEY", "SYNCFLOW_JWT_SECRET"]) delete base[name]

        const noKey = yield* syncflow(["connectors", "list"], base)
        assert.strictEqual(noKey.code, 1)
        assert.include(noKey.stderr, "SYNCFLOW_SECRET_KEY is not set")

        const withKey = { ...base, SYNCFLOW_SECRET_KEY: Redacted.value(secretKey) }
        const openApi = yield* syncflow(["serve"], { ...withKey, PORT: "0" })
        assert.strictEqual(openApi.code, 1)
        assert.include(openApi.stderr, "Neither SYNCFLOW_API_KEY nor SYNCFLOW_JWT_SECRET is set")

        const badConfig = yield* syncflow(
          [
            "connectors",
            "add",
            "Bad",
            "--adapter",
            "apismith",
            "--config",
            JSON.stringify({ baseUrl: "ftp://nope" }),
            "--credentials",
            JSON.stringify({ type: "bearer", token: "t" })
          ],
          withKey
        )
        assert.strictEqual(badConfig.code, 1)
        assert.include(badConfig.stderr, "config.baseUrl")
        assert.notInclude(ok(yield* syncflow(["connectors", "list", "--json"], withKey)), '"name":"Bad"')
      }),
    spawningTimeout
  )
})
