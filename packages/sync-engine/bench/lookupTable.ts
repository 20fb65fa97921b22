/**
 * What the ETL and mapping benchmarks (`etlThroughput.ts`, `mappingThroughput.ts`) look up: a
 * database of their own with SyncFlow's state tables (`benchDatabase`, migrated by `StateStores`),
 * and in it a synced table as a sync leaves it — the entity's claim in `syncflow.entity_tables`,
 * audit columns, no index on the data columns — of commodity codes and their labels. Not a test.
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { SqlClient } from "effect/sql"
import { ConnectorStore } from "../src/state/ConnectorStore.ts"
import * as EntityTables from "../src/state/EntityTables.ts"
import { SecretBox } from "../src/state/SecretBox.ts"
import * as StateStores from "../src/state/StateStores.ts"
import { benchDatabase } from "./benchSupport.ts"

/** The synced table's ref, as a lookup or join names it. */
export const commodities = { connectorId: "erp", entity: "commodities" } as const

/** The state stores on a fresh database (dropped at the end of the scope). */
export const lookupDatabase = Effect.gen(function* () {
  const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
  const { url } = yield* benchDatabase(admin)
  return StateStores.layer.pipe(
    Layer.provide(SecretBox.layer({ key: Redacted.make(Base64.encode(crypto.getRandomValues(new Uint8Array(32)))) })),
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), maxConnections: 2 }))
  )
})

/**
 * `erp.commodities`, the synced table of `commodities`: `rows` codes (`codeSql` of `g` from 0: the
 * SQL of each code) with the label `Commodity <code>`.
 */
export const createCommodities = (rows: number, codeSql: string) =>
  Effect.gen(function* () {
    yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
    yield* EntityTables.claim({ ...commodities, schema: "erp", table: "commodities" })
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS erp`)
    yield* sql.unsafe(`CREATE TABLE erp.commodities (
      _id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      _bk_hash text COLLATE "C" NOT NULL UNIQUE,
      _deleted boolean NOT NULL DEFAULT false,
      code text NOT NULL,
      label text
    )`)
    yield* sql.unsafe(
      `INSERT INTO erp.commodities (_bk_hash, code, label)
       SELECT md5(c), c, 'Commodity ' || c FROM (SELECT ${codeSql} AS c FROM generate_series(0, ${rows - 1}) AS g) AS codes`
    )
    yield* sql.unsafe(`ANALYZE erp.commodities`)
  })
