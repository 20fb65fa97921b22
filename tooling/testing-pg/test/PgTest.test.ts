/**
 * PgTest.layer's lifecycle: the database exists while the layer is up and is dropped when it is
 * released, even when code under test still holds connections to it.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { SqlClient } from "effect/sql"
import { PgTest, TestDatabase } from "../src/index.ts"

/** Whether a database of that name exists on the run's server. */
const databaseExists = (name: string) =>
  Effect.gen(function* () {
    const admin = yield* PgTest.adminUrl
    const rows = yield* SqlClient.SqlClient.use((sql) => sql`select 1 from pg_database where datname = ${name}`).pipe(
      Effect.provide(Layer.fresh(PgClient.layer({ url: admin, maxConnections: 1 })))
    )
    return rows.length === 1
  })

describe("PgTest.layer", () => {
  it.effect("creates a database and drops it on release, even with connections still open", () =>
    Effect.gen(function* () {
      const layerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(PgTest.layer, layerScope)
      const database = Context.get(context, TestDatabase)
      yield* Context.get(context, SqlClient.SqlClient)`create table t (x int)`
      assert.isTrue(yield* databaseExists(database.name))

      // Code under test (say, a server) keeps a connection open to the test database.
      const outside = yield* Layer.build(Layer.fresh(PgClient.layer({ url: database.url, maxConnections: 1 })))
      yield* Context.get(outside, SqlClient.SqlClient)`select count(*) from t`

      yield* Scope.close(layerScope, Exit.void)
      assert.isFalse(yield* databaseExists(database.name))
    })
  )

  it.effect("gives each build its own database", () =>
    Effect.gen(function* () {
      const names = yield* Effect.forEach([1, 2], () =>
        Effect.map(Layer.build(Layer.fresh(PgTest.layer)), (context) => Context.get(context, TestDatabase).name)
      )
      assert.notStrictEqual(names[0], names[1])
    })
  )
})
