/** Shared setup of the auth tests: the TokenManager over an in-memory store and real HTTP. */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { HttpClient } from "effect/http"
import {
  type Authenticator,
  type OAuth2,
  TokenManager,
  type TokenManagerOptions,
  TokenStore,
  withAuthentication
} from "../../src/auth/index.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import type { FakeOAuthServer } from "../../src/testing/index.ts"

/** TokenManager + TokenStore.layerMemory + the undici HttpClient, all exposed to the test. */
export const makeAuthLayer = (options: TokenManagerOptions = {}) =>
  TokenManager.layerWith(options).pipe(
    Layer.provideMerge(TokenStore.layerMemory),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )

/** {@link makeAuthLayer} with default options. */
export const AuthLayer = makeAuthLayer()

/** The HttpClient as an adapter would build it: classification below, authentication above. */
export const authenticatedClient = (authenticator: Authenticator) =>
  Effect.map(HttpClient.HttpClient, (client) => client.pipe(classifyResponse, withAuthentication(authenticator)))

/** Authorizes `connectionId` against the fake (code issued + exchanged) and builds its client. */
export const connect = Effect.fnUntraced(function* (
  fake: FakeOAuthServer.FakeOAuthServer,
  connectionId = "conn-1",
  credentials: OAuth2 = fake.credentials()
) {
  const tokenManager = yield* TokenManager
  const code = yield* fake.issueCode()
  const tokens = yield* tokenManager.exchangeCode(connectionId, credentials, code)
  const authenticator = yield* tokenManager.authenticator(connectionId, credentials)
  const client = yield* authenticatedClient(authenticator)
  return { tokenManager, tokens, authenticator, client, credentials }
})

/** How many requests the fake received for `METHOD /path`. */
export const countRequests = (fake: FakeOAuthServer.FakeOAuthServer, method: string, path: string) =>
  Effect.map(fake.requests, (all) => all.filter((r) => r.method === method && r.url.pathname === path).length)
