/**
 * `syncflow definitions mapping set|show|history` as a user runs them (real child processes, the
 * fake ERP on loopback): a mapping that does not fit is refused naming the entry and field (exit 1,
 * nothing stored), and so is one into a connector (the fake ScheduleHub) whose target it lacks; a mapping is set from a file, shown and changed (two versions in the history);
 * the definition's run uses the latest version (its run says `mapping v2`; `runs show` gives the
 * Transform stage's records and time) and its table holds the transformed truth.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { FakeScheduleHub } from "@syncflow/schedulehub/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { MappingVersionView } from "../src/api/groups/MappingsGroup.ts"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

const decodeVersions = jsonOutput(Schema.Array(MappingVersionView))

const mappingFile = (dir: string, name: string, entries: ReadonlyArray<unknown>): string => {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify({ entries }))
  return path
}

layer(PgTest.layer, { timeout: spawningTimeout * 4, excludeTestServices: true })(
  "syncflow definitions mapping",
  (it) => {
    it.effect(
      "refused naming the entry; set from a file, shown, changed; the run uses the latest version",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 23, rows: { items: 60, customers: 25, orders: 10 } })
          const env = yield* cliEnv
          const dir = yield* Effect.promise(() =>
            import("node:fs/promises").then((fs) => fs.mkdtemp("/tmp/mapping-cli-"))
          )
          ok(yield* addErpConnector(env, fake, "shop"))
          ok(yield* syncflow(["discover", "shop"], env))
          ok(
            yield* syncflow(
              [
                "definitions",
                "create",
                "--id",
                "customers-mapped",
                "--name",
                "Customers mapped",
                "--source",
                "shop:customers",
                "--table",
                "customers_mapped"
              ],
              env
            )
          )
          const base = [
            { source: "customer_id", target: "id" },
            {
              source: "country_code",
              target: "country",
              transform: { kind: "lookup", values: { SE: "Sweden" }, fallback: "elsewhere" }
            }
          ]
          const bad = yield* syncflow(
            [
              "definitions",
              "mapping",
              "set",
              "customers-mapped",
              "--file",
              mappingFile(dir, "bad.json", [...base, { source: "colour", target: "c" }])
            ],
            env
          )
          assert.strictEqual(bad.code, 1)
          assert.include(bad.stderr, "entries[2].source")

          // Into a connector (the fake ScheduleHub): a target its customers lack is refused naming the entry.
          const hub = yield* FakeScheduleHub.make({ requestsPerSecond: 1000 })
          ok(
            yield* syncflow(
              [
                "connectors",
                "add",
                "--adapter",
                "schedulehub",
                "--id",
                "hub",
                "--config",
                JSON.stringify({ baseUrl: hub.baseUrl, requestsPerSecond: 1000 }),
                "--credentials",
                JSON.stringify({ type: "serviceJwt", secret: Redacted.value(hub.secret) }),
                "hub"
              ],
              env
            )
          )
          ok(yield* syncflow(["discover", "hub"], env))
          ok(
            yield* syncflow(
              [
                "definitions",
                "create",
                "--id",
                "customers-to-hub",
                "--name",
                "Customers to the hub",
                "--source",
                "shop:customers",
                "--destination",
                "hub:customers"
              ],
              env
            )
          )
          const badTarget = yield* syncflow(
            [
              "definitions",
              "mapping",
              "set",
              "customers-to-hub",
              "--file",
              mappingFile(dir, "bad-target.json", [
                { source: "customer_id", target: "customer_id" },
                { source: "name", target: "full_name" }
              ])
            ],
            env
          )
          assert.strictEqual(badTarget.code, 1, badTarget.stdout)
          assert.include(badTarget.stderr, 'Invalid mapping: entries[1].target: hub:customers has no field "full_name"')

          const upper = mappingFile(dir, "upper.json", [
            ...base,
            { source: "name", target: "name", transform: { kind: "format", format: "upper" } }
          ])
          const lower = mappingFile(dir, "lower.json", [
            ...base,
            { source: "name", target: "name", transform: { kind: "format", format: "lower" } }
          ])
          const set1 = ok(yield* syncflow(["definitions", "mapping", "set", "customers-mapped", "--file", upper], env))
          assert.include(set1, "mapping v1 saved")
          const set2 = ok(yield* syncflow(["definitions", "mapping", "set", "customers-mapped", "--file", lower], env))
          assert.include(set2, "mapping v2 saved")
          const same = ok(yield* syncflow(["definitions", "mapping", "set", "customers-mapped", "--file", lower], env))
          assert.include(same, "unchanged (mapping v2)")
          const shown = ok(yield* syncflow(["definitions", "mapping", "show", "customers-mapped"], env))
          assert.include(shown, "format lower")
          const history = ok(yield* syncflow(["definitions", "mapping", "history", "customers-mapped"], env))
          assert.match(history, /^v2 .*\nv1 /)
          const versions = decodeVersions(
            ok(yield* syncflow(["definitions", "mapping", "history", "customers-mapped", "--json"], env))
          )
          assert.deepStrictEqual(
            versions.map((v) => v.version),
            [2, 1]
          )
          assert.include(ok(yield* syncflow(["definitions", "run", "customers-mapped"], env)), "inserted 25")
          const runs = ok(yield* syncflow(["definitions", "runs", "customers-mapped"], env))
          assert.include(runs, "mapping v2")
          // The run's detail shows the Transform stage: the records it passed on and its time.
          const sql = yield* SqlClient.SqlClient
          const [latest] = yield* sql<{ readonly id: string }>`
          SELECT id::text AS id FROM syncflow.sync_runs WHERE definition_id = 'customers-mapped'`
          const detail = ok(yield* syncflow(["runs", "show", String(latest?.id)], env))
          assert.match(detail, /\n {2}transform \(mapping v2\): 25 records {2}\d+\.\d ms\n/)

          const rows = (yield* sql<{ readonly id: string; readonly country: string; readonly name: string | null }>`
          SELECT id, country, name FROM shop.customers_mapped WHERE NOT _deleted`).map((r) => [r.id, r.country, r.name])
          const expected = [...fake.groundTruth.rows("customers")].map((row) => [
            String(row.values.customer_id),
            row.values.country_code === "SE" ? "Sweden" : "elsewhere",
            row.values.name === null ? null : String(row.values.name).toLowerCase()
          ])
          assert.sameDeepMembers(rows, expected)
        }),
      spawningTimeout * 4
    )
  }
)
