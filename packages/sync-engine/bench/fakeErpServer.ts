/**
 * The fake ERP in a process of its own, for the benchmark: it serves `items` rows on 127.0.0.1
 * from pages rendered in advance (again after each mutation), prints `{ baseUrl, secret }` as its first line, then applies mutations read from stdin, one JSON
 * object per line (`{"update":1000}`), answering `ok` for each. Not a test.
 *
 *   node_modules/.bin/node packages/sync-engine/bench/fakeErpServer.ts [rows]
 */

import { createInterface } from "node:readline"
import { NodeRuntime } from "@effect/platform-node"
import { FakeErp, type Mutation } from "@syncflow/apismith/testing"
import { Effect, Redacted } from "effect"

const rows = Number(process.argv[2] ?? 1_000_000)

const main = Effect.gen(function* () {
  // Pages are rendered before they are asked for (untimed) and served from memory, so the fake costs
  // almost no CPU while the sync is measured: upstream is another machine in production.
  const fake = yield* FakeErp.make({ seed: 1, rows: { items: rows }, pageCache: true })
  const prerender = fake.prerender("items", { pageSize: FakeErp.MAX_PAGE_SIZE })
  yield* prerender
  const context = yield* Effect.context<never>()
  process.stdout.write(`${JSON.stringify({ baseUrl: fake.baseUrl, secret: Redacted.value(fake.secret) })}\n`)
  createInterface({ input: process.stdin }).on("line", (line) => {
    const mutation = JSON.parse(line) as Mutation
    Effect.runForkWith(context)(
      fake
        .mutate("items", mutation)
        .pipe(Effect.andThen(prerender), Effect.andThen(Effect.sync(() => process.stdout.write("ok\n"))))
    )
  })
  process.stdin.on("end", () => process.exit(0))
  return yield* Effect.never
}).pipe(Effect.scoped)

NodeRuntime.runMain(main)
