/**
 * PCO OAuth2: `start` redirects the admin's browser to Planning Center's authorize URL with a signed
 * state; `callback` checks the state, exchanges the code for tokens and stores them (sealed in
 * PostgreSQL, through the connector's `TokenManager`).
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

const notOAuth = (connectorId: string) =>
  new InvalidField({
    field: "credentials.type",
    message: `credentials.type: connector ${connectorId} is not a Planning Center connector with oauth2 credentials`
  })

/** The OAuth2 start handler (admin only). */
export const OAuthStartHandlers = HttpApiBuilder.group(Api, "oauthStart", (handlers) =>
  Effect.gen(function* () {
    const runtimes = yield* ConnectorRuntimes
    const info = yield* ServerInfo
    return handlers.handle("start", ({ params }) =>
      Effect.gen(function* () {
        yield* requireConnector(params.connectorId)
        const running = yield* runtimes
          .get(params.connectorId)
          .pipe(Effect.mapError(() => notOAuth(params.connectorId)))
        const state = OAuthState.sign(info.stateKey, params.connectorId, yield* Clock.currentTimeMillis)
        const url = Option.flatMap(running.pco, (client) => Option.fromUndefinedOr(client.authorizeUrl({ state })))
        if (Option.isNone(url)) return yield* notOAuth(params.connectorId)
        return HttpServerResponse.jsonUnsafe({ authorizeUrl: url.value }, { status: 302 }).pipe(
          HttpServerResponse.setHeader("location", url.value)
        )
      })
    )
  })
)

/** The OAuth2 callback handler (open: trusted through its signed state). */
export const OAuthCallbackHandlers = HttpApiBuilder.group(Api, "oauthCallback", (handlers) =>
  Effect.gen(function* () {
    const runtimes = yield* ConnectorRuntimes
    const info = yield* ServerInfo
    return handlers.handle("callback", ({ query }) =>
      Effect.gen(function* () {
        const connectorId = OAuthState.verify(info.stateKey, query.state, yield* Clock.currentTimeMillis)
        if (Option.isNone(connectorId)) {
          return yield* new InvalidField({ field: "state", message: "state: not issued by this server, or expired" })
        }
        yield* requireConnector(connectorId.value)
        const running = yield* runtimes.get(connectorId.value).pipe(Effect.mapError(() => notOAuth(connectorId.value)))
        if (Option.isNone(running.pco)) return yield* notOAuth(connectorId.value)
        yield* running.pco.value
          .exchangeCode(query.code)
          .pipe(Effect.mapError((error) => new UpstreamFailed({ message: error.message })))
        yield* runtimes.invalidate(connectorId.value)
        yield* Effect.logInfo("OAuth2 tokens stored").pipe(Effect.annotateLogs({ connector: connectorId.value }))
        return { connectorId: connectorId.value, connected: true }
      })
    )
  })
)
