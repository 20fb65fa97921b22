/** SyncFlow's connectors and their sealed credentials (table `syncflow.connectors`). */
import { PgTypes } from "@effect/sql-pg"
import { Credentials } from "@syncflow/adapter-core"
import { Effect, Option, Schema } from "effect"
import type { SecureRandom } from "effect/crypto"
import type { SqlClient } from "effect/sql"
import { Connector, type ConnectorPatch, type NewConnector } from "./Connector.ts"
import type { ConnectorStoreService } from "./ConnectorStore.ts"
import type { SecretBox } from "./SecretBox.ts"
import { ConnectorNotFound, StateStoreError } from "./StateStoreError.ts"
import { now, storeError } from "./storeHelpers.ts"

const connectorColumns = `id, adapter, name, config, credentials IS NOT NULL AS "hasCredentials",
  target_schema AS "targetSchema", created_at AS "createdAt", updated_at AS "updatedAt"`

const CredentialsJson = Schema.toCodecJson(Credentials)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Connector and credential operations on `sql`; credentials are sealed with `box`. */
export const connectorOperations = (
  sql: SqlClient.SqlClient,
  box: SecretBox["Service"],
  random: SecureRandom.SecureRandom["Service"]
): ConnectorStoreService => {
  const decodeConnectors = Schema.decodeUnknownEffect(Schema.Array(Connector))
  const encodeCredentials = Schema.encodeUnknownEffect(CredentialsJson)
  const decodeCredentials = Schema.decodeUnknownEffect(CredentialsJson)

  const sealCredentials = (connectorId: string, credentials: Credentials) =>
    Effect.flatMap(encodeCredentials(credentials), (json) =>
      box.seal(encoder.encode(JSON.stringify(json)), `connector:${connectorId}`)
    )

  const selectConnector = (id: string) =>
    Effect.flatMap(
      sql.unsafe(`SELECT ${connectorColumns} FROM syncflow.connectors WHERE id = $1`, [id]),
      decodeConnectors
    )

  const createConnector = Effect.fn("ConnectorStore.createConnector")(function* (input: NewConnector) {
    const id = input.id ?? (yield* random.uuidV4())
    const at = yield* now
    const sealed = input.credentials === undefined ? null : yield* sealCredentials(id, input.credentials)
    const rows = yield* sql
      .unsafe(
        `INSERT INTO syncflow.connectors (id, adapter, name, config, credentials, target_schema, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $7, $6, $6) RETURNING ${connectorColumns}`,
        [
          id,
          input.adapter,
          input.name,
          PgTypes.jsonb(input.config ?? {}),
          PgTypes.bytea(sealed),
          at,
          input.targetSchema ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeConnectors))
    return rows[0]!
  }, storeError("createConnector"))

  const getConnector = Effect.fn("ConnectorStore.getConnector")(function* (id: string) {
    return Option.fromUndefinedOr((yield* selectConnector(id))[0])
  }, storeError("getConnector"))

  const listConnectors = sql
    .unsafe(`SELECT ${connectorColumns} FROM syncflow.connectors ORDER BY name`)
    .pipe(
      Effect.flatMap(decodeConnectors),
      storeError("listConnectors"),
      Effect.withSpan("ConnectorStore.listConnectors")
    )

  const updateConnector = Effect.fn("ConnectorStore.updateConnector")(function* (id: string, patch: ConnectorPatch) {
    const sealed =
      patch.credentials === undefined || patch.credentials === null
        ? null
        : yield* sealCredentials(id, patch.credentials).pipe(storeError("updateConnector"))
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.connectors SET name = COALESCE($2::text, name), config = COALESCE($3::jsonb, config),
           credentials = CASE WHEN $4::boolean THEN $5::bytea ELSE credentials END, updated_at = $6,
           target_schema = CASE WHEN $7::boolean THEN $8::text ELSE target_schema END
         WHERE id = $1 RETURNING ${connectorColumns}`,
        [
          id,
          patch.name ?? null,
          PgTypes.jsonb(patch.config ?? null),
          PgTypes.bool(patch.credentials !== undefined),
          PgTypes.bytea(sealed),
          yield* now,
          PgTypes.bool(patch.targetSchema !== undefined),
          patch.targetSchema ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeConnectors), storeError("updateConnector"))
    const row = rows[0]
    if (row === undefined) return yield* new ConnectorNotFound({ connectorId: id })
    return row
  })

  const deleteConnector = Effect.fn("ConnectorStore.deleteConnector")(function* (id: string) {
    const rows = yield* sql.unsafe(`DELETE FROM syncflow.connectors WHERE id = $1 RETURNING 1`, [id])
    return rows.length > 0
  }, storeError("deleteConnector"))

  const getCredentials = Effect.fn("ConnectorStore.getCredentials")(function* (id: string) {
    const rows = yield* sql
      .unsafe<{ readonly credentials: Uint8Array | null }>(
        `SELECT credentials FROM syncflow.connectors WHERE id = $1`,
        [id]
      )
      .pipe(storeError("getCredentials"))
    const row = rows[0]
    if (row === undefined) return yield* new ConnectorNotFound({ connectorId: id })
    if (row.credentials === null) return Option.none<Credentials>()
    const plaintext = yield* box.open(row.credentials, `connector:${id}`).pipe(storeError("getCredentials"))
    const credentials = yield* Effect.try({
      try: () => JSON.parse(decoder.decode(plaintext)) as unknown,
      catch: () => new StateStoreError({ operation: "getCredentials", message: "Stored credentials are not JSON" })
    })
    return Option.some(yield* decodeCredentials(credentials).pipe(storeError("getCredentials")))
  })

  return { createConnector, getConnector, listConnectors, updateConnector, deleteConnector, getCredentials }
}
