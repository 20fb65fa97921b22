/**
 * `syncflow entities show|enable|disable|set` (after a `sync`, whose progress off a terminal is plain
 * lines on stderr) as a user runs them (real child processes, the file's
 * test database, the fake ERP on loopback): each command's answer, its `--json`, and bad input (a
 * cron the scheduler could not read) as one `syncflow: ...` line with exit code 1.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect } from "effect"
import { EntityView } from "../src/api/Views.ts"
import { addErpConnector } from "./cliConnector.ts"
import { type CliResult, cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

/** A failed command: exit code 1 and a `syncflow: ...` line on stderr including `text`, no stack trace. */
const failsWith = (result: CliResult, text: string) => {
  assert.strictEqual(result.code, 1, result.stdout)
  const message = result.stderr.split("\n").find((line) => line.startsWith("syncflow: "))
  assert.isDefined(message, result.stderr)
  assert.include(message, text)
  assert.notMatch(result.stderr, /^\s+at /m, "no stack trace")
}

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow entities", (it) => {
  it.effect(
    "sync shows plain progress lines off a terminal; show, disable, enable; a bad cron refused naming the flag",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 22, rows: { items: 20, customers: 5, orders: 5 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "erp"))
        // Off a terminal, sync's progress is plain lines on stderr: one per window, one per entity's end.
        const synced = yield* syncflow(["sync", "erp", "items"], env)
        ok(synced)
        const items = fake.groundTruth.count("items")
        assert.include(synced.stderr, `items: ${items} rows fetched (`)
        assert.include(synced.stderr, `items: succeeded, fetched ${items}, inserted ${items}, updated 0`)
        assert.notInclude(synced.stderr, "\u001b[", "no escape codes")
        assert.notInclude(synced.stdout, "rows fetched", "stdout holds the result only")
        assert.match(synced.stdout, /^items\s+fetched 20\s+inserted 20/m)

        const decodeEntity = jsonOutput(EntityView)
        const shown = decodeEntity(ok(yield* syncflow(["entities", "show", "erp", "items", "--json"], env)))
        assert.deepInclude(shown, { connectorId: "erp", entity: "items" })
        assert.isTrue(shown.settings.enabled)
        assert.match(ok(yield* syncflow(["entities", "disable", "erp", "items"], env)), /^items\s+disabled\s/m)
        const enabled = decodeEntity(ok(yield* syncflow(["entities", "enable", "erp", "items", "--json"], env)))
        assert.isTrue(enabled.settings.enabled)

        // A cron the scheduler could not read is refused, naming the flag, and not stored.
        failsWith(yield* syncflow(["entities", "set", "erp", "items", "--cron", "61 * * * *"], env), "--cron")
        failsWith(yield* syncflow(["entities", "show", "erp", "nope"], env), "has no discovered entity nope")
      }).pipe(Effect.scoped),
    spawningTimeout * 2
  )
})
