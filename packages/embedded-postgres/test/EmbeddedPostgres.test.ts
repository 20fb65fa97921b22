/**
 * startEmbeddedPostgres on temporary data directories, independent of DATABASE_URL and of the run's
 * server: cold and warm starts, the orphan a killed process leaves, and failures that say why.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, type Redacted, type Scope } from "effect"
import { SqlClient } from "effect/sql"
import { findRunningEmbeddedPostgres, startEmbeddedPostgres } from "../src/EmbeddedPostgres.ts"
import { lockPath } from "../src/internal/dataDirLock.ts"
import { inspectProcess, isRunning } from "../src/internal/processInfo.ts"
import { serverFilePath } from "../src/internal/serverFile.ts"

/** A fresh directory under the system's temp directory, removed at the end of the test. */
const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(async () => {
    const dir = await mkdtemp(join(tmpdir(), "syncflow-pg-"))
    // As root PostgreSQL runs as the OS user `postgres`, which must be able to enter this directory.
    await chmod(dir, 0o755)
    return dir
  }),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

/** `select 1` through @effect/sql-pg. */
const selectOne = (url: Redacted.Redacted<string>) =>
  SqlClient.SqlClient.use((sql) => sql<{ readonly one: number }>`select 1 as one`).pipe(
    Effect.provide(Layer.fresh(PgClient.layer({ url, maxConnections: 1 })))
  )

const exists = (path: string) =>
  Effect.promise(() =>
    stat(path).then(
      () => true,
      () => false
    )
  )

// Each test starts real servers (1-4 s alone, more on a loaded machine): a generous limit.
describe.concurrent("startEmbeddedPostgres", { timeout: 60_000 }, () => {
  it.live("initialises a new data directory, answers queries, stops, and starts warm", () =>
    Effect.gen(function* () {
      const dataDir = join(yield* tempDir, "data")

      const cold = yield* startEmbeddedPostgres({ dataDir })
      assert.isTrue(cold.initialised)
      assert.isTrue(Option.isNone(cold.stoppedOrphan))
      assert.deepStrictEqual(yield* selectOne(cold.url), [{ one: 1 }])
      assert.isTrue(yield* exists(serverFilePath(dataDir)))
      yield* cold.stop
      assert.isFalse(yield* isRunning(cold.pid))
      assert.isFalse(yield* exists(lockPath(dataDir)))
      assert.isFalse(yield* exists(serverFilePath(dataDir)))
      assert.isTrue(Option.isNone(yield* findRunningEmbeddedPostgres({ dataDir })))
      yield* cold.stop // a second stop does nothing

      const warm = yield* startEmbeddedPostgres({ dataDir })
      assert.isFalse(warm.initialised)
      assert.deepStrictEqual(yield* selectOne(warm.url), [{ one: 1 }])
      yield* warm.stop
      assert.isFalse(yield* isRunning(warm.pid))
    })
  )

  it.live("stops the orphaned server a killed process left, and starts again", () =>
    Effect.gen(function* () {
      const dataDir = join(yield* tempDir, "data")
      const { child, postmaster } = yield* startInChild(dataDir)
      // Another process finds the server the child runs there, and uses it.
      const found = yield* findRunningEmbeddedPostgres({ dataDir })
      assert.isTrue(Option.isSome(found) && found.value.pid === postmaster && found.value.ownerPid === child.pid)
      if (Option.isSome(found)) assert.deepStrictEqual(yield* selectOne(found.value.url), [{ one: 1 }])
      yield* killHard(child)
      // Its owner gone, the server file is stale: nothing to connect to.
      assert.isTrue(Option.isNone(yield* findRunningEmbeddedPostgres({ dataDir })))

      // The server outlives the process that started it.
      const orphan = yield* inspectProcess(postmaster)
      assert.isTrue(Option.isSome(orphan) && orphan.value.name === "postgres" && !orphan.value.zombie)
      assert.isTrue(yield* exists(lockPath(dataDir)))

      const server = yield* startEmbeddedPostgres({ dataDir })
      assert.deepStrictEqual(server.stoppedOrphan, Option.some(postmaster))
      assert.isFalse(server.initialised)
      assert.isFalse(yield* isRunning(postmaster))
      assert.deepStrictEqual(yield* selectOne(server.url), [{ one: 1 }])
      yield* server.stop
      assert.isFalse(yield* isRunning(server.pid))
    })
  )

  it.live("refuses a data directory another start in this process is using, and leaves that server alone", () =>
    Effect.gen(function* () {
      const dataDir = join(yield* tempDir, "data")
      const first = yield* startEmbeddedPostgres({ dataDir })
      const second = yield* Effect.flip(startEmbeddedPostgres({ dataDir }))
      assert.strictEqual(second.reason, "InUse")
      assert.deepStrictEqual(yield* selectOne(first.url), [{ one: 1 }])
      assert.isTrue(yield* exists(lockPath(dataDir)))
      yield* first.stop
    })
  )

  it.live("says why PostgreSQL would not start, with its log, and releases the data directory", () =>
    Effect.gen(function* () {
      const dataDir = join(yield* tempDir, "data")
      const error = yield* Effect.flip(startEmbeddedPostgres({ dataDir, settings: { shared_buffers: "lots" } }))
      assert.strictEqual(error.reason, "StartFailed")
      assert.include(error.message, 'invalid value for parameter "shared_buffers"')
      assert.isTrue(error.logTail.some((line) => line.includes("shared_buffers")))
      assert.isFalse(yield* exists(lockPath(dataDir)))
    })
  )

  it.live("refuses a non-empty directory that is not a PostgreSQL data directory, unless asked to reset it", () =>
    Effect.gen(function* () {
      const dataDir = join(yield* tempDir, "data")
      yield* Effect.promise(async () => {
        await mkdir(dataDir)
        await writeFile(join(dataDir, "notes.txt"), "not a database")
      })
      const error = yield* Effect.flip(startEmbeddedPostgres({ dataDir }))
      assert.strictEqual(error.reason, "NotADataDirectory")
      assert.include(error.message, "notes.txt")
      assert.isTrue(yield* exists(join(dataDir, "notes.txt")))

      // A throwaway (test) cluster may ask for the directory to be reset instead.
      const server = yield* startEmbeddedPostgres({ dataDir, resetIfUnusable: true })
      assert.isTrue(server.initialised)
      assert.isFalse(yield* exists(join(dataDir, "notes.txt")))
      assert.deepStrictEqual(yield* selectOne(server.url), [{ one: 1 }])
      yield* server.stop
    })
  )
})

const fixture = fileURLToPath(new URL("./fixtures/orphanServer.ts", import.meta.url))

/** Runs the fixture in a child Node process until it reports its server ready. */
const startInChild = (dataDir: string) =>
  Effect.callback<{ readonly child: ChildProcess; readonly postmaster: number }, Error>((resume) => {
    const child = spawn(process.execPath, [fixture, dataDir], { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const ready = /^ready (\d+)$/m.exec(output)
      if (ready !== null) resume(Effect.succeed({ child, postmaster: Number(ready[1]) }))
    }
    child.stdout.on("data", collect)
    child.stderr.on("data", collect)
    child.once("exit", (code) =>
      resume(Effect.fail(new Error(`the fixture exited (${code}) before ready:\n${output}`)))
    )
  })

/** SIGKILL, as an out-of-memory killer or a `kill -9` would: no exit handler runs. */
const killHard = (child: ChildProcess) =>
  Effect.callback<void>((resume) => {
    child.once("exit", () => resume(Effect.void))
    child.kill("SIGKILL")
  })
