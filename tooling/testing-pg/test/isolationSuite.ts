/**
 * Run by isolation-a.test.ts and isolation-b.test.ts: two files, run in parallel, each create a
 * table `items` in a database of their own and see only their own rows.
 */

import { PgClient } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { PgTest, testDatabasePrefix } from "../src/index.ts"

/** The isolation suite, run by two files with different owners. */
export const isolationSuite = (owner: string) =>
  layer(PgTest.layer)(`PgTest.layer isolation (${owner})`, (it) => {
    it.effect("works in a database of its own", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const name = yield* PgTest.databaseName
        const [row] = yield* sql<{ readonly db: string }>`select current_database() as db`
        assert.strictEqual(row?.db, name)
        assert.isTrue(name.startsWith(testDatabasePrefix))
      })
    )

    it.effect("creates a table the other file also creates, and sees only its own rows", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql`create table items (id int primary key, owner text not null)`
        yield* sql`insert into items ${sql.insert([
          { id: 1, owner },
          { id: 2, owner },
          { id: 3, owner }
        ])}`
        const rows = yield* sql<{ readonly owner: string }>`select owner from items order by id`
        assert.deepStrictEqual(
          rows.map((r) => r.owner),
          [owner, owner, owner]
        )
      })
    )

    it.effect("hands out a URL to the same database, for code under test", () =>
      Effect.gen(function* () {
        const url = yield* PgTest.databaseUrl
        const name = yield* PgTest.databaseName
        assert.isTrue(Redacted.value(url).endsWith(`/${name}`))
        // A separate client (as a server process would open) sees the rows written above.
        const seen = yield* Effect.gen(function* () {
          const other = yield* SqlClient.SqlClient
          const [db] = yield* other<{ readonly db: string }>`select current_database() as db`
          const rows = yield* other<{ readonly owner: string }>`select distinct owner from items`
          return { db: db?.db, owners: rows.map((r) => r.owner) }
        }).pipe(Effect.provide(Layer.fresh(PgClient.layer({ url, maxConnections: 1 }))))
        assert.deepStrictEqual(seen, { db: name, owners: [owner] })
      })
    )
  })
