/**
 * Runner processes for the workflow tests: `fixtures/runner.ts` started with the project's Node,
 * killed with SIGKILL when the test's scope closes (or earlier, by the test), and polling helpers
 * that wait on real state with a deadline.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { PgTest } from "@syncflow/testing-pg"
import { Duration, Effect, Option, Redacted, Schedule } from "effect"
import { SqlClient } from "effect/sql"

// The Node binary itself (node_modules/.bin/node is a shell wrapper: killing it would orphan the runner).
const repoNode = fileURLToPath(new URL("../../../../node_modules/node/bin/node", import.meta.url))
const nodeBin = Number(process.versions.node.split(".")[0]) >= 22 || !existsSync(repoNode) ? process.execPath : repoNode
const runnerScript = fileURLToPath(new URL("./fixtures/runner.ts", import.meta.url))

/** A running runner process. */
export interface RunnerProcess {
  readonly pid: number
  /** What it printed so far (stdout and stderr). */
  readonly output: () => string
  /** Kills it with SIGKILL and waits until it is gone. */
  readonly kill: Effect.Effect<void>
  /** Waits until it exits by itself, with its exit code. */
  readonly exited: Effect.Effect<number | null>
}

const exitOf = (child: ChildProcess) =>
  Effect.callback<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resume(Effect.succeed(child.exitCode))
      return
    }
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

/**
 * Starts a runner (`fixtures/runner.ts`, or another `script`) with the test database and these
 * variables; killed when the scope closes.
 */
export const spawnRunner = (env: Record<string, string>, script: string = runnerScript) =>
  Effect.gen(function* () {
    const databaseUrl = Redacted.value(yield* PgTest.databaseUrl)
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(nodeBin, [script], {
          env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      (child) =>
        Effect.suspend(() => {
          child.kill("SIGKILL")
          return exitOf(child)
        })
    )
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    const runner: RunnerProcess = {
      pid: child.pid ?? -1,
      output: () => output,
      kill: Effect.suspend(() => {
        child.kill("SIGKILL")
        return exitOf(child)
      }).pipe(Effect.asVoid),
      exited: exitOf(child)
    }
    return runner
  })

/** Polls `probe` until it yields a value, failing with `what` (and `context`) after `timeout`. */
export const waitFor = <A, E, R>(
  what: string,
  probe: Effect.Effect<Option.Option<A>, E, R>,
  options: { readonly timeout?: Duration.Input; readonly context?: () => string } = {}
): Effect.Effect<A, E | Error, R> =>
  probe.pipe(
    Effect.flatMap((found) => (Option.isSome(found) ? Effect.succeed(found.value) : Effect.fail("pending" as const))),
    Effect.retry({ while: (error) => error === "pending", schedule: Schedule.spaced("50 millis") }),
    Effect.timeoutOrElse({
      duration: options.timeout ?? Duration.seconds(60),
      orElse: () => Effect.fail(new Error(`timed out waiting for ${what}\n${options.context?.() ?? ""}`))
    }),
    Effect.catchIf(
      (error): error is "pending" => error === "pending",
      () => Effect.fail(new Error(`gave up waiting for ${what}`))
    )
  )

/** The rows of a query, or none when it fails (e.g. its table does not exist yet). */
export const rowsOrEmpty = <A extends object>(query: string, params: ReadonlyArray<unknown> = []) =>
  SqlClient.SqlClient.use((sql) => sql.unsafe<A>(query, params)).pipe(Effect.orElseSucceed((): ReadonlyArray<A> => []))

/** A TCP port nobody listens on right now. */
export const freePort: Effect.Effect<number> = Effect.promise(
  () =>
    new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once("error", reject)
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        server.close(() => resolve(port))
      })
    })
)

/** Waits until a runner has printed `ready`. */
export const ready = (runner: RunnerProcess) =>
  waitFor(
    "the runner to be ready",
    Effect.sync(() => (runner.output().includes("ready") ? Option.some(true) : Option.none())),
    { timeout: "60 seconds", context: runner.output }
  )
