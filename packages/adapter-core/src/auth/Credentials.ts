/**
 * The credentials a connection authenticates with: one tagged variant per scheme. Every secret is a
 * `Redacted` value, so printing, logging or JSON-stringifying credentials never shows it; only
 * `Schema.toCodecJson(Credentials)` (for storage) reveals it, on purpose.
 */
import { Schema } from "effect"

const AbsoluteUrl = Schema.String.check(
  Schema.makeFilter((url: string) => URL.canParse(url) || "expected an absolute URL")
)

const NonEmptySecret = Schema.Redacted(Schema.NonEmptyString)

/** A static API key, sent in a header (`X-Api-Key: <key>`) or a query parameter (`?api_key=<key>`). */
export class ApiKey extends Schema.TaggedClass<ApiKey>()("ApiKey", {
  /** Where the key travels. */
  in: Schema.Literals(["header", "query"]),
  /** The header or query parameter name. */
  name: Schema.NonEmptyString,
  key: NonEmptySecret
}) {}

/** HTTP Basic credentials (PCO Personal Access Tokens: the app id and its secret). */
export class Basic extends Schema.TaggedClass<Basic>()("Basic", {
  username: Schema.String,
  password: NonEmptySecret
}) {}

/** A static bearer token, sent as `Authorization: Bearer <token>`. */
export class Bearer extends Schema.TaggedClass<Bearer>()("Bearer", {
  token: NonEmptySecret
}) {}

/**
 * An HS256 JWT minted from a shared secret, sent as `Authorization: Bearer <jwt>` and re-minted
 * before it expires. Registered claims (`iss`, `aud`, `sub`, `iat`, `exp`, `jti`) win over `claims`.
 */
export class ServiceJwt extends Schema.TaggedClass<ServiceJwt>()("ServiceJwt", {
  secret: NonEmptySecret,
  issuer: Schema.String,
  audience: Schema.String,
  subject: Schema.String,
  /** Lifetime of each minted token, in seconds. */
  ttlSeconds: Schema.Int.check(Schema.isGreaterThan(0)),
  /** Extra claims to put in every token. */
  claims: Schema.optional(Schema.Record(Schema.String, Schema.Json))
}) {}

/** An OAuth2 authorization-code client (PCO OAuth apps). */
export class OAuth2 extends Schema.TaggedClass<OAuth2>()("OAuth2", {
  clientId: Schema.NonEmptyString,
  clientSecret: NonEmptySecret,
  authorizeUrl: AbsoluteUrl,
  tokenUrl: AbsoluteUrl,
  redirectUri: AbsoluteUrl,
  scopes: Schema.Array(Schema.String),
  /**
   * How the client authenticates to the token endpoint: `client_id`/`client_secret` form fields
   * (`"body"`, the default, as PCO expects) or an HTTP Basic header (`"basic"`).
   */
  clientAuthentication: Schema.optional(Schema.Literals(["body", "basic"]))
}) {}

/**
 * An OAuth2 client-credentials client (RFC 6749 §4.4): the client gets its own access tokens from the
 * token endpoint, with no user and no refresh token; a token is fetched again when it expires or is
 * refused.
 */
export class OAuth2ClientCredentials extends Schema.TaggedClass<OAuth2ClientCredentials>()("OAuth2ClientCredentials", {
  clientId: Schema.NonEmptyString,
  clientSecret: NonEmptySecret,
  tokenUrl: AbsoluteUrl,
  scopes: Schema.Array(Schema.String),
  /** How the client authenticates to the token endpoint: form fields (`"body"`, the default) or HTTP Basic. */
  clientAuthentication: Schema.optional(Schema.Literals(["body", "basic"]))
}) {}

/** Any credentials a connection can hold. */
export type Credentials = ApiKey | Basic | Bearer | ServiceJwt | OAuth2 | OAuth2ClientCredentials

/** The schema of {@link Credentials}, for decoding configuration and storing credentials. */
export const Credentials = Schema.Union([ApiKey, Basic, Bearer, ServiceJwt, OAuth2, OAuth2ClientCredentials])
