/**
 * Push throughput to the fake ScheduleHub through the write side's batch path (`RecordWriter.batch`,
 * 1,000 operations a request, each with its own `Idempotency-Key`), over loopback HTTP with the
 * production client stack (service JWT, rate limit, retries). The fake and the client share this
 * process, so the figure is a floor for the client's own cost. Prints rows per second, the batch
 * size and the requests the fake answered. Run it with
 * `node packages/schedulehub/bench/push.ts [rows]` (default 100,000); `pnpm bench` runs it too.
 */
import { Effect } from "effect"
import { ScheduleHubAdapter } from "../src/ScheduleHubAdapter.ts"
import { FakeScheduleHub } from "../src/testing/index.ts"
import { ClientStack, clientOf, item } from "../test/support/harness.ts"

const rows = Number(process.argv[2] ?? 100_000)
const BATCH = 1000

const program = Effect.gen(function* () {
  const fake = yield* FakeScheduleHub.make({ requestsPerSecond: 10_000 })
  const client = yield* clientOf(fake, { requestsPerSecond: 10_000 })
  const { write } = ScheduleHubAdapter.fromClient(client, ["items"])
  const batch = write.batch
  if (batch === undefined) return yield* Effect.die("no batch path")
  const started = performance.now()
  const cpu = process.cpuUsage()
  let created = 0
  for (let start = 0; start < rows; start += batch.maxOperations) {
    const operations = Array.from({ length: Math.min(batch.maxOperations, rows - start) }, (_, k) => ({
      op: "create" as const,
      record: item(start + k)
    }))
    const results = yield* batch.run("items", operations, { idempotencyKey: `bench/items/${start}` })
    created += results.filter((r) => r._tag === "created").length
  }
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const stats = yield* fake.stats
  const live = (yield* fake.records("items")).length
  if (created !== rows || live !== rows) return yield* Effect.die(`expected ${rows} records, got ${created}/${live}`)
  console.log(
    JSON.stringify({
      bench: "schedulehub push (batch path)",
      rows,
      batchSize: BATCH,
      requests: stats.requests,
      batches: stats.batches,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rows / seconds),
      cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2))
    })
  )
}).pipe(Effect.scoped, Effect.provide(ClientStack))

Effect.runPromise(program).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
