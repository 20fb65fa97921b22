/**
 * `syncflow definitions` as a user runs it (real child processes, the fake ERP on loopback): after
 * discovery the default definitions are listed; a definition is created from flags and shown;
 * an invalid one is refused naming the field (exit 1, nothing stored); a mapped, filtered definition
 * runs into its own table, which holds exactly the truth's rows that pass its filter; a default
 * definition runs its entity's sync and the table equals the fake's truth; a definition's runs and
 * failed records are listed (`definitions runs|failed`), apart from its entity's default sync; a
 * definition is deleted.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { DefinitionView } from "../src/api/groups/DefinitionsGroup.ts"
import { FailedRecordView, RunView } from "../src/api/Views.ts"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { liveRows } from "./liveRows.ts"

const decodeList = jsonOutput(Schema.Array(DefinitionView))
const decodeOne = jsonOutput(DefinitionView)
const decodeRuns = jsonOutput(Schema.Array(RunView))
const decodeFailed = jsonOutput(Schema.Array(FailedRecordView))
const decodeRun = jsonOutput(
  Schema.Struct({
    definitionId: Schema.String,
    runId: Schema.String,
    counts: Schema.Struct({ inserted: Schema.Number })
  })
)

layer(PgTest.layer, { timeout: spawningTimeout * 6, excludeTestServices: true })("syncflow definitions", (it) => {
  it.effect(
    "list, create, show, a refused definition, run a default definition, delete",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 5, rows: { items: 120, customers: 10, orders: 10 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "shop"))
        ok(yield* syncflow(["discover", "shop"], env))

        const defaults = decodeList(ok(yield* syncflow(["definitions", "list", "--connector", "shop", "--json"], env)))
        assert.includeMembers(
          defaults.map((d) => d.id),
          ["shop:items", "shop:customers", "shop:orders", "shop:order_lines"]
        )
        assert.isTrue(defaults.every((d) => d.isDefault))

        const created = decodeOne(
          ok(
            yield* syncflow(
              [
                "definitions",
                "create",
                "--id",
                "customer-copy",
                "--name",
                "Customer copy",
                "--source",
                "shop:customers",
                "--table",
                "customers_copy",
                "--where",
                "country_code notNull",
                "--cron",
                "0 3 * * *",
                "--json"
              ],
              env
            )
          )
        )
        assert.deepInclude(created, {
          id: "customer-copy",
          isDefault: false,
          destination: { kind: "postgres", table: "customers_copy" },
          filters: [{ field: "country_code", op: "notNull" }],
          schedule: { cron: "0 3 * * *" }
        })
        const shown = ok(yield* syncflow(["definitions", "show", "Customer copy"], env))
        assert.include(shown, "customer-copy")
        assert.include(shown, "country_code notNull")

        const refused = yield* syncflow(
          ["definitions", "create", "--name", "Bad", "--source", "shop:items", "--map", "no_such_field=x"],
          env
        )
        assert.strictEqual(refused.code, 1)
        assert.include(refused.stderr, "mapping.no_such_field")
        const all = decodeList(ok(yield* syncflow(["definitions", "list", "--json"], env)))
        assert.isFalse(all.some((d) => d.name === "Bad"))

        // A definition of its own, mapped and filtered, runs into its table: the truth's rows that pass.
        ok(
          yield* syncflow(
            [
              "definitions",
              "create",
              "--name",
              "Big customers",
              "--source",
              "shop:customers",
              "--table",
              "big_customers",
              "--map",
              "customer_id=id",
              "--map",
              "credit_limit=credit_limit",
              "--where",
              "credit_limit gte 20000"
            ],
            env
          )
        )
        const big = decodeRun(ok(yield* syncflow(["definitions", "run", "Big customers", "--json"], env)))
        const bigIds = [...fake.groundTruth.rows("customers")]
          .filter((row) => row.values.credit_limit !== null && Number(row.values.credit_limit) >= 20_000)
          .map((row) => String(row.values.customer_id))
        assert.strictEqual(big.counts.inserted, bigIds.length)
        assert.isNotEmpty(big.definitionId)
        const sql = yield* SqlClient.SqlClient
        const stored = yield* sql<{ readonly id: string }>`SELECT id FROM shop.big_customers WHERE NOT _deleted`
        assert.sameMembers(
          stored.map((row) => row.id),
          bigIds
        )

        // Its runs and failed records are its own: the default sync of customers (never run) has none.
        const bigRuns = decodeRuns(ok(yield* syncflow(["definitions", "runs", "Big customers", "--json"], env)))
        assert.deepStrictEqual(
          bigRuns.map((r) => [r.id, r.entity, r.definitionId, r.status]),
          [[big.runId, "customers", big.definitionId, "succeeded"]]
        )
        assert.deepStrictEqual(
          decodeRuns(ok(yield* syncflow(["definitions", "runs", "shop:customers", "--json"], env))),
          []
        )
        assert.deepStrictEqual(
          decodeFailed(ok(yield* syncflow(["definitions", "failed", "Big customers", "--json"], env))),
          []
        )
        assert.strictEqual((yield* syncflow(["definitions", "runs", "nobody"], env)).code, 1)

        const run = decodeRun(ok(yield* syncflow(["definitions", "run", "shop:items", "--json"], env)))
        assert.strictEqual(run.definitionId, "shop:items")
        assert.strictEqual(run.counts.inserted, fake.groundTruth.count("items"))
        assert.strictEqual(yield* liveRows("shop", "items"), fake.groundTruth.count("items"))

        assert.include(ok(yield* syncflow(["definitions", "delete", "customer-copy"], env)), "Deleted customer-copy")
        const gone = yield* syncflow(["definitions", "show", "customer-copy"], env)
        assert.strictEqual(gone.code, 1)
      }).pipe(Effect.scoped),
    spawningTimeout * 6
  )
})
