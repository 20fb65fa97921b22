/**
 * Credentials for Planning Center: an OAuth2 application (authorization code, 2-hour access tokens,
 * single-use refresh tokens) or a Personal Access Token (HTTP Basic `app_id:secret`, one
 * organization, never expires). Both are adapter-core credentials served by its `TokenManager`.
 */
import { Basic, OAuth2 } from "@syncflow/adapter-core"
import { Redacted, Schema } from "effect"

/** Planning Center's API host. */
export const defaultBaseUrl = "https://api.planningcenteronline.com"

/** The OAuth2 scopes Planning Center grants (space-separated in the authorize URL). */
export const PcoScope = Schema.Literals([
  "people",
  "services",
  "check_ins",
  "groups",
  "giving",
  "calendar",
  "webhooks",
  "api",
  "openid"
])

/** An OAuth2 scope of Planning Center. */
export type PcoScope = typeof PcoScope.Type

const redact = (secret: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(secret) ? secret : Redacted.make(secret)

/** Personal Access Token credentials: the application id and its secret, sent as HTTP Basic. */
export const personalAccessToken = (appId: string, secret: string | Redacted.Redacted<string>): Basic =>
  new Basic({ username: appId, password: redact(secret) })

/** The options of {@link oauth2}. */
export interface OAuth2Options {
  readonly clientId: string
  readonly clientSecret: string | Redacted.Redacted<string>
  /** Where Planning Center sends the user back with the authorization code. */
  readonly redirectUri: string
  /** The scopes to ask for; `["people"]` by default. */
  readonly scopes?: ReadonlyArray<PcoScope> | undefined
  /** The API host (its `/oauth/authorize` and `/oauth/token`); Planning Center's by default. */
  readonly baseUrl?: string | undefined
}

/** OAuth2 application credentials pointing at Planning Center's (or a fake's) OAuth endpoints. */
export const oauth2 = (options: OAuth2Options): OAuth2 => {
  const base = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
  return new OAuth2({
    clientId: options.clientId,
    clientSecret: redact(options.clientSecret),
    authorizeUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}/oauth/token`,
    redirectUri: options.redirectUri,
    scopes: options.scopes ?? ["people"]
  })
}
