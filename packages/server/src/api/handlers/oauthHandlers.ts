/**
 * OAuth2, for connectors whose plugin offers it: `start` redirects the admin's browser to the
 * upstream's authorize URL with a signed state (`authorizeUrl` answers that URL as JSON, for a page
 * that sends the browser there itself); `callback` checks the state, exchanges the code for tokens
 * and stores them (sealed in PostgreSQL, through the connector's `TokenManager`). The
 * `{adapter}` of the path must be the connector's.
 */
import { Clock, Effect, Option } from "effect"
import { HttpServerResponse } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { ConnectorRuntimes } from "../../connectors/ConnectorRuntimes.ts"
import { Api } from "../Api.ts"
import { InvalidField, UpstreamFailed } from "../ApiErrors.ts"
import * as OAuthState from "../OAuthState.ts"
import { ServerInfo } from "../ServerInfo.ts"
import { requireConnector } from "./common.ts"

const notOAuth = (adapter: string, connectorId: string) =>
  new InvalidField({
    field: "credentials.type",
    detail: `credentials.type: connector ${connectorId} is not a ${adapter} connector with OAuth2 credentials`
  })

/** The connector's running OAuth2 flow, when it is a connector of `adapter` that has one. */
const oauth2Of = (runtimes: ConnectorRuntimes["Service"], adapter: string, connectorId: string) =>
  Effect.gen(function* () {
    const running = yield* runtimes.get(connectorId).pipe(Effect.mapError(() => notOAuth(adapter, connectorId)))
    if (running.plugin.name !== adapter || Option.isNone(running.oauth2)) {
      return yield* notOAuth(adapter, connectorId)
    }
    return running.oauth2.value
  })

/** The OAuth2 start handler (admin only). */
export const OAuthStartHandlers = HttpApiBuilder.group(Api, "oauthStart", (handlers) =>
  Effect.gen(function* () {
    const runtimes = yield* ConnectorRuntimes
    const info = yield* ServerInfo
    /** The connector's consent URL with a fresh signed state. */
    const authorizeUrlOf = Effect.fnUntraced(function* (adapter: string, connectorId: string) {
      yield* requireConnector(connectorId)
      const oauth2 = yield* oauth2Of(runtimes, adapter, connectorId)
      const state = OAuthState.sign(info.stateKey, connectorId, yield* Clock.currentTimeMillis)
      const url = oauth2.authorizeUrl(state)
      if (url === undefined) return yield* notOAuth(adapter, connectorId)
      return url
    })
    return handlers
      .handle("start", ({ params }) =>
        Effect.map(authorizeUrlOf(params.adapter, params.connectorId), (url) =>
          HttpServerResponse.jsonUnsafe({ authorizeUrl: url }, { status: 302 }).pipe(
            HttpServerResponse.setHeader("location", url)
          )
        )
      )
      .handle("authorizeUrl", ({ params }) =>
        Effect.map(authorizeUrlOf(params.adapter, params.connectorId), (url) => ({ authorizeUrl: url }))
      )
  })
)

/** The OAuth2 callback handler (open: trusted through its signed state). */
export const OAuthCallbackHandlers = HttpApiBuilder.group(Api, "oauthCallback", (handlers) =>
  Effect.gen(function* () {
    const runtimes = yield* ConnectorRuntimes
    const info = yield* ServerInfo
    return handlers.handle("callback", ({ params, query }) =>
      Effect.gen(function* () {
        const connectorId = OAuthState.verify(info.stateKey, query.state, yield* Clock.currentTimeMillis)
        if (Option.isNone(connectorId)) {
          return yield* new InvalidField({ field: "state", detail: "state: not issued by this server, or expired" })
        }
        yield* requireConnector(connectorId.value)
        const oauth2 = yield* oauth2Of(runtimes, params.adapter, connectorId.value)
        yield* oauth2
          .exchangeCode(query.code)
          .pipe(Effect.mapError((error) => new UpstreamFailed({ detail: error.message })))
        yield* runtimes.invalidate(connectorId.value)
        yield* Effect.logInfo("OAuth2 tokens stored").pipe(Effect.annotateLogs({ connector: connectorId.value }))
        return { connectorId: connectorId.value, connected: true }
      })
    )
  })
)
