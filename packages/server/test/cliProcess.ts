/**
 * The `syncflow` CLI as a user runs it, for tests: real child processes of `src/bin.ts` with the
 * environment a user sets for an external database (the file's test database), their output and
 * exit code.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted, Schema } from "effect"
import { secretKey } from "./fixtures.ts"

/** The CLI's entry point (run with `process.execPath`). */
export const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

/**
 * Node's compile cache for the spawned CLIs: every spawn loads the same module graph, and compiling
 * it again was most of each spawn's CPU time. It changes nothing a command does.
 */
const compileCache = join(tmpdir(), "syncflow-test-compile-cache")

/** Each spawned command takes seconds on a loaded machine (27–46 s a test measured): a generous limit. */
export const spawningTimeout = 120_000

/** What a finished command left: its output and exit code. */
export interface CliResult {
  readonly stdout: string
  readonly stderr: string
  readonly code: number
}

/** The environment of a user of the file's test database: `DATABASE_URL` and the credentials key. */
export const cliEnv = Effect.map(
  PgTest.databaseUrl,
  (url): NodeJS.ProcessEnv => ({
    ...process.env,
    DATABASE_URL: Redacted.value(url),
    SYNCFLOW_SECRET_KEY: Redacted.value(secretKey)
  })
)

/** `env` with the compile cache every spawned CLI shares. */
const withCompileCache = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, NODE_COMPILE_CACHE: compileCache })

/** Runs `syncflow <args>` to its end, with its output and exit code. */
export const syncflow = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Effect.Effect<CliResult> =>
  Effect.promise(
    () =>
      new Promise<CliResult>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: withCompileCache(env), maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) =>
            resolve({ stdout, stderr, code: error === null ? 0 : typeof error.code === "number" ? error.code : 1 })
        )
      })
  )

/** The command's stdout; fails the test (showing stderr) when it exited non-zero. */
export const ok = (result: CliResult): string => {
  assert.strictEqual(result.code, 0, result.stderr)
  return result.stdout
}

/** A decoder of a command's `--json` output (a test fails with the decoding error when it does not fit). */
export const jsonOutput = <S extends Schema.Constraint & { readonly DecodingServices: never }>(
  schema: S
): ((stdout: string) => S["Type"]) => Schema.decodeUnknownSync(Schema.fromJsonString(schema))

/** `syncflow <args>` started and left running (killed with the scope), for a test that watches it. */
export const spawnSyncflow = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  Effect.acquireRelease(
    Effect.sync(
      (): ChildProcessWithoutNullStreams => spawn(process.execPath, [bin, ...args], { env: withCompileCache(env) })
    ),
    (child) => Effect.sync(() => child.kill("SIGKILL"))
  )
