/**
 * Shared fixtures of the pipeline tests: the engine on the file's test database, a fake ERP on
 * 127.0.0.1 with the APISmith adapter pointed at it, and the expected identity of its clean rows.
 */
import { NodeHttpClient } from "@effect/platform-node"
import {
  type Adapter,
  AdapterHttp,
  type ColumnManifest,
  type EntityManifest,
  TokenManager,
  TokenStore
} from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient } from "@syncflow/apismith"
import { FakeErp } from "@syncflow/apismith/testing"
import { Context, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { identifyChunk } from "../../src/stages/identity/identifyChunk.ts"
import { mapChunk } from "../../src/stages/map/mapChunk.ts"
import { makeStages, type StagesOptions } from "../../src/stages/Stages.ts"
import { stateStoresLayer } from "../state/fixtures.ts"

/** The stage options of APISmith connectors: its meta fields are not data. */
export const apiSmithStages: StagesOptions = {
  normalize: { mapping: { metaFields: ["_row_version", "_oracle_keys"] } }
}

/** The engine, the state stores and the TableDestination, on a fresh test database. */
export const engineLayer = SyncEngine.layer.pipe(
  Layer.provideMerge(PostgresDestination.layer),
  Layer.provideMerge(stateStoresLayer())
)

const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** A fake ERP for the life of the scope, the APISmith adapter on it, and the discovered manifests. */
export const fakeErp = (options: FakeErp.FakeErpOptions) =>
  Effect.gen(function* () {
    const fake = yield* FakeErp.make(options)
    // Built in the caller's scope, so the adapter's HTTP connections live as long as the test.
    const services = yield* Layer.build(
      ApiSmithAdapter.layer().pipe(
        Layer.provide(ApiSmithClient.layer({ baseUrl: fake.baseUrl, credentials: fake.credentials() })),
        Layer.provide(HttpStack)
      )
    )
    const adapter: Adapter = Context.get(services, ApiSmithAdapter)
    const manifests = yield* adapter.manifests
    const manifest = (entity: string): EntityManifest => {
      const found = manifests.find((m) => m.entity === entity)
      if (found === undefined) throw new Error(`no manifest for ${entity}`)
      return found
    }
    return { fake, adapter, manifests, manifest }
  })

/** The business-key hash -> data hash of the fake's ground truth, as the engine must store it. */
export const expectedIdentities = Effect.fnUntraced(function* (fake: FakeErp.FakeErp, manifest: EntityManifest) {
  const stages = yield* makeStages(manifest, apiSmithStages)
  const clean = Array.from(fake.groundTruth.rows(manifest.entity), (row) => ({
    raw: row.values,
    normalized: row.values
  }))
  const identified = identifyChunk(stages.identifier, mapChunk(stages.mapper, clean).ok).ok
  return new Map(identified.map((row) => [row.keyHash, row.dataHash]))
})

/**
 * The business-key hash -> data hash of the live (not soft-deleted) rows of an entity's table, in
 * its connector's schema (the connector's id, `erp` in most tests).
 */
export const storedIdentities = Effect.fnUntraced(function* (table: string, schema = "erp") {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql.unsafe<{ readonly bk: string; readonly data: string }>(
    `SELECT _bk_hash AS bk, _data_hash AS data FROM "${schema}"."${table}" WHERE NOT _deleted`
  )
  return new Map(rows.map((row) => [row.bk, row.data]))
})

/** A PostgreSQL expression giving a column's value as the text of its clean form (see `cleanText`). */
const cleanTextSql = (column: ColumnManifest): string => {
  const name = `"${column.name}"`
  switch (column.type) {
    case "string":
      return name
    case "integer":
    case "boolean":
    case "json":
      return `${name}::text`
    case "decimal":
      return `trim_scale(${name})::text`
    case "date":
      return `to_char(${name}, 'YYYY-MM-DD')`
    case "timestamp":
      return `to_char(${name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    case "binary":
      return `translate(encode(${name}, 'base64'), E'\\n', '')`
  }
}

/** A clean value as text, to compare with what `storedRows` reads: numbers and booleans as written, JSON as JSON. */
export const cleanText = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : typeof value === "string"
      ? value
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value)

/**
 * Every row of an entity's table (live and soft-deleted, with `_deleted`), each column as the text of its
 * clean form, computed by PostgreSQL from the stored typed value (independent of the engine's stages).
 */
export const storedRows = Effect.fnUntraced(function* (
  table: string,
  columns: ReadonlyArray<ColumnManifest>,
  schema = "erp"
) {
  const sql = yield* SqlClient.SqlClient
  const select = columns.map((column, i) => `${cleanTextSql(column)} AS c${i}`).join(", ")
  const rows = yield* sql.unsafe<Record<string, string | null>>(
    `SELECT _deleted::text AS deleted, ${select} FROM "${schema}"."${table}"`
  )
  return rows.map((row) => ({
    deleted: row.deleted === "true",
    values: columns.map((_, i) => row[`c${i}`] ?? null)
  }))
})
