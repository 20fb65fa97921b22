/**
 * What the benchmarks (`sync.ts`, `pcoSync.ts`) share: their command-line numbers, a database of
 * their own, the engine's layers on it, the CPU time of a sync, and the report of one sync. Not a test.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { PgClient } from "@effect/sql-pg"
import { Console, Effect, Layer, Redacted } from "effect"
import * as Base64 from "effect/encoding/Base64"
import type { SqlClient } from "effect/sql"
import pg from "pg"
import type { TableDestination } from "../src/destination/TableDestination.ts"
import { SyncEngine } from "../src/pipeline/SyncEngine.ts"
import type { SyncSummary } from "../src/pipeline/SyncSummary.ts"
import { SecretBox } from "../src/state/SecretBox.ts"
import * as StateStores from "../src/state/StateStores.ts"

/** The number after `--name` on the command line, or `fallback`. */
export const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  return index === -1 ? fallback : Number(process.argv[index + 1])
}
/** A fresh database for the run on the admin server, dropped afterwards. */
export const benchDatabase = (adminUrl: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const name = `syncflow_bench_${process.pid}`
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return { name, url: url.toString() }
    }),
    ({ name }) =>
      Effect.promise(async () => {
        const admin = new pg.Client({ connectionString: adminUrl })
        await admin.connect()
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await admin.end()
      })
  )

/** The engine, its state stores and `destination` on the database at `url`. */
export const engineLayer = <E>(url: string, destination: Layer.Layer<TableDestination, E, SqlClient.SqlClient>) =>
  SyncEngine.layer.pipe(
    Layer.provideMerge(destination),
    Layer.provideMerge(StateStores.layer),
    Layer.provide(SecretBox.layer({ key: Redacted.make(Base64.encode(crypto.getRandomValues(new Uint8Array(32)))) })),
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 4 }))
  )

export const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(2)

/** This process's peak RSS in MB: since the last `resetPeakRss` on Linux, since it started elsewhere. */
export const peakRssMb = () => {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))
    if (hwm !== null) return Math.round(Number(hwm[1]) / 1024)
  } catch {}
  return Math.round(process.resourceUsage().maxRSS / 1024)
}

/**
 * Starts a new peak-RSS mark (Linux: `/proc/self/clear_refs`), so that the next `peakRssMb` is the
 * peak of what runs in between (one scenario); elsewhere the peak stays the process's.
 */
export const resetPeakRss = () => {
  try {
    writeFileSync("/proc/self/clear_refs", "5")
  } catch {}
}

/** The process's memory now, in MB: RSS, V8's heap (committed and used) and the memory outside it. */
export const memoryNow = () => {
  const m = process.memoryUsage()
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20)
  return `RSS ${mb(m.rss)} MB (V8 heap ${mb(m.heapTotal)} MB, ${mb(m.heapUsed)} used; buffers ${mb(m.external)} MB)`
}

/**
 * The CPU time (user + system, ms) of the PostgreSQL backends connected to the database of `url`
 * right now, read from `/proc` (a server on this machine; `undefined` when it cannot be read). A
 * backend that exits in between (a parallel index-build worker) is not counted: compare before and
 * after on the same connections. Robust to a busy machine, unlike wall time.
 */
export const postgresCpuMs = (url: string): Effect.Effect<number | undefined> =>
  Effect.promise(async () => {
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
      const { rows } = await client.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
      )
      let ticks = 0
      for (const { pid } of rows) {
        // Fields after the command name: state is the 1st, utime the 12th, stime the 13th.
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
        ticks += Number(fields[11]) + Number(fields[12])
      }
      // USER_HZ is 100 on Linux.
      return Number.isFinite(ticks) ? ticks * 10 : undefined
    } catch {
      return undefined
    } finally {
      await client.end().catch(() => undefined)
    }
  })

/**
 * Runs `effect` (a sync) and measures Node's CPU time meanwhile (user + system, all threads), in ms,
 * the peak RSS while it ran, in MB, and with `databaseUrl` the CPU time of the database's backends
 * (see `postgresCpuMs`).
 */
export const withCpu = <A, E, R>(effect: Effect.Effect<A, E, R>, databaseUrl?: string) =>
  Effect.gen(function* () {
    const pgBefore = databaseUrl === undefined ? undefined : yield* postgresCpuMs(databaseUrl)
    resetPeakRss()
    const before = process.cpuUsage()
    const summary = yield* effect
    const used = process.cpuUsage(before)
    const cpuMs = (used.user + used.system) / 1000
    const peak = peakRssMb()
    const pgAfter = databaseUrl === undefined ? undefined : yield* postgresCpuMs(databaseUrl)
    const postgresMs = pgBefore === undefined || pgAfter === undefined ? undefined : pgAfter - pgBefore
    return { summary, cpuMs, peakRssMb: peak, postgresMs }
  })

export const report = (
  label: string,
  {
    summary,
    cpuMs,
    peakRssMb: peak,
    postgresMs
  }: {
    readonly summary: SyncSummary
    readonly cpuMs: number
    readonly peakRssMb: number
    readonly postgresMs?: number | undefined
  },
  floorMs: number | undefined
) => {
  const t = summary.timings
  const c = summary.counts
  const rate = Math.round(c.fetched / (t.wallMs / 1000))
  return Console.log(
    [
      `${label.padEnd(40)} ${(t.wallMs / 1000).toFixed(2).padStart(6)} s  ${String(rate).padStart(8)} rows/s`,
      `fetched ${c.fetched} inserted ${c.inserted} updated ${c.updated} unchanged ${c.unchanged} deleted ${c.deleted} failed ${c.failed}`,
      `stages 2-5 ${seconds(t.stagesMs)} s (normalize ${seconds(t.stages?.normalize)}, validate ${seconds(t.stages?.validate)}, map ${seconds(t.stages?.map)}, identity ${seconds(t.stages?.identify)})`,
      `delta + resolve + ingest + track, in the windows' transactions: ${seconds(t.writeMs)} s; writer waiting for the next window (fetch, parse, stages): ${seconds(t.waitMs)} s`,
      `Node CPU ${seconds(cpuMs)} s (${((cpuMs * 1000) / Math.max(1, c.fetched)).toFixed(1)} us/row)${postgresMs === undefined ? "" : `; PostgreSQL CPU ${seconds(postgresMs)} s (${((postgresMs * 1000) / Math.max(1, c.fetched)).toFixed(1)} us/row, the bench database's backends)`}; peak RSS ${peak} MB during it${floorMs === undefined ? "" : `; ${(t.wallMs / floorMs).toFixed(2)}x the floor`}`
    ].join("\n    ")
  )
}
