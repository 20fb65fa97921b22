/**
 * Each alert rule on a real PostgreSQL, at the TestClock's time: it fires once when its threshold is
 * crossed, stays firing (no second alert) while it holds, and resolves once when it no longer does;
 * each change leaves exactly one outbox row per webhook. Per-entity thresholds replace the global
 * ones, `null` turns a rule off, and a disabled entity's alerts resolve.
 */
import { assert, layer } from "@effect/vitest"
import { Clock, Effect, Queue } from "effect"
import { type AlertPass, loop } from "../../src/alerts/AlertEvaluator.ts"
import { AlertStore } from "../../src/alerts/AlertStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { alertsLayer, manifest, only, outbox, setup } from "./fixtures.ts"

/** The outbox rows one alert's life leaves: fired then resolved, once per webhook. */
const firedThenResolved = (rule: string, entity: string) => [
  { rule, entity, change: "firing", webhook: "ops" },
  { rule, entity, change: "firing", webhook: "chat" },
  { rule, entity, change: "resolved", webhook: "ops" },
  { rule, entity, change: "resolved", webhook: "chat" }
]

const quiet = { fired: [], resolved: [] }

layer(alertsLayer, { timeout: 60_000 })("alert rules", (it) => {
  it.effect("consecutive_failures: 3 failed runs in a row by default; per entity 1, or off", () =>
    Effect.gen(function* () {
      const { at, clock, evaluateAt } = yield* setup("erp", only("consecutiveFailures", 3), [
        { manifest: manifest("items") },
        { manifest: manifest("orders"), settings: { alerts: { consecutiveFailures: 1 } } },
        { manifest: manifest("customers"), settings: { alerts: { consecutiveFailures: null } } }
      ])
      const runs = yield* RunStore
      const run = (entity: string, minute: number, status: "succeeded" | "failed") =>
        Effect.gen(function* () {
          yield* clock.setTime(Date.UTC(2026, 5, 1, 12, minute))
          const started = yield* at(runs.startRun({ connectorId: "erp", entity, mode: "incremental" }))
          yield* at(runs.finishRun(started.id, { status, error: status === "failed" ? "Error: boom" : undefined }))
        })
      for (const entity of ["items", "orders", "customers"]) yield* run(entity, 0, "succeeded")
      assert.deepInclude(yield* evaluateAt(0), quiet)

      yield* run("items", 1, "failed")
      yield* run("customers", 1, "failed")
      yield* run("items", 2, "failed")
      assert.deepInclude(yield* evaluateAt(2), quiet)
      yield* run("orders", 3, "failed")
      yield* run("items", 3, "failed")
      assert.deepInclude(yield* evaluateAt(3), {
        fired: ["consecutive_failures items", "consecutive_failures orders"],
        resolved: []
      })
      // A fourth failure: still the same alert, its value now 4.
      yield* run("items", 4, "failed")
      for (const entity of ["customers", "customers", "customers"]) yield* run(entity, 4, "failed")
      assert.deepInclude(yield* evaluateAt(4), quiet)
      const store = yield* AlertStore
      const [items] = yield* store.list({ entity: "items" })
      assert.deepInclude(items, { state: "firing", value: 4, threshold: 3 })
      assert.include(items?.summary ?? "", "erp/items: 4 failed runs in a row (last: Error: boom)")

      yield* run("items", 5, "succeeded")
      assert.deepInclude(yield* evaluateAt(5), { fired: [], resolved: ["consecutive_failures items"] })
      yield* run("items", 6, "failed")
      assert.deepInclude(yield* evaluateAt(6), quiet)
      yield* run("orders", 7, "succeeded")
      assert.deepInclude(yield* evaluateAt(7), { fired: [], resolved: ["consecutive_failures orders"] })

      const rows = yield* outbox
      assert.deepStrictEqual(
        rows.filter((row) => row.entity === "items"),
        firedThenResolved("consecutive_failures", "items")
      )
      assert.deepStrictEqual(
        rows.filter((row) => row.entity === "orders"),
        firedThenResolved("consecutive_failures", "orders")
      )
      assert.strictEqual(rows.length, 8)
      const history = yield* store.list({ rule: "consecutive_failures" })
      assert.deepStrictEqual(
        history.map((alert) => [alert.entity, alert.state]),
        [
          ["orders", "resolved"],
          ["items", "resolved"]
        ]
      )
    })
  )

  it.effect("long_run: a run running longer than the threshold", () =>
    Effect.gen(function* () {
      const { at, evaluateAt } = yield* setup("erp", only("longRunMinutes", 30), [{ manifest: manifest("items") }])
      const runs = yield* RunStore
      const started = yield* at(runs.startRun({ connectorId: "erp", entity: "items", mode: "incremental" }))
      assert.deepInclude(yield* evaluateAt(29), quiet)
      assert.deepInclude(yield* evaluateAt(30), { fired: ["long_run items"], resolved: [], firing: 1 })
      assert.deepInclude(yield* evaluateAt(45), quiet)
      const [alert] = yield* (yield* AlertStore).list({ state: "firing" })
      assert.deepInclude(alert, { rule: "long_run", value: 45 * 60, threshold: 30 * 60 })
      assert.include(alert?.summary ?? "", `run ${started.id} has been running for 45 minutes`)
      yield* at(runs.finishRun(started.id, { status: "succeeded" }))
      assert.deepInclude(yield* evaluateAt(50), { fired: [], resolved: ["long_run items"], firing: 0 })
      assert.deepStrictEqual(yield* outbox, firedThenResolved("long_run", "items"))
    })
  )

  it.effect("not_synced: no success within K times the interval or the cron's period; off when disabled", () =>
    Effect.gen(function* () {
      // items every 5 minutes (15 minutes allowed), orders on a 10-minute cron (30 minutes allowed).
      const { at, evaluateAt } = yield* setup("erp", only("notSyncedFactor", 3), [
        { manifest: manifest("items"), settings: { intervalSeconds: 300 } },
        { manifest: manifest("orders"), settings: { cron: "*/10 * * * *" } }
      ])
      const runs = yield* RunStore
      const succeed = (entity: string) =>
        Effect.gen(function* () {
          const started = yield* at(runs.startRun({ connectorId: "erp", entity, mode: "incremental" }))
          yield* at(runs.finishRun(started.id, { status: "succeeded" }))
        })
      yield* succeed("items")
      yield* succeed("orders")
      assert.deepInclude(yield* evaluateAt(15), quiet)
      assert.deepInclude(yield* evaluateAt(16), { fired: ["not_synced items"], resolved: [] })
      assert.deepInclude(yield* evaluateAt(30), quiet)
      assert.deepInclude(yield* evaluateAt(31), { fired: ["not_synced orders"], resolved: [] })
      yield* succeed("items")
      assert.deepInclude(yield* evaluateAt(32), { fired: [], resolved: ["not_synced items"] })
      yield* (yield* ManifestStore).updateEntitySettings("erp", "orders", { enabled: false })
      assert.deepInclude(yield* evaluateAt(33), { fired: [], resolved: ["not_synced orders"], firing: 0 })
      const rows = yield* outbox
      assert.deepStrictEqual(
        rows.filter((row) => row.entity === "items"),
        firedThenResolved("not_synced", "items")
      )
      assert.deepStrictEqual(
        rows.filter((row) => row.entity === "orders"),
        firedThenResolved("not_synced", "orders")
      )
    })
  )

  it.effect("upstream_unreachable: a connector's runs failing to reach its upstream for M minutes", () =>
    Effect.gen(function* () {
      const { at, clock, evaluateAt } = yield* setup("erp", only("upstreamUnreachableMinutes", 15), [
        { manifest: manifest("items") },
        { manifest: manifest("orders") }
      ])
      const runs = yield* RunStore
      const run = (entity: string, minute: number, error: string | undefined) =>
        Effect.gen(function* () {
          yield* clock.setTime(Date.UTC(2026, 5, 1, 12, minute))
          const started = yield* at(runs.startRun({ connectorId: "erp", entity, mode: "incremental" }))
          yield* at(
            runs.finishRun(started.id, error === undefined ? { status: "succeeded" } : { status: "failed", error })
          )
        })
      yield* run("items", 0, undefined)
      yield* run("items", 1, "UpstreamUnavailable: connect ECONNREFUSED 127.0.0.1:9")
      yield* run("orders", 6, "RequestTimeout: no answer within 30000 ms")
      yield* run("items", 11, "UpstreamUnavailable: the circuit is open")
      assert.deepInclude(yield* evaluateAt(15), quiet)
      assert.deepInclude(yield* evaluateAt(16), { fired: ["upstream_unreachable -"], resolved: [] })
      const [alert] = yield* (yield* AlertStore).list({ rule: "upstream_unreachable" })
      assert.deepInclude(alert, { connectorId: "erp", entity: null, value: 15 * 60, threshold: 15 * 60 })
      assert.include(alert?.summary ?? "", "3 failed runs")
      // A run the upstream answered (even with a refusal): it is reachable again.
      yield* run("orders", 20, "RequestRejected: 400 bad filter")
      assert.deepInclude(yield* evaluateAt(21), { fired: [], resolved: ["upstream_unreachable -"] })
      yield* run("items", 22, "UpstreamUnavailable: connect ECONNREFUSED 127.0.0.1:9")
      assert.deepInclude(yield* evaluateAt(30), quiet)
      assert.deepStrictEqual(yield* outbox, firedThenResolved("upstream_unreachable", ""))
    })
  )

  it.effect("failed_records: open failed records grown past the threshold", () =>
    Effect.gen(function* () {
      const { at, evaluateAt } = yield* setup("erp", only("failedRecords", 10), [{ manifest: manifest("items") }])
      const failedRecords = yield* FailedRecordStore
      const fail = (from: number, count: number) =>
        at(
          failedRecords.recordFailedRecords(
            Array.from({ length: count }, (_, i) => ({
              connectorId: "erp",
              entity: "items",
              stage: "validate" as const,
              errorType: "RequiredFieldMissing",
              message: "name is required",
              businessKey: `id=${from + i}`
            }))
          )
        )
      yield* fail(0, 10)
      assert.deepInclude(yield* evaluateAt(1), quiet)
      yield* fail(10, 1)
      assert.deepInclude(yield* evaluateAt(2), { fired: ["failed_records items"], resolved: [] })
      yield* fail(11, 1)
      assert.deepInclude(yield* evaluateAt(3), quiet)
      const open = yield* failedRecords.listFailedRecords({ connectorId: "erp", entity: "items", limit: 100 })
      assert.strictEqual(open.length, 12)
      yield* failedRecords.resolveFailedRecords(open.slice(0, 3).map((record) => record.id))
      assert.deepInclude(yield* evaluateAt(4), { fired: [], resolved: ["failed_records items"] })
      assert.deepStrictEqual(yield* outbox, firedThenResolved("failed_records", "items"))
    })
  )

  it.effect("pending_children: a child row waiting for its parent longer than the threshold", () =>
    Effect.gen(function* () {
      const { at, evaluateAt } = yield* setup("erp", only("pendingChildMinutes", 30), [
        { manifest: manifest("orders") },
        { manifest: manifest("order_lines", ["orders"]) }
      ])
      const pending = yield* PendingChildStore
      yield* at(
        pending.enqueuePendingChildren([
          {
            connectorId: "erp",
            entity: "order_lines",
            bkHash: "line-1",
            parentEntity: "orders",
            parentBkHash: "order-1",
            row: { id: 1, orders_id: 1 }
          }
        ])
      )
      assert.deepInclude(yield* evaluateAt(29), quiet)
      assert.deepInclude(yield* evaluateAt(30), { fired: ["pending_children order_lines"], resolved: [] })
      assert.deepInclude(yield* evaluateAt(40), quiet)
      yield* pending.removePendingChildren("erp", "order_lines", ["line-1"])
      assert.deepInclude(yield* evaluateAt(41), { fired: [], resolved: ["pending_children order_lines"] })
      assert.deepStrictEqual(yield* outbox, firedThenResolved("pending_children", "order_lines"))
    })
  )
  it.effect("the evaluator's loop evaluates at once, then every minute", () =>
    Effect.gen(function* () {
      const { at, clock } = yield* setup("erp", only("longRunMinutes", 1), [{ manifest: manifest("items") }])
      const runs = yield* RunStore
      yield* at(runs.startRun({ connectorId: "erp", entity: "items", mode: "incremental" }))
      const passes = yield* Queue.unbounded<AlertPass>()
      yield* loop({
        thresholds: only("longRunMinutes", 1),
        every: "1 minute",
        onPass: (pass) => Queue.offer(passes, pass).pipe(Effect.asVoid)
      }).pipe(Effect.provideService(Clock.Clock, clock), Effect.forkScoped)
      assert.deepInclude(yield* Queue.take(passes), { fired: [], firing: 0 })
      yield* clock.adjust("1 minute")
      const next = yield* Queue.take(passes)
      assert.deepStrictEqual(
        next.fired.map((alert) => alert.rule),
        ["long_run"]
      )
      // No webhooks configured: nothing in the outbox.
      assert.deepStrictEqual(yield* outbox, [])
    })
  )
})
