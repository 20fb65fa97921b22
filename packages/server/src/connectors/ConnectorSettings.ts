/**
 * What a user gives to create a connector, per adapter: its settings (base URL, page size, ...) and
 * its credentials in a friendly form, turned here into adapter-core `Credentials` to be sealed.
 * A PCO connector may also carry the secret its webhooks are signed with; it is sealed like the
 * credentials and kept beside the settings, never returned.
 */
import { type Credentials, OAuth2 } from "@syncflow/adapter-core"
import { ApiSmithCredentials } from "@syncflow/apismith"
import { PcoAuth } from "@syncflow/pco"
import { Result, Schema, SchemaIssue } from "effect"

/** The adapters SyncFlow knows. */
export const AdapterName = Schema.Literals(["apismith", "pco"])
/** The adapters SyncFlow knows. */
export type AdapterName = typeof AdapterName.Type

const HttpUrl = Schema.String.check(
  Schema.makeFilter(
    (url: string) => (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) || "expected an http(s) URL"
  )
)

const Secret = Schema.Redacted(Schema.NonEmptyString)

/** The settings of an APISmith connector. */
export const ApiSmithSettings = Schema.Struct({
  /** The APISmith instance, e.g. `http://apismith:8007`. */
  baseUrl: HttpUrl,
  /** Rows per page (1 to 1,000). */
  pageSize: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 }))),
  /**
   * At most `limit` requests per `windowSeconds` to this instance, shared by every runner (none by
   * default: APISmith publishes no limit).
   */
  rateLimit: Schema.optionalKey(
    Schema.Struct({
      limit: Schema.Int.check(Schema.isGreaterThan(0)),
      windowSeconds: Schema.Number.check(Schema.isGreaterThan(0))
    })
  ),
  /**
   * How long discovered entities are reused before a sync rediscovers them (new upstream columns
   * reach the tables at the next sync after this); 600 (10 minutes) by default, 0 before every sync.
   */
  discoveryTtlSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})

/** The settings of a Planning Center connector. */
export const PcoSettings = Schema.Struct({
  /** The API host; Planning Center's by default. */
  baseUrl: Schema.optionalKey(HttpUrl),
  /** Records per page (1 to 100). */
  pageSize: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))),
  /**
   * How long discovered entities are reused before a sync rediscovers them (new upstream columns
   * reach the tables at the next sync after this); 600 (10 minutes) by default, 0 before every sync.
   */
  discoveryTtlSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})

/** A connector's settings, whichever its adapter. */
export type ConnectorSettings = typeof ApiSmithSettings.Type | typeof PcoSettings.Type

/** APISmith: an HS256 service JWT minted from the shared secret. */
export const ServiceJwtInput = Schema.Struct({
  type: Schema.Literal("serviceJwt"),
  secret: Secret,
  issuer: Schema.optionalKey(Schema.NonEmptyString),
  audience: Schema.optionalKey(Schema.NonEmptyString),
  subject: Schema.optionalKey(Schema.NonEmptyString),
  ttlSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0)))
})

/** APISmith: a static bearer token. */
export const BearerInput = Schema.Struct({ type: Schema.Literal("bearer"), token: Secret })

/** Planning Center: a Personal Access Token (application id and secret). */
export const PersonalAccessTokenInput = Schema.Struct({
  type: Schema.Literal("personalAccessToken"),
  appId: Schema.NonEmptyString,
  secret: Secret
})

/** Planning Center: an OAuth2 application; connect it with `GET /api/v1/oauth/pco/{connector}/start`. */
export const OAuth2Input = Schema.Struct({
  type: Schema.Literal("oauth2"),
  clientId: Schema.NonEmptyString,
  clientSecret: Secret,
  scopes: Schema.optionalKey(Schema.Array(PcoAuth.PcoScope))
})

/** Credentials as the API and CLI take them. */
export const CredentialsInput = Schema.Union([ServiceJwtInput, BearerInput, PersonalAccessTokenInput, OAuth2Input])
/** Credentials as the API and CLI take them. */
export type CredentialsInput = typeof CredentialsInput.Type

/** Which credential types each adapter accepts. */
export const acceptedCredentials: Readonly<Record<AdapterName, ReadonlyArray<CredentialsInput["type"]>>> = {
  apismith: ["serviceJwt", "bearer"],
  pco: ["personalAccessToken", "oauth2"]
}

