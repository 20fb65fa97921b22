/**
 * `syncflow connectors add|show|update` as a user runs them (real child processes, the file's test
 * database, the fake ERP on loopback): credentials from a file or the environment, never required on
 * the command line; bad input (or a database that cannot be used) is one `syncflow: ...` line and
 * exit code 1, naming the field or the cause.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted } from "effect"
import { ConnectorView } from "../src/api/Views.ts"
import { type CliResult, cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

/** A failed command: exit code 1 and one line on stderr, `syncflow: ...`, including `text`. */
const failsWith = (result: CliResult, text: string) => {
  assert.strictEqual(result.code, 1, result.stdout)
  const lines = result.stderr.trim().split("\n")
  const message = lines.find((line) => line.startsWith("syncflow: "))
  assert.isDefined(message, result.stderr)
  assert.include(message, text)
  assert.notMatch(result.stderr, /^\s+at /m, "no stack trace")
}

const decodeConnector = jsonOutput(ConnectorView)

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow connectors", (it) => {
  it.effect(
    "add takes credentials from --credentials-file or SYNCFLOW_CREDENTIALS; show and update; bad input is one line",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 21, rows: { items: 20, customers: 5, orders: 5 } })
        const env = yield* cliEnv
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "syncflow-credentials-"))),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
        )
        const secret = Redacted.value(fake.secret)
        const credentialsFile = join(dir, "erp.json")
        writeFileSync(credentialsFile, JSON.stringify({ type: "serviceJwt", secret }), { mode: 0o600 })
        const config = JSON.stringify({ baseUrl: fake.baseUrl })

        // From a file: stored, and they work against the upstream.
        const added = ok(
          yield* syncflow(
            [
              "connectors",
              "add",
              "--adapter",
              "apismith",
              "--id",
              "erp",
              "--config",
              config,
              "--credentials-file",
              credentialsFile,
              "ERP"
            ],
            env
          )
        )
        assert.include(added, "Created connector erp")
        assert.include(ok(yield* syncflow(["connectors", "test", "erp"], env)), "Connector erp: connected")

        // From the environment.
        const fromEnv = decodeConnector(
          ok(
            yield* syncflow(
              ["connectors", "add", "--adapter", "apismith", "--id", "erp2", "--config", config, "--json", "ERP 2"],
              { ...env, SYNCFLOW_CREDENTIALS: JSON.stringify({ type: "bearer", token: "t0k3n" }) }
            )
          )
        )
        assert.deepInclude(fromEnv, { id: "erp2", hasCredentials: true })

        // None at all (stdin is no terminal here, so nobody can be asked): refused, saying how to give them.
        failsWith(
          yield* syncflow(["connectors", "add", "--adapter", "apismith", "--config", config, "ERP 3"], env),
          "No credentials: give --credentials-file PATH"
        )

        // show: settings, never the credentials.
        const shown = ok(yield* syncflow(["connectors", "show", "erp"], env))
        assert.match(shown, /^erp\s+apismith\s+ERP$/m)
        assert.match(shown, /credentials:\s+stored \(sealed\)/)
        assert.include(shown, fake.baseUrl)
        assert.notInclude(shown, secret)

        // update: a new name and credentials from a file; absent settings are kept.
        const updated = decodeConnector(
          ok(
            yield* syncflow(
              ["connectors", "update", "erp", "--name", "ERP main", "--credentials-file", credentialsFile, "--json"],
              env
            )
          )
        )
        assert.deepInclude(updated, {
          id: "erp",
          name: "ERP main",
          hasCredentials: true,
          config: { baseUrl: fake.baseUrl }
        })
        assert.include(ok(yield* syncflow(["connectors", "test", "erp"], env)), "connected")

        // Bad input: the field named, nothing changed.
        failsWith(
          yield* syncflow(["connectors", "update", "erp", "--config", JSON.stringify({ baseUrl: "ftp://nope" })], env),
          "config.baseUrl"
        )
        failsWith(
          yield* syncflow(["connectors", "update", "erp", "--credentials-file", join(dir, "missing.json")], env),
          "--credentials-file"
        )
        failsWith(yield* syncflow(["connectors", "show", "nope"], env), "No connector nope")

        // A database that cannot be used: one line with the database's own words, no stack trace.
        const url = new URL(env.DATABASE_URL ?? "")
        url.pathname = "/syncflow_no_such_database"
        failsWith(
          yield* syncflow(["connectors", "list"], { ...env, DATABASE_URL: url.toString() }),
          'Cannot use the database: database "syncflow_no_such_database" does not exist'
        )
      }).pipe(Effect.scoped),
    spawningTimeout * 3
  )
})
