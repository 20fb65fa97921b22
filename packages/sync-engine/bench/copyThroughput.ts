/**
 * Measurement (not a test) of the bulk (COPY) path against unnest upserts and a raw COPY baseline,
 * in the same run, on the same rows (`copyRows.ts`):
 *
 * - raw COPY: the rows, encoded by the same `CopyText` encoder, COPYed straight into an entity table
 *   (unique `_bk_hash` index, identity primary key) in one transaction: what the database can take;
 * - COPY path: `PostgresDestination.makeBulk({ strategy: "always" })` upserts, one
 *   `sql.withTransaction` per chunk (as the pipeline's windows): COPY into a staging table, publish
 *   in the transaction (a plain INSERT for new keys, else `ON CONFLICT` from the staging table);
 * - bulk, adaptive: `PostgresDestination.makeBulk()` with its defaults, what the pipeline gets: COPY
 *   while chunks are all new, unnest after a chunk with existing keys;
 * - unnest: `PostgresDestination.make` upserts, one transaction per chunk;
 *
 * each for all-new rows (an empty table) and unchanged rows (the same rows again), plus 10% changed.
 * Rows are generated chunk by chunk and generation is not timed; every figure is the median over
 * the rounds, with the ratio of its rate to the raw COPY's.
 *
 *   node_modules/.bin/node packages/sync-engine/bench/copyThroughput.ts [rows=1000000] [chunk=10000] [rounds=3]
 *
 * Uses BENCH_DATABASE_URL (an admin URL; default postgres://postgres@127.0.0.1:5432/test), creates a
 * scratch database and drops it afterwards.
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { copyBatches } from "../src/destination/CopyText.ts"
import { PgBulkPool } from "../src/destination/PgBulkPool.ts"
import * as PostgresDestination from "../src/destination/PostgresDestination.ts"
import type { IngestRow, TableDestination, UpsertResult } from "../src/destination/TableDestination.ts"
import {
  type CatalogColumn,
  catalogColumnsSql,
  copyIntoStagingSql,
  makeTablePlan
} from "../src/destination/TablePlan.ts"
import * as TableTarget from "../src/destination/TableTarget.ts"
import { itemChunk, itemsManifest } from "./copyRows.ts"

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const total = Number(process.argv[2] ?? 1_000_000)
const chunkSize = Number(process.argv[3] ?? 10_000)
const rounds = Number(process.argv[4] ?? 3)
const database = `syncflow_copy_bench_${Date.now()}`
const runId = "00000000-0000-4000-8000-000000000001"

/** One timed phase: wall time of the writes only, node CPU of the writes, and what they reported. */
interface Phase {
  readonly ms: number
  readonly cpuMs: number
  readonly counts: string
}

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const result = yield* effect
    const used = process.cpuUsage(cpu)
    return { result, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }
  })

/** Writes every chunk of the rows with `write`, timing only the writes. */
const phase = <E, R>(
  version: (i: number) => number,
  write: (rows: ReadonlyArray<IngestRow>) => Effect.Effect<UpsertResult | number, E, R>
) =>
  Effect.gen(function* () {
    let ms = 0
    let cpuMs = 0
    const counts = { inserted: 0, updated: 0, unchanged: 0, copied: 0 }
    for (let start = 0; start < total; start += chunkSize) {
      const rows = itemChunk(start, Math.min(total, start + chunkSize), version)
      const step = yield* timed(write(rows))
      ms += step.ms
      cpuMs += step.cpuMs
      if (typeof step.result === "number") counts.copied += step.result
      else {
        counts.inserted += step.result.inserted
        counts.updated += step.result.updated
        counts.unchanged += step.result.unchanged
      }
    }
    const reported =
      counts.copied > 0
        ? `copied ${counts.copied}`
        : `inserted ${counts.inserted} updated ${counts.updated} unchanged ${counts.unchanged}`
    return { ms, cpuMs, counts: reported } satisfies Phase
  })

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const rate = (ms: number) => Math.round((total / ms) * 1000)

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024)

/** The benchmark's tables are in public. */
const inPublic = (table: string) => TableTarget.make("public", table)

