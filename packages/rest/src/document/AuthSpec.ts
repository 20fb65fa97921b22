/**
 * How a declarative source authenticates, as its document says (no secrets here: the document is
 * stored in the clear; the key, password, token or client secret come with the connector's
 * credentials). Every kind runs through adapter-core's `TokenManager`.
 */
import { HttpUrlInput } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** No credentials. */
export const NoAuth = Schema.Struct({ type: Schema.Literal("none") })

/** A static key in a header (`X-Api-Key: <key>`) or a query parameter (`?api_key=<key>`). */
export const ApiKeyAuth = Schema.Struct({
  type: Schema.Literal("apiKey"),
  in: Schema.Literals(["header", "query"]),
  name: Schema.NonEmptyString
})

/** HTTP Basic: a user name and password. */
export const BasicAuth = Schema.Struct({ type: Schema.Literal("basic") })

/** A static bearer token (`Authorization: Bearer <token>`). */
export const BearerAuth = Schema.Struct({ type: Schema.Literal("bearer") })

/**
 * OAuth2: the authorization-code grant (tokens refreshed ahead of expiry, refresh tokens rotated)
 * or the client-credentials grant (a token per client, fetched again when it expires or is refused).
 */
export const OAuth2Auth = Schema.Struct({
  type: Schema.Literal("oauth2"),
  grant: Schema.Literals(["authorization_code", "client_credentials"]),
  tokenUrl: HttpUrlInput,
  /** Where users authorize the client (authorization-code grant only). */
  authorizeUrl: Schema.optionalKey(HttpUrlInput),
  scopes: Schema.optionalKey(Schema.Array(Schema.String)),
  /** How the client authenticates to the token endpoint: form fields (default) or a Basic header. */
  clientAuthentication: Schema.optionalKey(Schema.Literals(["body", "basic"]))
})

/** How a declarative source authenticates. */
export const AuthSpec = Schema.Union([NoAuth, ApiKeyAuth, BasicAuth, BearerAuth, OAuth2Auth])

/** How a declarative source authenticates. */
export type AuthSpec = typeof AuthSpec.Type
