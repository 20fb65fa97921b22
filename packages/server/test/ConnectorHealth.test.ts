/**
 * The connectors' health cache on the test clock: one probe per connector per cache period,
 * however often it is asked; a new probe once the period has passed; a probe that hangs is `down`
 * after the probe timeout.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { ConnectorHealth, probeTimeout } from "../src/connectors/ConnectorHealth.ts"

describe("ConnectorHealth", () => {
  it.effect("probes each connector once per cache period, then again", () =>
    Effect.gen(function* () {
      const probes: Array<string> = []
      let erpUp = false
      const health = yield* ConnectorHealth.make(
        {
          connectorIds: Effect.succeed(["erp", "crm"]),
          probe: (id) =>
            Effect.suspend(() => {
              probes.push(id)
              return id === "erp" && !erpUp ? Effect.fail({ message: "503 from erp" }) : Effect.void
            })
        },
        Duration.seconds(30)
      )
      const first = yield* health.check
      assert.deepStrictEqual(
        first.map((c) => [c.connectorId, c.status, c.message]),
        [
          ["erp", "down", "503 from erp"],
          ["crm", "ok", undefined]
        ]
      )
      for (let i = 0; i < 20; i++) yield* health.check
      assert.deepStrictEqual(probes, ["erp", "crm"])

      // The upstream came back: still down until the cached probe expires, 30 s after it ran.
      erpUp = true
      yield* TestClock.adjust(Duration.seconds(29))
      assert.strictEqual((yield* health.check)[0]?.status, "down")
      assert.strictEqual(probes.length, 2)
      yield* TestClock.adjust(Duration.seconds(1))
      const later = yield* health.check
      assert.deepStrictEqual(
        later.map((c) => c.status),
        ["ok", "ok"]
      )
      assert.deepStrictEqual(probes, ["erp", "crm", "erp", "crm"])
      assert.strictEqual(later[0]?.checkedAt.getTime(), 30_000)
    })
  )

  it.effect("a probe without an answer is down after the probe timeout", () =>
    Effect.gen(function* () {
      const health = yield* ConnectorHealth.make(
        { connectorIds: Effect.succeed(["slow"]), probe: () => Effect.never },
        Duration.seconds(30)
      )
      const fiber = yield* Effect.forkChild(health.check)
      yield* TestClock.adjust(probeTimeout)
      const [check] = yield* Fiber.join(fiber)
      assert.deepInclude(check, { connectorId: "slow", status: "down", latencyMs: Duration.toMillis(probeTimeout) })
    })
  )
})