/** A field of a connector's input is wrong for its adapter. */
export class InvalidConnectorField extends Schema.TaggedError<InvalidConnectorField>()(
  "InvalidConnectorField",
  { field: Schema.String, message: Schema.String },
  { httpApiStatus: 400 }
) {}

const decodeSettings = {
  apismith: Schema.decodeUnknownResult(ApiSmithSettings),
  pco: Schema.decodeUnknownResult(PcoSettings)
}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** The first issue of a failed decoding, as the field it names (under `prefix`) and its message. */
export const firstIssue = (prefix: string, error: Schema.SchemaError): InvalidConnectorField => {
  const [issue] = formatIssues(error.issue).issues
  const path = (issue?.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment))
  const field = [prefix, ...path].join(".")
  return new InvalidConnectorField({ field, message: `${field}: ${issue?.message ?? "is invalid"}` })
}

/** A check of settings: the decoded settings, or the first wrong field. */
export type SettingsCheck<A> =
  | { readonly _tag: "ok"; readonly settings: A }
  | { readonly _tag: "invalid"; readonly error: InvalidConnectorField }

const check = <A>(result: Result.Result<A, Schema.SchemaError>): SettingsCheck<A> =>
  Result.isSuccess(result)
    ? { _tag: "ok", settings: result.success }
    : { _tag: "invalid", error: firstIssue("config", result.failure) }

/** Checks APISmith settings; the error names the field (`config.baseUrl`). */
export const checkApiSmithSettings = (config: unknown): SettingsCheck<typeof ApiSmithSettings.Type> =>
  check(decodeSettings.apismith(config ?? {}, { onExcessProperty: "error" }))

/** Checks Planning Center settings; the error names the field. */
export const checkPcoSettings = (config: unknown): SettingsCheck<typeof PcoSettings.Type> =>
  check(decodeSettings.pco(config ?? {}, { onExcessProperty: "error" }))

/** Checks an adapter's settings; the error names the field (`config.baseUrl`). */
export const checkSettings = (adapter: AdapterName, config: unknown): SettingsCheck<ConnectorSettings> =>
  adapter === "apismith" ? checkApiSmithSettings(config) : checkPcoSettings(config)

/** Checks that the credentials suit the adapter. */
export const checkCredentialsType = (
  adapter: AdapterName,
  credentials: CredentialsInput
): InvalidConnectorField | undefined =>
  acceptedCredentials[adapter].includes(credentials.type)
    ? undefined
    : new InvalidConnectorField({
        field: "credentials.type",
        message: `credentials.type: a ${adapter} connector takes ${acceptedCredentials[adapter].join(" or ")}, not ${credentials.type}`
      })

/** The path of the OAuth2 callback, under the server's public URL. */
export const oauthCallbackPath = "/api/v1/oauth/pco/callback"

/** Turns credentials as given into the adapter-core credentials that are sealed and stored. */
export const toCredentials = (
  input: CredentialsInput,
  context: { readonly baseUrl: string | undefined; readonly publicUrl: string }
): Credentials => {
  switch (input.type) {
    case "serviceJwt":
      return ApiSmithCredentials.serviceJwt({
        secret: input.secret,
        ...(input.issuer === undefined ? {} : { issuer: input.issuer }),
        ...(input.audience === undefined ? {} : { audience: input.audience }),
        ...(input.subject === undefined ? {} : { subject: input.subject }),
        ...(input.ttlSeconds === undefined ? {} : { ttlSeconds: input.ttlSeconds })
      })
    case "bearer":
      return ApiSmithCredentials.bearer(input.token)
    case "personalAccessToken":
      return PcoAuth.personalAccessToken(input.appId, input.secret)
    case "oauth2": {
      const credentials: OAuth2 = PcoAuth.oauth2({
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        redirectUri: `${context.publicUrl.replace(/\/+$/, "")}${oauthCallbackPath}`,
        ...(input.scopes === undefined ? {} : { scopes: input.scopes }),
        ...(context.baseUrl === undefined ? {} : { baseUrl: context.baseUrl })
      })
      return new OAuth2({ ...credentials })
    }
  }
}
