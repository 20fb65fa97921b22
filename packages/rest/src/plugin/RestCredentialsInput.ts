/**
 * The credentials of a declarative source as a user gives them: the secret half of the document's
 * `auth` (an API key, a user and password, a bearer token, or an OAuth2 client's id and secret).
 */
import { BearerInput, SecretInput } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** The key of `auth: {type: apiKey}`. */
export const ApiKeyInput = Schema.Struct({ type: Schema.Literal("apiKey"), key: SecretInput })

/** The user and password of `auth: {type: basic}`. */
export const BasicInput = Schema.Struct({
  type: Schema.Literal("basic"),
  username: Schema.String,
  password: SecretInput
})

/** The client of `auth: {type: oauth2}` (either grant). */
export const OAuth2ClientInput = Schema.Struct({
  type: Schema.Literal("oauth2"),
  clientId: Schema.NonEmptyString,
  clientSecret: SecretInput
})

/** The credentials of a `rest` connector (`auth: {type: bearer}` takes adapter-core's `BearerInput`). */
export const RestCredentialsInput = Schema.Union([ApiKeyInput, BasicInput, BearerInput, OAuth2ClientInput])

/** The credentials of a `rest` connector (`auth: {type: bearer}` takes adapter-core's `BearerInput`). */
export type RestCredentialsInput = typeof RestCredentialsInput.Type
