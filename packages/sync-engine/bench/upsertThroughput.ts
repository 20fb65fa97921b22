/**
 * Scratch measurement (not a test) of PostgresDestination upsert throughput: 100k item rows in
 * 10k-row chunks, one transaction per chunk (as the pipeline's windows), for all-new, unchanged and
 * 10%-changed chunks, plus existingHashes / touch / markDeletedNotSeen; and the initial load's
 * path for the all-new chunks (`beginLoad` + `load` per chunk, then `finishLoad`).
 *
 *   node_modules/.bin/node packages/sync-engine/bench/upsertThroughput.ts [rows] [chunk]
 *
 * Uses BENCH_DATABASE_URL (an admin URL; default postgres://postgres@127.0.0.1:5432/test), creates a
 * scratch database and drops it afterwards.
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { PgBulkPool } from "../src/destination/PgBulkPool.ts"
import * as PostgresDestination from "../src/destination/PostgresDestination.ts"
import { type IngestRow, TableDestination } from "../src/destination/TableDestination.ts"
import * as TableTarget from "../src/destination/TableTarget.ts"
import { itemRow, itemsManifest } from "./copyRows.ts"

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const total = Number(process.argv[2] ?? 100_000)
const chunkSize = Number(process.argv[3] ?? 10_000)
const database = `syncflow_bench_${Date.now()}`

const manifest = itemsManifest("items")

const measure = <A, E, R>(label: string, rows: number, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const result = yield* effect
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    const nodeCpu = (used.user + used.system) / 1000
    console.log(
      `${label.padEnd(34)} ${String(rows).padStart(8)} rows ${ms.toFixed(0).padStart(7)} ms ${Math.round(
        (rows / ms) * 1000
      )
        .toLocaleString("en")
        .padStart(10)} rows/s`,
      `node cpu ${nodeCpu.toFixed(0)} ms`,
      JSON.stringify(result)
    )
    return result
  })

/** The benchmark's tables are in public. */
const inPublic = (table: string) => TableTarget.make("public", table)

