/**
 * Failover: two runner processes share the database; a long sync runs on one of them, that runner
 * is killed (SIGKILL), and the other one takes its shards over and finishes the sync.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { freePort, ready, rowsOrEmpty, spawnRunner, waitFor } from "./processes.ts"

const rows = 60_000

layer(engineLayer, { timeout: 240_000, excludeTestServices: true })("a cluster of two runners", (it) => {
  it.effect(
    "finishes a sync on the surviving runner when the one running it dies",
    () =>
      Effect.gen(function* () {
        const { fake, manifest } = yield* fakeErp({ seed: 13, rows: { items: rows } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const env = { ERP_URL: fake.baseUrl, WINDOW_ROWS: "2000", PAGE_SIZE: "500", ROLE: "runner" }
        const b = yield* spawnRunner({ ...env, RUNNER_NAME: "b", RUNNER_PORT: String(yield* freePort) })
        yield* ready(b)
        // `a` starts the sync; it runs on whichever runner owns the execution's shard.
        const a = yield* spawnRunner({
          ...env,
          RUNNER_NAME: "a",
          RUNNER_PORT: String(yield* freePort),
          START_ENTITY: "erp/items"
        })
        yield* ready(a)
        const output = () => `--- a\n${a.output()}\n--- b\n${b.output()}`
        const owner = yield* waitFor(
          "some committed windows",
          rowsOrEmpty<{ readonly runner: string; readonly n: number }>(
            `SELECT runner, (SELECT count(*)::int FROM erp.items) AS n FROM test_listings ORDER BY id DESC LIMIT 1`
          ).pipe(Effect.map((r) => Option.filter(Option.fromUndefinedOr(r[0]), (x) => x.n >= 10_000))),
          { timeout: "90 seconds", context: output }
        )
        assert.oneOf(owner.runner, ["a", "b"])
        const [victim, survivor] = owner.runner === "b" ? [b, "a"] : [a, "b"]
        yield* victim.kill
        const [atKill] = yield* rowsOrEmpty<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items`)

        const run = yield* waitFor(
          "the run to succeed",
          rowsOrEmpty<{ readonly status: string; readonly inserted: number }>(
            `SELECT status, inserted::int FROM syncflow.sync_runs WHERE entity = 'items'`
          ).pipe(Effect.map((r) => Option.filter(Option.fromUndefinedOr(r[0]), (x) => x.status === "succeeded"))),
          { timeout: "150 seconds", context: output }
        )
        assert.strictEqual(run.inserted, rows)
        assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, manifest("items")))
        assert.isBelow(atKill?.n ?? 0, rows, "killed before the end")
        {
          // The windows after the kill were read by the survivor.
          const after = yield* rowsOrEmpty<{ readonly runner: string }>(
            `SELECT DISTINCT runner FROM test_listings WHERE id > (SELECT max(id) FROM test_listings WHERE runner = '${owner.runner}')`
          )
          assert.deepStrictEqual(
            after.map((r) => r.runner),
            [survivor]
          )
        }
      }).pipe(Effect.scoped),
    180_000
  )
})
