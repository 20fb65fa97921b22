/**
 * Schedules: the slot arithmetic (interval periods and cron occurrences), and two runner processes
 * that both register the scheduler firing each slot of an entity's interval exactly once.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { defaultEntitySettings } from "../../src/state/EntitySettings.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { currentSlot, nextFireTimes } from "../../src/workflow/SyncScheduler.ts"
import { engineLayer, fakeErp } from "../pipeline/fixtures.ts"
import { freePort, ready, rowsOrEmpty, spawnRunner, waitFor } from "./processes.ts"

describe("schedule slots", () => {
  it("an interval schedule has one slot per period; a cron schedule one per occurrence", () => {
    const every5min = { ...defaultEntitySettings, intervalSeconds: 300 }
    const at = Date.UTC(2026, 0, 1, 12, 0, 0)
    assert.strictEqual(currentSlot(every5min, at), currentSlot(every5min, at + 299_999))
    assert.strictEqual(currentSlot(every5min, at + 300_000), (currentSlot(every5min, at) ?? 0) + 1)
    const hourly = { ...defaultEntitySettings, cron: "0 * * * *" }
    assert.strictEqual(currentSlot(hourly, at), at)
    assert.strictEqual(currentSlot(hourly, at + 3_599_999), at)
    assert.strictEqual(currentSlot(hourly, at + 3_600_000), at + 3_600_000)
    assert.isUndefined(currentSlot({ ...defaultEntitySettings, cron: "not a cron" }, at))
  })

  it("the next fire times are the next slots' starts, each one after the other", () => {
    const at = Date.UTC(2026, 0, 1, 12, 0, 0)
    const minutes = (times: ReadonlyArray<number>) => times.map((time) => (time - at) / 60_000)
    // An interval: the next periods since the epoch (one starting exactly now has fired).
    assert.deepStrictEqual(minutes(nextFireTimes({ intervalSeconds: 300, cron: null }, at, 3)), [5, 10, 15])
    assert.deepStrictEqual(minutes(nextFireTimes({ intervalSeconds: 300, cron: null }, at + 60_000, 2)), [5, 10])
    // A cron expression (UTC) takes precedence over the interval.
    assert.deepStrictEqual(
      minutes(nextFireTimes({ intervalSeconds: 300, cron: "30 */2 * * *" }, at, 3)),
      [30, 150, 270]
    )
    for (const [index, time] of nextFireTimes({ intervalSeconds: null, cron: "0 0 * * 1" }, at, 5).entries()) {
      assert.strictEqual(new Date(time).getUTCDay(), 1)
      assert.strictEqual(new Date(time).getUTCHours(), 0)
      if (index > 0)
        assert.strictEqual(
          time - (nextFireTimes({ intervalSeconds: null, cron: "0 0 * * 1" }, at, 5)[index - 1] ?? 0),
          7 * 86_400_000
        )
    }
    assert.deepStrictEqual(nextFireTimes({ intervalSeconds: null, cron: "not a cron" }, at, 5), [])
    assert.deepStrictEqual(nextFireTimes({ intervalSeconds: null, cron: null }, at, 5), [])
  })
})

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("one scheduler for the cluster", (it) => {
  it.effect(
    "fires each interval slot once across two runners",
    () =>
      Effect.gen(function* () {
        const { fake, manifests } = yield* fakeErp({ seed: 41, rows: { items: 200 } })
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        yield* manifestStore.saveManifests("erp", manifests)
        for (const manifest of manifests) {
          yield* manifestStore.updateEntitySettings(
            "erp",
            manifest.entity,
            manifest.entity === "items" ? { intervalSeconds: 2, mode: "full-refresh" } : { enabled: false }
          )
        }
        const env = { ERP_URL: fake.baseUrl, ROLE: "runner", SCHEDULER: "1" }
        const a = yield* spawnRunner({ ...env, RUNNER_NAME: "a", RUNNER_PORT: String(yield* freePort) })
        const b = yield* spawnRunner({ ...env, RUNNER_NAME: "b", RUNNER_PORT: String(yield* freePort) })
        yield* ready(a)
        yield* ready(b)

        const fires = yield* waitFor(
          "four fires",
          rowsOrEmpty<{ readonly slot: number; readonly firedBy: string }>(
            `SELECT slot::float8 AS slot, fired_by AS "firedBy" FROM syncflow.schedule_fires
           WHERE key = 'schedule:erp/items' ORDER BY slot`
          ).pipe(Effect.map((rows) => (rows.length >= 4 ? Option.some(rows) : Option.none()))),
          { timeout: "60 seconds", context: () => `${a.output()}\n${b.output()}` }
        )
        // One fire per interval: consecutive slots, none skipped, none twice.
        const slots = fires.map((fire) => fire.slot)
        for (let i = 1; i < slots.length; i++) assert.strictEqual(slots[i], (slots[i - 1] ?? 0) + 1)
        // One scheduler at a time: the host changes at most once (a hand-over when the second runner joined).
        const handovers = fires.filter((fire, i) => i > 0 && fire.firedBy !== fires[i - 1]?.firedBy).length
        assert.isAtMost(handovers, 1)
        // Every fire started one sync (or found the previous one still running): never more runs than fires.
        const runs = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.sync_runs WHERE entity = 'items'`
        )
        assert.isAtLeast(runs[0]?.n ?? 0, 1)
        assert.isAtMost(runs[0]?.n ?? 0, fires.length)
        // The entities whose schedule is disabled never ran.
        const others = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.sync_runs WHERE entity <> 'items'`
        )
        assert.strictEqual(others[0]?.n, 0)
      }).pipe(Effect.scoped),
    120_000
  )
})
