import { execFileSync } from "node:child_process"
import { assert, describe, it, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted } from "effect"
import { bin, type CliResult, spawningTimeout, syncflow } from "./cliProcess.ts"
import { secretKey } from "./fixtures.ts"

/** The environment of `syncflow serve` on an external database at `databaseUrl` (any free port). */
const serveEnv = (databaseUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: databaseUrl,
  SYNCFLOW_SECRET_KEY: Redacted.value(secretKey),
  SYNCFLOW_API_KEY: "bin-test-key",
  PORT: "0",
  SYNCFLOW_HOST: "127.0.0.1",
  SYNCFLOW_SCHEDULER: "false",
  ...extra
})

/** The command failed with exactly one line on stderr, which it returns. */
const oneLineFailure = (result: CliResult): string => {
  assert.strictEqual(result.code, 1, result.stderr)
  const lines = result.stderr.trimEnd().split("\n")
  assert.lengthOf(lines, 1, result.stderr)
  assert.notMatch(result.stderr, /\bat .*\.(ts|js):\d+/)
  return lines[0] ?? ""
}

describe("syncflow binary", () => {
  it(
    "`version` reports its version, the Node it runs on, and every package of the build",
    () => {
      const output = execFileSync(process.execPath, [bin, "version"], { encoding: "utf8" })
      assert.match(output, /^SyncFlow \d+\.\d+\.\d+ on Node (\d+)\./)
      const major = Number(/on Node (\d+)\./.exec(output)?.[1])
      assert.isAtLeast(major, 22)
      for (const name of ["adapter-core", "pco", "apismith", "schedulehub", "rest", "n8n", "sync-engine", "server"]) {
        assert.include(output, `@syncflow/${name}`)
      }
    },
    spawningTimeout
  )

  it(
    "`--version` prints the version and `--help` lists every command",
    () => {
      assert.match(
        execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }),
        /^syncflow v\d+\.\d+\.\d+$/m
      )
      const help = execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })
      for (const command of ["serve", "connectors", "discover", "definitions", "sync", "runs", "failed", "version"]) {
        assert.match(help, new RegExp(`^\\s+${command}\\s`, "m"), command)
      }
    },
    spawningTimeout
  )
})

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow startup errors", (it) => {
  it.effect(
    "an unreachable database is one line naming it and the cause, exit 1, no password shown",
    () =>
      Effect.gen(function* () {
        const line = oneLineFailure(
          yield* syncflow(["serve"], serveEnv("postgres://syncflow:hunter2@127.0.0.1:1/sync"))
        )
        assert.match(
          line,
          /^syncflow: cannot use PostgreSQL at 127\.0\.0\.1:1\/sync \(DATABASE_URL\): connection refused/
        )
        assert.notInclude(line, "hunter2")
      }),
    spawningTimeout
  )

  it.effect(
    "a database that does not exist is one line saying so",
    () =>
      Effect.gen(function* () {
        const url = new URL(Redacted.value(yield* PgTest.databaseUrl))
        url.pathname = "/syncflow_no_such_database"
        const line = oneLineFailure(yield* syncflow(["serve"], serveEnv(url.toString())))
        assert.include(line, 'database "syncflow_no_such_database" does not exist')
        assert.match(line, /^syncflow: cannot use PostgreSQL at /)
      }),
    spawningTimeout
  )

  it.effect(
    "a bad configuration value is one line naming the variable",
    () =>
      Effect.gen(function* () {
        const url = Redacted.value(yield* PgTest.databaseUrl)
        const port = oneLineFailure(yield* syncflow(["serve"], serveEnv(url, { PORT: "eighty" })))
        assert.match(port, /^syncflow: invalid configuration: PORT: /)
        const format = oneLineFailure(yield* syncflow(["serve"], serveEnv(url, { SYNCFLOW_LOG_FORMAT: "xml" })))
        assert.match(format, /^syncflow: invalid configuration: SYNCFLOW_LOG_FORMAT: /)
      }),
    spawningTimeout
  )
})
