/**
 * Where each connection's OAuth2 tokens live between requests and restarts. This package ships the
 * in-memory store; durable stores (PostgreSQL) implement the same three operations elsewhere.
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import type { TokenSet } from "./TokenSet.ts"

/** The token store could not read or write. The message never contains a token. */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>()("TokenStoreError", {
  connectionId: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/** Storage of one {@link TokenSet} per connection id. */
export class TokenStore extends Context.Service<
  TokenStore,
  {
    /** The connection's tokens, or none when it has never been authorized (or was deleted). */
    readonly get: (connectionId: string) => Effect.Effect<Option.Option<TokenSet>, TokenStoreError>
    /** Replaces the connection's tokens. Must be durable when it succeeds: rotated refresh tokens depend on it. */
    readonly set: (connectionId: string, tokens: TokenSet) => Effect.Effect<void, TokenStoreError>
    /** Forgets the connection's tokens (a disconnect). */
    readonly delete: (connectionId: string) => Effect.Effect<void, TokenStoreError>
  }
>()("@syncflow/adapter-core/TokenStore") {
  /** A store in process memory: for tests and single-process tools. Tokens are lost on exit. */
  static readonly layerMemory: Layer.Layer<TokenStore> = Layer.sync(TokenStore, () => {
    const tokens = new Map<string, TokenSet>()
    return TokenStore.of({
      get: (connectionId) => Effect.sync(() => Option.fromUndefinedOr(tokens.get(connectionId))),
      set: (connectionId, tokenSet) =>
        Effect.sync(() => {
          tokens.set(connectionId, tokenSet)
        }),
      delete: (connectionId) =>
        Effect.sync(() => {
          tokens.delete(connectionId)
        })
    })
  })
}
