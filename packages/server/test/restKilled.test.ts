/**
 * A declarative REST source's sync killed mid-run, as a user would meet it (real child processes,
 * the fake catalog on loopback): `syncflow sync` of a `rest` connector is SIGKILLed while the fake
 * holds the answer to a page after the first window (10,000 records) has committed; run again
 * (once the dead command's runner has gone stale, with `--wait` for its lease), the command resumes
 * the same run from the saved cursor — the pages already committed are not listed again — and the
 * table equals the fake's items, each once.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { FakeCatalog } from "@syncflow/rest/testing"
import { SyncCluster } from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Schedule, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { cliEnv, jsonOutput, ok, spawningTimeout, spawnSyncflow, syncflow } from "./cliProcess.ts"
import { comparableRows } from "./comparableRows.ts"
import { liveRows } from "./liveRows.ts"

/** Items, and a page size that makes the engine's first window (10,000 records) ten pages. */
const items = 12_500
const perPage = 1_000

const document = (baseUrl: string) => `title: Catalog
baseUrl: ${baseUrl}
auth: { type: bearer }
streams:
  - name: items
    path: /items
    records: items
    primaryKey: id
    pageSize: { max: ${perPage} }
    pagination: { style: page-number, pageParam: page, sizeParam: per_page, totalPages: total_pages }
`

const Report = Schema.Struct({
  entities: Schema.Array(
    Schema.Struct({
      entity: Schema.String,
      runId: Schema.String,
      resumed: Schema.Boolean,
      counts: Schema.Struct({ fetched: Schema.Number, inserted: Schema.Number, failed: Schema.Number })
    })
  )
})

/** The pages of the listing the fake was asked for, in order. */
const pagesAsked = (fake: FakeCatalog.FakeCatalog) =>
  Effect.map(fake.requests, (requests) => requests.map((request) => Number(request.url.searchParams.get("page"))))

layer(PgTest.layer, { timeout: spawningTimeout * 4, excludeTestServices: true })("a REST sync killed", (it) => {
  it.effect(
    "SIGKILL of syncflow sync mid-run; run again, it resumes from the saved cursor and the table equals the truth",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeCatalog.make({ items, maxPerPage: perPage })
        const env = yield* cliEnv
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "syncflow-rest-killed-"))),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
        )
        const file = join(dir, "catalog.yaml")
        writeFileSync(file, document(fake.baseUrl))
        const credentials = join(dir, "token.json")
        writeFileSync(credentials, JSON.stringify({ type: "bearer", token: "t0ken" }), { mode: 0o600 })
        ok(
          yield* syncflow(
            ["connectors", "add", "Catalog", "--adapter", "rest", "--id", "catalog", "--config-file", file].concat([
              "--credentials-file",
              credentials
            ]),
            env
          )
        )

        // The fake holds page 12: the first window (pages 1-10) commits, the second waits on it.
        const held = yield* fake.hold(12)
        const child = yield* spawnSyncflow(["sync", "catalog", "items"], env)
        let output = ""
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString()
        })
        child.stderr.on("data", (chunk: Buffer) => {
          output += chunk.toString()
        })
        const exited = Effect.callback<number | null>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
          child.once("exit", (code) => resume(Effect.succeed(code)))
        })
        yield* held.reached.pipe(
          Effect.timeoutOrElse({
            duration: "90 seconds",
            orElse: () => Effect.fail(new Error(`page 12 was never asked for:\n${output}`))
          })
        )
        yield* liveRows("catalog", "items").pipe(
          Effect.repeat({ until: (n) => n === 10_000, schedule: Schedule.spaced("100 millis") }),
          Effect.timeoutOrElse({
            duration: "90 seconds",
            orElse: () => Effect.fail(new Error(`the first window never committed:\n${output}`))
          })
        )
        child.kill("SIGKILL")
        yield* exited
        assert.strictEqual(child.signalCode, "SIGKILL")
        // Killed mid-run: the first window is in the table, nothing after it.
        assert.strictEqual(yield* liveRows("catalog", "items"), 10_000)
        const sql = yield* SqlClient.SqlClient
        const [killed] = yield* sql<{ readonly id: string; readonly status: string }>`
          SELECT id::text, status FROM syncflow.sync_runs WHERE connector_id = 'catalog'`
        assert.strictEqual(killed?.status, "running")
        const before = (yield* pagesAsked(fake)).length
        yield* held.release
        // The dead command's runner stays in the cluster's table until its heartbeat is stale; a
        // command started before would take it for a live runner and only trigger.
        yield* SyncCluster.runnerServes().pipe(
          Effect.repeat({ until: (serves) => !serves, schedule: Schedule.spaced("200 millis") }),
          Effect.timeoutOrElse({
            duration: "60 seconds",
            orElse: () => Effect.fail(new Error("the killed command's runner never went stale"))
          })
        )

        // Run again, waiting for the dead sync's lease: the same run resumes after page 10.
        const report = jsonOutput(Report)(ok(yield* syncflow(["sync", "catalog", "items", "--wait", "--json"], env)))
        const after = (yield* pagesAsked(fake)).slice(before)
        // Page 1 at most once more (the command's sample of the stream), never pages 2-10.
        assert.deepStrictEqual(
          after.filter((page) => page > 1 && page <= 10),
          [],
          `the committed pages were not listed again (asked for ${after.join(", ")})`
        )
        assert.includeMembers(after, [11, 12, 13])
        assert.deepStrictEqual(
          report.entities.map((entity) => ({ runId: entity.runId, resumed: entity.resumed, ...entity.counts })),
          [{ runId: killed?.id ?? "", resumed: true, fetched: items, inserted: items, failed: 0 }]
        )

        // The table equals the truth, each item once.
        const rows = yield* sql.unsafe<Record<string, unknown>>(`SELECT * FROM catalog.items ORDER BY id`)
        const [distinct] = yield* sql<{ readonly n: number }>`SELECT count(DISTINCT id)::int AS n FROM catalog.items`
        assert.strictEqual(rows.length, items)
        assert.strictEqual(distinct?.n, items)
        const truth = [...fake.items.values()].sort((a, b) => Number(a.id) - Number(b.id))
        const fields = Object.keys(truth[0] ?? {})
        assert.deepStrictEqual(comparableRows(rows, fields), comparableRows(truth, fields))
        const runs = yield* sql<{ readonly status: string }>`
          SELECT status FROM syncflow.sync_runs WHERE connector_id = 'catalog'`
        assert.deepStrictEqual(runs, [{ status: "succeeded" }])
      }).pipe(Effect.scoped),
    spawningTimeout * 4
  )
})
