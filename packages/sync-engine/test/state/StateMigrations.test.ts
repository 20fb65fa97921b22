/**
 * The StateStore migrations: they create the schema `syncflow`, apply each migration exactly once
 * even when two processes start at once, and do nothing when run again.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { migrate, migrations } from "../../src/state/StateMigrations.ts"

layer(PgTest.layer)("StateMigrations", (it) => {
  it.effect("two processes migrating at once apply each migration once; running again does nothing", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const url = yield* PgTest.databaseUrl
      // A second process: its own client and pool on the same database.
      const otherProcess = migrate.pipe(Effect.provide(Layer.fresh(PgClient.layer({ url, maxConnections: 1 }))))
      const [first, second] = yield* Effect.all([migrate, otherProcess], { concurrency: 2 })
      const ids = migrations.map((migration) => migration.id)
      assert.deepStrictEqual([...first, ...second].sort(), ids)

      const recorded = yield* sql<{ readonly id: number }>`SELECT id FROM syncflow.schema_migrations ORDER BY id`
      assert.deepStrictEqual(
        recorded.map((row) => row.id),
        ids
      )
      assert.deepStrictEqual(yield* migrate, [])
      assert.deepStrictEqual(yield* otherProcess, [])

      const tables = yield* sql<{ readonly name: string }>`
        SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'syncflow' ORDER BY table_name`
      assert.deepStrictEqual(
        tables.map((row) => row.name),
        [
          "checkpoints",
          "connectors",
          "entities",
          "failed_records",
          "pending_children",
          "schema_migrations",
          "sync_runs",
          "tokens"
        ]
      )
    })
  )
})
