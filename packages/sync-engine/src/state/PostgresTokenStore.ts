/**
 * adapter-core's `TokenStore` in PostgreSQL: one row per connection in `syncflow.tokens`, the token
 * set sealed with AES-256-GCM by the `SecretBox` (bound to its connection id, so a row copied to
 * another connection does not open). A wrong secret key is a `TokenStoreError` (its cause a
 * `SecretBoxError` with reason `WrongKey`), never garbage; no message contains a token.
 *
 * ```ts
 * const tokens = PostgresTokenStore.layer.pipe(
 *   Layer.provide(SecretBox.layerConfig()), // SYNCFLOW_SECRET_KEY
 *   Layer.provide(PgClient.layer({ url }))
 * )
 * ```
 */
import { PgTypes } from "@effect/sql-pg"
import { TokenSet, TokenStore, TokenStoreError } from "@syncflow/adapter-core"
import { Effect, Layer, Option, Schema } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { SecretBox } from "./SecretBox.ts"
import { migrate } from "./StateMigrations.ts"

const TokenSetJson = Schema.toCodecJson(TokenSet)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The associated data a connection's token set is sealed with. */
const sealContext = (connectionId: string) => `token:${connectionId}`

/** Builds the store on the ambient `SqlClient`, after applying the `syncflow` migrations. */
export const make = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const box = yield* SecretBox
  yield* migrate
  const encode = Schema.encodeUnknownEffect(TokenSetJson)
  const decode = Schema.decodeUnknownEffect(TokenSetJson)

  const failure =
    (connectionId: string, what: string) =>
    (cause: { readonly message: string }): TokenStoreError =>
      new TokenStoreError({ connectionId, message: `${what}: ${cause.message}`, cause })

  const get = Effect.fn("PostgresTokenStore.get")(function* (connectionId: string) {
    const rows = yield* sql
      .unsafe<{ readonly sealed: Uint8Array }>(
        `SELECT token_set AS sealed FROM syncflow.tokens WHERE connection_id = $1`,
        [connectionId]
      )
      .pipe(Effect.mapError(failure(connectionId, "Cannot read the token set")))
    const row = rows[0]
    if (row === undefined) return Option.none<TokenSet>()
    const plaintext = yield* box
      .open(row.sealed, sealContext(connectionId))
      .pipe(Effect.mapError(failure(connectionId, "Cannot unseal the token set")))
    const json = yield* Effect.try({
      try: () => JSON.parse(decoder.decode(plaintext)) as unknown,
      catch: () => new TokenStoreError({ connectionId, message: "The unsealed token set is not JSON" })
    })
    return Option.some(
      yield* decode(json).pipe(Effect.mapError(failure(connectionId, "The stored token set does not decode")))
    )
  })

  const set = Effect.fn("PostgresTokenStore.set")(function* (connectionId: string, tokens: TokenSet) {
    const json = yield* encode(tokens).pipe(Effect.mapError(failure(connectionId, "Cannot encode the token set")))
    const sealed = yield* box.seal(encoder.encode(JSON.stringify(json)), sealContext(connectionId))
    yield* sql
      .unsafe(
        `INSERT INTO syncflow.tokens (connection_id, token_set, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (connection_id) DO UPDATE SET token_set = excluded.token_set, updated_at = excluded.updated_at`,
        [connectionId, PgTypes.bytea(sealed)]
      )
      .pipe(Effect.mapError(failure(connectionId, "Cannot store the token set")))
  })

  const remove = Effect.fn("PostgresTokenStore.delete")(function* (connectionId: string) {
    yield* sql
      .unsafe(`DELETE FROM syncflow.tokens WHERE connection_id = $1`, [connectionId])
      .pipe(Effect.mapError(failure(connectionId, "Cannot delete the token set")))
  })

  return TokenStore.of({ get, set, delete: remove })
})

/** The PostgreSQL `TokenStore`; building it applies the `syncflow` migrations. */
export const layer: Layer.Layer<TokenStore, SqlError.SqlError, SqlClient.SqlClient | SecretBox> = Layer.effect(
  TokenStore,
  make
)
