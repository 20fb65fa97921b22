import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { ScheduleHubCredentials } from "../src/index.ts"
import { ScheduleHubAdapter } from "../src/ScheduleHubAdapter.ts"
import { ScheduleHubClient } from "../src/ScheduleHubClient.ts"
import { FakeScheduleHub } from "../src/testing/index.ts"
import { ClientStack, clientOf, keyHash, order, orderLine } from "./support/harness.ts"

const adapterOf = (fake: FakeScheduleHub.FakeScheduleHub, options: Parameters<typeof clientOf>[1] = {}) =>
  Effect.gen(function* () {
    const client = yield* clientOf(fake, options)
    return yield* ScheduleHubAdapter.make.pipe(Effect.provideService(ScheduleHubClient, client))
  })

describe("ScheduleHubAdapter", () => {
  it.live("discovers manifests from the schema: keyed by erp_key_hash, parents by via", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const adapter = yield* adapterOf(fake)
      const manifests = yield* adapter.manifests
      const lines = manifests.find((m) => m.entity === "order_lines")
      assert.deepStrictEqual(lines?.businessKey, ["erp_key_hash"])
      assert.deepStrictEqual(lines?.parents, [{ entity: "orders", foreignKey: ["order_key_hash"] }])
      assert.deepInclude(lines?.columns?.find((c) => c.name === "line_no") ?? {}, { type: "integer", nullable: false })
      assert.deepInclude(lines?.columns?.find((c) => c.name === "unit_price") ?? {}, {
        type: "decimal",
        nullable: true
      })
      assert.deepStrictEqual(adapter.write.entities, ["items", "customers", "orders", "order_lines", "units"])
      assert.strictEqual(adapter.write.batch?.maxOperations, 1000)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.live("writes through RecordWriter, looks uids up by erp_key_hash, and reads the export back", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const adapter = yield* adapterOf(fake)
      const { write } = adapter
      const parent = yield* write.create("orders", order(1), { idempotencyKey: "o-1" })
      assert.strictEqual(parent._tag, "created")
      const results = yield* write.batch?.run(
        "order_lines",
        [1, 2, 3, 4, 5].map((line) => ({ op: "create" as const, record: orderLine(1, line) })),
        { idempotencyKey: "lines-1" }
      ) ?? Effect.die("no batch")
      assert.deepStrictEqual(
        results.map((r) => r._tag),
        ["created", "created", "created", "created", "created"]
      )
      const uids = yield* write.lookup?.("order_lines", [keyHash(102, 3), keyHash(999, 3)]) ?? Effect.die("no lookup")
      const stored = (yield* fake.records("order_lines")).find((r) => r.erp_key_hash === keyHash(102, 3))
      assert.deepStrictEqual([...uids], [[keyHash(102, 3), stored?.uid]])
      const pages = yield* Stream.runCollect(adapter.streamPages("order_lines", { pageSize: 2 }))
      assert.deepStrictEqual(
        pages.map((p) => p.items.length),
        [2, 2, 1]
      )
      assert.deepStrictEqual(
        pages.flatMap((p) => p.items),
        [...(yield* fake.records("order_lines"))]
      )
      assert.deepStrictEqual(yield* write.update("order_lines", stored?.uid ?? "", { quantity: "7.000" }), {
        _tag: "updated",
        id: stored?.uid ?? "",
        record: { ...stored, quantity: "7.000" }
      })
      assert.deepStrictEqual(yield* write.delete("order_lines", stored?.uid ?? ""), {
        _tag: "deleted",
        id: stored?.uid ?? ""
      })
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.live("tests the connection: health and an authenticated schema read", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const adapter = yield* adapterOf(fake)
      yield* adapter.testConnection
      const client = yield* clientOf(fake, {
        connectionId: "another",
        credentials: ScheduleHubCredentials.serviceJwt({ secret: "not it" })
      })
      const wrong = ScheduleHubAdapter.fromClient(client)
      assert.strictEqual((yield* Effect.flip(wrong.testConnection))._tag, "Unauthorized")
      yield* fake.faults.setAvailable(false)
      const down = yield* adapterOf(fake, { retry: { maxAttempts: 1 } }).pipe(Effect.flip)
      assert.strictEqual(down._tag, "UpstreamUnavailable")
      assert.strictEqual((yield* Effect.flip(adapter.testConnection))._tag, "UpstreamUnavailable")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
