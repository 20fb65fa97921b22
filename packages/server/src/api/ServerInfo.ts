/**
 * What the API handlers need to know about the running server: its version, its public URL (for
 * OAuth2 redirect URIs) and the key OAuth2 states are signed with.
 */
import { Context, type Redacted } from "effect"

/** The running server's facts. */
export class ServerInfo extends Context.Service<
  ServerInfo,
  {
    readonly version: string
    /** The external base URL, without a trailing slash. */
    readonly publicUrl: string
    /** Signs OAuth2 states. */
    readonly stateKey: Redacted.Redacted<string>
  }
>()("@syncflow/server/ServerInfo") {}