const program = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const pool = yield* PgBulkPool
  const unnest = yield* PostgresDestination.make()
  const copyPath = yield* PostgresDestination.makeBulk({ minRows: 1, strategy: "always" })
  const adaptive = yield* PostgresDestination.makeBulk()
  const [server] = yield* sql<{ readonly version: string }>`SELECT version()`
  console.log(`${server?.version}`)
  console.log(`node ${process.version}; ${total} rows in chunks of ${chunkSize}; ${rounds} rounds; medians below`)

  const upsertWith = (destination: TableDestination["Service"], entity: string) => (rows: ReadonlyArray<IngestRow>) =>
    sql.withTransaction(destination.upsert(inPublic(entity), rows, { runId }))

  /** Raw COPY: the same encoder, straight into the table, one transaction for all chunks. */
  const rawCopy = (table: string) =>
    Effect.gen(function* () {
      const catalog = yield* sql.unsafe<CatalogColumn>(catalogColumnsSql, ["public", table])
      const plan = makeTablePlan("public", table, catalog)
      const columns = [...plan.columns.values()]
      const copySql = copyIntoStagingSql(plan.qualified, columns)
      return yield* pool.withConnection(table, (connection) =>
        Effect.gen(function* () {
          yield* connection.query("begin", "BEGIN")
          const copied = yield* phase(
            () => 1,
            (rows) =>
              connection.copyIn(
                "raw COPY",
                copySql,
                copyBatches(rows, columns, (i) => i)
              )
          )
          const commit = yield* timed(connection.query("commit", "COMMIT"))
          return { ...copied, ms: copied.ms + commit.ms }
        })
      )
    })

  // Warm-up (JIT, connections) on tables of their own.
  for (const [name, destination] of [
    ["warm_copy", copyPath],
    ["warm_adaptive", adaptive],
    ["warm_unnest", unnest]
  ] as const) {
    yield* destination.ensureEntity(inPublic(name), itemsManifest(name))
    for (let version = 1; version <= 2; version++) {
      for (let start = 0; start < 30_000; start += chunkSize) {
        yield* upsertWith(destination, name)(itemChunk(start, start + chunkSize, () => version))
      }
    }
  }

  const results = new Map<string, Array<Phase>>()
  const record = (label: string, result: Phase) => {
    results.set(label, [...(results.get(label) ?? []), result])
    console.log(
      `  ${label.padEnd(26)} ${result.ms.toFixed(0).padStart(7)} ms ${rate(result.ms).toLocaleString("en").padStart(9)} rows/s  node cpu ${result.cpuMs.toFixed(0).padStart(6)} ms  ${result.counts}  peak rss ${rssMb()} MB`
    )
  }
  const paths = [
    ["COPY path", "copy_items", copyPath],
    ["bulk, adaptive", "adaptive_items", adaptive],
    ["unnest", "unnest_items", unnest]
  ] as const

  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}`)
    yield* unnest.ensureEntity(inPublic("raw_items"), itemsManifest("raw_items"))
    record("raw COPY, new", yield* rawCopy("raw_items"))
    yield* sql`DROP TABLE public.raw_items`
    // Alternate which path goes first, so neither always meets a warmer (or more bloated) server.
    for (const [name, table, destination] of round % 2 === 1 ? paths : [...paths].reverse()) {
      yield* destination.ensureEntity(inPublic(table), itemsManifest(table))
      const write = upsertWith(destination, table)
      record(`${name}, new`, yield* phase(() => 1, write))
      yield* sql.unsafe(`VACUUM ANALYZE public.${table}`)
      record(`${name}, unchanged`, yield* phase(() => 1, write))
      record(`${name}, 10% changed`, yield* phase((i) => (i % 10 === 0 ? 2 : 1), write))
      yield* sql.unsafe(`DROP TABLE public.${table}`)
    }
  }

  const raw = median((results.get("raw COPY, new") ?? []).map((result) => result.ms))
  console.log(`medians over ${rounds} rounds (rate / raw COPY rate):`)
  for (const [label, phases] of results) {
    const ms = median(phases.map((result) => result.ms))
    const cpu = median(phases.map((result) => result.cpuMs))
    console.log(
      `  ${label.padEnd(26)} ${ms.toFixed(0).padStart(7)} ms ${rate(ms).toLocaleString("en").padStart(9)} rows/s  x${(raw / ms).toFixed(2)} of raw COPY  node cpu ${cpu.toFixed(0).padStart(6)} ms`
    )
  }
  console.log(`peak rss ${rssMb()} MB`)
})

const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

const admin = PgClient.layer({ url: Redacted.make(adminUrl), maxConnections: 1 })
const benchUrl = Redacted.make(withDatabase(adminUrl, database))
const main = Effect.gen(function* () {
  yield* SqlClient.SqlClient.use((sql) => sql`CREATE DATABASE ${sql(database)}`).pipe(Effect.provide(admin))
  yield* program.pipe(
    Effect.scoped,
    Effect.provide(
      Layer.mergeAll(PgBulkPool.layer({ url: benchUrl }), PgClient.layer({ url: benchUrl, maxConnections: 2 }))
    ),
    Effect.ensuring(
      SqlClient.SqlClient.use((sql) => sql`DROP DATABASE IF EXISTS ${sql(database)} WITH (FORCE)`).pipe(
        Effect.provide(Layer.fresh(admin)),
        Effect.orDie
      )
    )
  )
})

Effect.runPromise(main).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
