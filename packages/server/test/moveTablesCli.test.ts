/**
 * `syncflow connectors move-tables` as a user runs it (real child processes, the fake ERP on
 * loopback): a connector of the old layout, its tables in `public`, has them moved into its own
 * schema with their rows; the next full refresh re-inserts nothing, and the tables equal the truth.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { MovedTableView } from "../src/api/Api.ts"
import { secretKey } from "./fixtures.ts"

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

const syncflow = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  Effect.promise(
    () =>
      new Promise<{ readonly stdout: string; readonly stderr: string; readonly code: number }>((resolve) => {
        execFile(process.execPath, [bin, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
          resolve({ stdout, stderr, code: error === null ? 0 : typeof error.code === "number" ? error.code : 1 })
        )
      })
  )

const ok = (result: { readonly stdout: string; readonly stderr: string; readonly code: number }) => {
  assert.strictEqual(result.code, 0, result.stderr)
  return result.stdout
}

const Counts = Schema.Struct({ inserted: Schema.Number, updated: Schema.Number, deleted: Schema.Number })
const Report = Schema.Struct({ entities: Schema.Array(Schema.Struct({ entity: Schema.String, counts: Counts })) })
const decodeReport = Schema.decodeUnknownSync(Schema.fromJsonString(Report))
const decodeMoved = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Array(MovedTableView)))

const count = (schema: string, table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE NOT _deleted`)
  ).pipe(Effect.map(([row]) => row?.n ?? 0))

layer(PgTest.layer, { timeout: 240_000, excludeTestServices: true })("syncflow connectors move-tables", (it) => {
  it.effect(
    "moves a connector's public tables into its own schema with their rows; nothing is re-inserted after",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 43, rows: { items: 300, customers: 20, orders: 30 } })
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          DATABASE_URL: Redacted.value(yield* PgTest.databaseUrl),
          SYNCFLOW_SECRET_KEY: Redacted.value(secretKey)
        }
        ok(
          yield* syncflow(
            [
              "connectors",
              "add",
              "--adapter",
              "apismith",
              "--id",
              "plant",
              "--target-schema",
              "public",
              "--config",
              JSON.stringify({ baseUrl: fake.baseUrl }),
              "--credentials",
              JSON.stringify({ type: "serviceJwt", secret: Redacted.value(fake.secret) }),
              "Plant"
            ],
            env
          )
        )
        const loaded = decodeReport(ok(yield* syncflow(["sync", "plant", "--json"], env)))
        const entities = loaded.entities.map((e) => e.entity)
        assert.includeMembers(entities, ["items", "customers", "orders", "order_lines"])
        for (const entity of entities) {
          assert.strictEqual(yield* count("public", entity), fake.groundTruth.count(entity), entity)
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
          assert.strictEqual(yield* count("plant", entity.entity), fake.groundTruth.count(entity.entity), entity.entity)
        }
      }).pipe(Effect.scoped),
    240_000
  )
})
