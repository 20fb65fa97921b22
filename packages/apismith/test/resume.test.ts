import { assert, describe, it } from "@effect/vitest"
import { Cursor } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import { fromClient } from "../src/ApiSmithAdapter.ts"
import { FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"
import { keysOf, recordsOf, truthOf } from "./support/listing.ts"

describe("resume", () => {
  it.effect("a listing resumes from a saved page cursor without reading earlier pages again", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 4321 } })
      const adapter = fromClient(yield* clientOf(fake))
      // a run commits two pages, saves the cursor after the second, and is killed
      const committed = yield* adapter.streamPages("items").pipe(Stream.take(2), Stream.runCollect)
      const saved = Cursor.toJson(committed[1]?.next ?? Cursor.start)
      assert.strictEqual(saved, '{"_tag":"PageNumber","page":3}')
      const before = (yield* fake.requests).length
      // the next run starts from the stored cursor
      const from = yield* Cursor.fromJson(saved)
      const rest = yield* recordsOf(adapter, "items", { from })
      const pages = (yield* fake.requests).slice(before).map((r) => r.url.searchParams.get("page"))
      assert.deepStrictEqual(pages, ["3", "4", "5"])
      const all = [...committed.flatMap((p) => p.items), ...rest]
      assert.deepStrictEqual(keysOf(all), keysOf(truthOf(fake, "items")))
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("an incremental listing resumes with the same since", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 3000 } })
      const adapter = fromClient(yield* clientOf(fake))
      const report = yield* fake.mutate("items", { update: 1500, insert: 700 })
      const since = report.rowVersion
      const [first] = yield* adapter.streamPages("items", { since }).pipe(Stream.take(1), Stream.runCollect)
      assert.strictEqual(first?.items.length, 1000)
      const rest = yield* recordsOf(adapter, "items", { since, from: first?.next ?? Cursor.start })
      const keys = keysOf([...(first?.items ?? []), ...rest])
      assert.strictEqual(keys.length, 2200)
      assert.deepStrictEqual(
        new Set(keys),
        new Set([...report.updated, ...report.inserted].map((k) => JSON.stringify(k)))
      )
      const requests = (yield* fake.requests).filter((r) => r.url.searchParams.has("rowversion_gt"))
      assert.isTrue(requests.every((r) => r.url.searchParams.get("rowversion_gt") === "20251208115959"))
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
