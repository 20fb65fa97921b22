/**
 * What a plugin builds for one stored connector: its running `Adapter` and, for connectors that
 * authorize through OAuth2, the two steps of the authorization-code flow.
 */
import type { Effect } from "effect"
import type { Adapter } from "../adapter/Adapter.ts"
import type { AuthenticationError } from "../auth/Authenticator.ts"

/** The OAuth2 authorization-code flow of one connector. */
export interface ConnectorOAuth2 {
  /** The URL to send the user's browser to, carrying `state`; `undefined` if the connector does not use OAuth2. */
  readonly authorizeUrl: (state: string) => string | undefined
  /** Exchanges the code the upstream sent to the redirect URI for tokens, and stores them. */
  readonly exchangeCode: (code: string) => Effect.Effect<void, AuthenticationError>
}

/** A connector's running adapter, as its plugin built it. */
export interface ConnectorInstance {
  readonly adapter: Adapter
  /** The OAuth2 flow, for connectors whose credentials are an OAuth2 client. */
  readonly oauth2?: ConnectorOAuth2 | undefined
}
