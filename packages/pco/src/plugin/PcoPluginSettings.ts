/**
 * What a user gives to create a Planning Center connector: its settings, and its credentials in a
 * friendly form (a Personal Access Token, or an OAuth2 application connected through the server's
 * OAuth2 routes).
 */
import { HttpUrlInput, SecretInput } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { PcoScope } from "../PcoAuth.ts"

/** The settings of a Planning Center connector. */
export const PcoSettings = Schema.Struct({
  /** The API host; Planning Center's by default. */
  baseUrl: Schema.optionalKey(HttpUrlInput.annotate({ description: "The API host; Planning Center's by default" })),
  /** Records per page (1 to 100). */
  pageSize: Schema.optionalKey(
    Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })).annotate({ description: "Records per page" })
  ),
  /**
   * How long discovered entities are reused before a sync rediscovers them (new upstream columns
   * reach the tables at the next sync after this); 600 (10 minutes) by default, 0 before every sync.
   */
  discoveryTtlSeconds: Schema.optionalKey(
    Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).annotate({
      description: "Seconds discovered entities are reused before a sync rediscovers them (default 600)"
    })
  )
})

/** Planning Center: a Personal Access Token (application id and secret). */
export const PersonalAccessTokenInput = Schema.Struct({
  type: Schema.Literal("personalAccessToken"),
  appId: Schema.NonEmptyString,
  secret: SecretInput
})

/** Planning Center: an OAuth2 application; connect it with `GET /api/v1/oauth/pco/{connector}/start`. */
export const OAuth2Input = Schema.Struct({
  type: Schema.Literal("oauth2"),
  clientId: Schema.NonEmptyString,
  clientSecret: SecretInput,
  scopes: Schema.optionalKey(Schema.Array(PcoScope))
})

/** The credentials of a Planning Center connector, as the API and CLI take them. */
export const PcoCredentialsInput = Schema.Union([PersonalAccessTokenInput, OAuth2Input])
