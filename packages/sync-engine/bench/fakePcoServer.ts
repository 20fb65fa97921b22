/**
 * The fake Planning Center in a process of its own, for the PCO benchmark (`pcoSync.ts`): `people`
 * people (seed 1, so its Personal Access Token is `app-1` / `pat-secret-1`) on 127.0.0.1 with no
 * effective rate limit; prints `{ baseUrl }` as its first line and serves until its stdin ends.
 * Not a test.
 *
 *   node packages/sync-engine/bench/fakePcoServer.ts [people]
 */
import { NodeRuntime } from "@effect/platform-node"
import { FakePco } from "@syncflow/pco/testing"
import { Effect } from "effect"

const people = Number(process.argv[2] ?? 100_000)

const main = Effect.gen(function* () {
  const fake = yield* FakePco.make({
    seed: 1,
    people,
    rateLimit: { limit: 1_000_000_000, deepOffsetLimit: 1_000_000_000 }
  })
  process.stdout.write(`${JSON.stringify({ baseUrl: fake.baseUrl })}\n`)
  process.stdin.on("end", () => process.exit(0))
  process.stdin.resume()
  return yield* Effect.never
}).pipe(Effect.scoped)

NodeRuntime.runMain(main)
