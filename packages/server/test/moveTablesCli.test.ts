/**
 * `syncflow connectors move-tables` as a user runs it (real child processes, the fake ERP on
 * loopback): a connector of the old layout, its tables in `public`, has them moved into its own
 * schema with their rows; the next full refresh re-inserts nothing, and the tables equal the truth.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Schema } from "effect"
import { MovedTableView } from "../src/api/groups/ConnectorsGroup.ts"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, jsonOutput, ok, syncflow } from "./cliProcess.ts"
import { liveRows } from "./liveRows.ts"

const Counts = Schema.Struct({ inserted: Schema.Number, updated: Schema.Number, deleted: Schema.Number })
const Report = Schema.Struct({ entities: Schema.Array(Schema.Struct({ entity: Schema.String, counts: Counts })) })
const decodeReport = jsonOutput(Report)
const decodeMoved = jsonOutput(Schema.Array(MovedTableView))

layer(PgTest.layer, { timeout: 240_000, excludeTestServices: true })("syncflow connectors move-tables", (it) => {
  it.effect(
    "moves a connector's public tables into its own schema with their rows; nothing is re-inserted after",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 43, rows: { items: 300, customers: 20, orders: 30 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "plant", "Plant", { args: ["--target-schema", "public"] }))
        const loaded = decodeReport(ok(yield* syncflow(["sync", "plant", "--json"], env)))
        const entities = loaded.entities.map((e) => e.entity)
        assert.includeMembers(entities, ["items", "customers", "orders", "order_lines"])
        for (const entity of entities) {
          assert.strictEqual(yield* liveRows("public", entity), fake.groundTruth.count(entity), entity)
        }

        const moved = decodeMoved(ok(yield* syncflow(["connectors", "move-tables", "plant", "--json"], env)))
        assert.sameMembers(
          moved.filter((table) => table.moved).map((table) => `${table.from} ${table.to}`),
          entities.map((entity) => `public.${entity} plant.${entity}`)
        )
        assert.include(ok(yield* syncflow(["connectors", "list"], env)), "plant")

        const again = decodeReport(ok(yield* syncflow(["sync", "plant", "--full-refresh", "--json"], env)))
        for (const entity of again.entities) {
          assert.deepInclude(entity.counts, { inserted: 0, updated: 0, deleted: 0 }, entity.entity)
          assert.strictEqual(
            yield* liveRows("plant", entity.entity),
            fake.groundTruth.count(entity.entity),
            entity.entity
          )
        }
      }).pipe(Effect.scoped),
    240_000
  )
})
