/**
 * The tokens an OAuth2 connection holds between requests: what a `TokenStore` persists.
 */
import { Schema } from "effect"

/**
 * An access token with its optional refresh token, expiry and granted scope. Tokens are `Redacted`:
 * printing or logging a `TokenSet` never shows them; `Schema.toCodecJson(TokenSet)` reveals them for
 * storage.
 */
export class TokenSet extends Schema.Class<TokenSet>("TokenSet")({
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.optional(Schema.Redacted(Schema.String)),
  /** When the access token expires, in epoch milliseconds; absent when the provider did not say. */
  expiresAt: Schema.optional(Schema.Number),
  /** The space-separated scopes the provider granted. */
  scope: Schema.optional(Schema.String)
}) {}