const program = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const destination = yield* TableDestination
  const [version] = yield* sql<{ readonly version: string }>`select version()`
  console.log(`${version?.version}; node ${process.version}; ${total} rows in chunks of ${chunkSize}`)
  yield* destination.ensureEntity(inPublic(manifest.entity), manifest)
  // Warm-up (JIT, prepared statements) on a table of its own.
  yield* destination.ensureEntity(inPublic("warmup"), { ...manifest, entity: "warmup" })
  for (let round = 0; round < 2; round++) {
    for (let start = 0; start < 30_000; start += chunkSize) {
      const chunk: Array<IngestRow> = []
      for (let i = start; i < start + chunkSize; i++) chunk.push(itemRow(i, round))
      yield* sql.withTransaction(destination.upsert(inPublic("warmup"), chunk))
    }
  }

  const chunks = (version: (i: number) => number) => {
    const out: Array<Array<IngestRow>> = []
    for (let start = 0; start < total; start += chunkSize) {
      const chunk: Array<IngestRow> = []
      for (let i = start; i < Math.min(total, start + chunkSize); i++) chunk.push(itemRow(i, version(i)))
      out.push(chunk)
    }
    return out
  }
  const runId = "00000000-0000-4000-8000-000000000001"
  const upsertAll = (data: ReadonlyArray<ReadonlyArray<IngestRow>>) =>
    Effect.reduce(
      data,
      () => ({ inserted: 0, updated: 0, unchanged: 0 }),
      (acc, chunk) =>
        sql.withTransaction(destination.upsert(inPublic("items"), chunk, { runId })).pipe(
          Effect.map((r) => ({
            inserted: acc.inserted + r.inserted,
            updated: acc.updated + r.updated,
            unchanged: acc.unchanged + r.unchanged
          }))
        )
    )

  // Calibration: the bare unnest upsert STACK-NOTES measured (3 text columns, unique key), same chunks.
  yield* sql`CREATE TABLE public.baseline (bk text PRIMARY KEY, hash text NOT NULL, payload text)`
  const baselineUpsert = (data: ReadonlyArray<ReadonlyArray<IngestRow>>) =>
    Effect.forEach(
      data,
      (chunk) =>
        sql.withTransaction(
          sql`INSERT INTO public.baseline (bk, hash, payload)
            SELECT * FROM unnest(${chunk.map((r) => r._bk_hash)}::text[], ${chunk.map((r) => r._data_hash)}::text[],
              ${chunk.map((r) => String(r.description))}::text[])
            ON CONFLICT (bk) DO UPDATE SET hash = excluded.hash, payload = excluded.payload
            WHERE baseline.hash IS DISTINCT FROM excluded.hash`
        ),
      { discard: true }
    )
  const initial = chunks(() => 1)
  yield* measure("baseline: bare unnest upsert, new", total, baselineUpsert(initial))
  yield* measure("baseline: bare unnest upsert, unchanged", total, baselineUpsert(initial))
  yield* measure("upsert all new", total, upsertAll(initial))
  // The initial load's path: the same chunks appended without the unique indexes, then indexed.
  const loading = inPublic("items_load")
  yield* destination.ensureEntity(loading, { ...manifest, entity: "items_load" })
  yield* measure(
    "load all new (initial load)",
    total,
    Effect.forEach(
      initial,
      (chunk) =>
        sql.withTransaction(
          Effect.andThen(destination.beginLoad(loading), destination.load(loading, chunk, { runId }))
        ),
      { discard: true }
    )
  )
  yield* measure("finishLoad (build the indexes)", total, sql.withTransaction(destination.finishLoad(loading)))
  // The same with the bulk path (`layerBulk`): each chunk COPYed into a staging table, then published.
  const pool = yield* Layer.build(PgBulkPool.layer({ url: Redacted.make(withDatabase(adminUrl, database)) }))
  const bulk = yield* PostgresDestination.makeBulk().pipe(Effect.provideContext(pool))
  const bulkLoading = inPublic("items_bulk_load")
  yield* bulk.ensureEntity(bulkLoading, { ...manifest, entity: "items_bulk_load" })
  yield* measure(
    "load all new, COPY bulk path",
    total,
    Effect.forEach(
      initial,
      (chunk) =>
        sql.withTransaction(Effect.andThen(bulk.beginLoad(bulkLoading), bulk.load(bulkLoading, chunk, { runId }))),
      { discard: true }
    )
  )
  yield* measure("finishLoad (build the indexes)", total, sql.withTransaction(bulk.finishLoad(bulkLoading)))
  yield* sql`VACUUM ANALYZE public.items`
  yield* measure("upsert unchanged", total, upsertAll(initial))
  const changed = chunks((i) => (i % 10 === 0 ? 2 : 1))
  yield* measure("upsert 10% changed", total, upsertAll(changed))
  yield* measure("upsert unchanged (after changes)", total, upsertAll(changed))
  const keys = changed.map((chunk) => chunk.map((row) => row._bk_hash))
  yield* measure(
    "existingHashes",
    total,
    Effect.reduce(
      keys,
      () => 0,
      (acc, batch) => Effect.map(destination.existingHashes(inPublic("items"), batch), (found) => acc + found.size)
    )
  )
  const runId2 = "00000000-0000-4000-8000-000000000002"
  yield* measure(
    "touch (seen keys)",
    total,
    Effect.forEach(keys, (batch) => sql.withTransaction(destination.touch(inPublic("items"), batch, runId2)), {
      discard: true
    })
  )
  yield* measure("markDeletedNotSeen (none)", total, destination.markDeletedNotSeen(inPublic("items"), runId2))
})

const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

const admin = PgClient.layer({ url: Redacted.make(adminUrl), maxConnections: 1 })
const main = Effect.gen(function* () {
  yield* SqlClient.SqlClient.use((sql) => sql`CREATE DATABASE ${sql(database)}`).pipe(Effect.provide(admin))
  yield* program.pipe(
    Effect.scoped,
    Effect.provide(
      PostgresDestination.layer.pipe(
        Layer.provideMerge(PgClient.layer({ url: Redacted.make(withDatabase(adminUrl, database)), maxConnections: 2 }))
      )
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
