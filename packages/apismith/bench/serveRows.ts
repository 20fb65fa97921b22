/**
 * How fast the fake ERP serves rows over loopback: renders every page of the `items` entity alone,
 * then fetches them with plain `fetch` and `JSON.parse` (the raw cost), then through
 * `ApiSmithClient.streamAll` (the adapter's decoding included). Server and client share this one
 * process, so each phase reports its wall time and the process's CPU time (user + system), which
 * is less sensitive to other work on the machine. Not a test: run it with
 * `node_modules/.bin/node packages/apismith/bench/serveRows.ts [rows]` (default 1,000,000).
 */
import { Buffer } from "node:buffer"
import os from "node:os"
import { Effect, Stream } from "effect"
import { FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "../test/support/harness.ts"

const rows = Number(process.argv[2] ?? 1_000_000)

/** Wall and CPU milliseconds of a phase. */
const measure = <A, E, R>(phase: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const wall = performance.now()
    const cpu = process.cpuUsage()
    const result = yield* phase
    const used = process.cpuUsage(cpu)
    return {
      result,
      wallMs: Math.round(performance.now() - wall),
      cpuMs: Math.round((used.user + used.system) / 1000)
    }
  })

const program = Effect.gen(function* () {
  const fake = yield* FakeErp.make({ rows: { items: rows }, requireAuth: false })
  const pages = Math.ceil(rows / 1000)

  // Generation alone, in process.
  const generate = yield* measure(
    Effect.sync(() => {
      let bytes = 0
      for (let page = 1; page <= pages; page++) {
        bytes += Buffer.byteLength(fake.dataset.renderPage("items", { page, pageSize: 1000 }).body)
      }
      return bytes
    })
  )

  // Baseline of this machine, now: JSON.parse of as many bytes (one 1,000-row page, parsed `pages` times).
  const sample = fake.dataset.renderPage("items", { page: 1, pageSize: 1000 }).body
  const parseOnly = yield* measure(
    Effect.sync(() => {
      let parsed = 0
      for (let page = 1; page <= pages; page++) parsed += (JSON.parse(sample) as { rows: Array<unknown> }).rows.length
      return parsed
    })
  )

  // fetch + JSON.parse over loopback, one page at a time.
  const fetchParse = yield* measure(
    Effect.gen(function* () {
      let parsed = 0
      for (let page = 1; page <= pages; page++) {
        const response = yield* Effect.promise(() =>
          fetch(`${fake.baseUrl}/api/v1/data/items?page=${page}&page_size=1000`).then((r) => r.text())
        )
        parsed += (JSON.parse(response) as { rows: Array<unknown> }).rows.length
      }
      return parsed
    })
  )

  // The adapter's client: HTTP stack, JSON, Schema decoding of every row.
  const client = yield* clientOf(fake)
  const viaClient = yield* measure(
    client.streamAll("items").pipe(
      Stream.runFold(
        () => 0,
        (n) => n + 1
      )
    )
  )

  const rssMb = Math.round(process.memoryUsage().rss / 1e6)
  console.log(
    JSON.stringify(
      {
        rows,
        megabytes: Math.round(generate.result / 1e6),
        baselineJsonParseOnly: { wallMs: parseOnly.wallMs, cpuMs: parseOnly.cpuMs },
        renderPages: { wallMs: generate.wallMs, cpuMs: generate.cpuMs },
        fetchAndJsonParse: { wallMs: fetchParse.wallMs, cpuMs: fetchParse.cpuMs, rows: fetchParse.result },
        clientStreamAll: { wallMs: viaClient.wallMs, cpuMs: viaClient.cpuMs, rows: viaClient.result },
        rssMb,
        node: process.version,
        loadAverage: os.loadavg().map((l) => l.toFixed(2)),
        cpus: os.cpus().length
      },
      null,
      2
    )
  )
}).pipe(Effect.scoped, Effect.provide(ClientStack))

Effect.runPromise(program)
