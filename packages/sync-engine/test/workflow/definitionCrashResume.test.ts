/**
 * A sync definition's durable run across a crash: its SyncDefinition workflow in a child process is
 * killed (SIGKILL) mid-run; a new process resumes it by itself from the committed checkpoint (the
 * windows already committed are not read again), and the definition's table ends equal to the fake
 * ERP's ground truth, every row inserted once, in one run.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { SyncDefinition } from "../../src/definitions/SyncDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { rowsOrEmpty, spawnRunner, waitFor } from "./processes.ts"

const rows = 40_000
const windowRows = 2_000
const testLayer = SyncDefinitions.layer.pipe(Layer.provideMerge(engineLayer))

layer(testLayer, { timeout: 240_000, excludeTestServices: true })("durable SyncDefinition across a crash", (it) => {
  it.effect(
    "resumes after SIGKILL from the checkpoint; the definition's table equals the ground truth",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest, manifests } = yield* fakeErp({ seed: 12, rows: { items: rows } })
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        yield* manifestStore.saveManifests("erp", manifests)
        const definition = yield* createDefinition({
          id: "items-copy",
          name: "Items copy",
          source: { connectorId: "erp", entity: "items" },
          destination: { kind: "postgres", table: "items_copy" }
        }).pipe(
          Effect.provide(
            Layer.succeed(ConnectorAdapters, {
              runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
            })
          )
        )
        const env = { ERP_URL: fake.baseUrl, WINDOW_ROWS: String(windowRows), PAGE_SIZE: "1000" }
        const count = rowsOrEmpty<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items_copy`)

        const first = yield* spawnRunner({
          ...env,
          ROLE: "single",
          RUNNER_NAME: "first",
          START_DEFINITION: JSON.stringify(Schema.encodeSync(Schema.toCodecJson(SyncDefinition))(definition))
        })
        yield* waitFor(
          "10,000 committed rows",
          count.pipe(Effect.map((r) => Option.filter(Option.fromUndefinedOr(r[0]?.n), (n) => n >= 10_000))),
          { timeout: "90 seconds", context: first.output }
        )
        yield* first.kill
        const [atKill] = yield* count
        assert.isBelow(atKill?.n ?? 0, rows, "killed before the end")

        // The next process is not asked to run it: it resumes the workflow the dead one left.
        const second = yield* spawnRunner({ ...env, ROLE: "single", RUNNER_NAME: "second" })
        const run = yield* waitFor(
          "the run to succeed",
          rowsOrEmpty<{ readonly id: string; readonly status: string; readonly inserted: number }>(
            `SELECT id::text, status, inserted::int FROM syncflow.sync_runs WHERE entity = 'items' AND definition_id = 'items-copy'`
          ).pipe(Effect.map((r) => Option.filter(Option.fromUndefinedOr(r[0]), (x) => x.status === "succeeded"))),
          { timeout: "120 seconds", context: second.output }
        )
        const runs = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.sync_runs WHERE entity = 'items' AND definition_id = 'items-copy'`
        )
        assert.strictEqual(runs[0]?.n, 1)
        assert.strictEqual(run.inserted, rows)
        assert.deepStrictEqual(
          yield* storedIdentities("items_copy"),
          yield* expectedIdentities(fake, manifest("items"))
        )
        // The execution is linked with its run.
        const links = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.execution_runs WHERE run_id::text = '${run.id}'`
        )
        assert.isAtLeast(links[0]?.n ?? 0, 1)

        // Completed windows were not read again: at most the one in flight at the kill.
        const listings = yield* rowsOrEmpty<{ readonly runner: string; readonly cursor: string }>(
          `SELECT runner, cursor FROM test_listings WHERE entity = 'items' ORDER BY id`
        )
        const perCursor = new Map<string, number>()
        for (const listing of listings) perCursor.set(listing.cursor, (perCursor.get(listing.cursor) ?? 0) + 1)
        assert.isAtMost([...perCursor.values()].filter((n) => n > 1).length, 1)
        assert.strictEqual(perCursor.size, rows / windowRows, "one listing per window")
        assert.isAtLeast(listings.filter((l) => l.runner === "second").length, 1)
      }).pipe(Effect.scoped),
    180_000
  )
})
