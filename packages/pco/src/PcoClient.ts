/**
 * The Planning Center client: every endpoint of `PcoApi` over adapter-core's production HTTP stack
 * (credentials from `TokenManager`, the documented 100-requests-per-20-seconds budget adapted to
 * the `X-PCO-API-Request-Rate-*` headers, retries honouring `Retry-After`, timeouts, a circuit
 * breaker), with the API version pinned by the `X-PCO-API-Version` header.
 */
import {
  AdapterClient,
  type AdapterError,
  AdapterHttp,
  type AuthenticationError,
  type AuthorizeUrlOptions,
  type Basic,
  type OAuth2,
  RateLimitPolicy,
  RetryPolicy,
  TokenManager,
  type TokenSet,
  TokenStore,
  Unauthorized
} from "@syncflow/adapter-core"
import { Context, type Duration, Effect, Layer, type Redacted } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { GetOrganization } from "./endpoints/organization.ts"
import { PcoApi } from "./endpoints/PcoApi.ts"
import { defaultBaseUrl } from "./PcoAuth.ts"

/** The People API version requests are processed as, unless configured otherwise. */
export const defaultPeopleApiVersion = "2025-03-20"

/** The Webhooks API version (the first with `WebhookSubscription`). */
export const defaultWebhooksApiVersion = "2022-10-20"

/** How to reach one Planning Center organization. */
export interface PcoClientOptions {
  /** Names this connection: its stored OAuth2 tokens and its rate-limit budget. */
  readonly connectionId: string
  /** OAuth2 (`PcoAuth.oauth2`) or a Personal Access Token (`PcoAuth.personalAccessToken`). */
  readonly credentials: OAuth2 | Basic
  /** The API host; `https://api.planningcenteronline.com` by default (a fake's URL in tests). */
  readonly baseUrl?: string | undefined
  /** `X-PCO-API-Version` for People requests; {@link defaultPeopleApiVersion} by default. */
  readonly peopleApiVersion?: string | undefined
  /** `X-PCO-API-Version` for Webhooks requests; {@link defaultWebhooksApiVersion} by default. */
  readonly webhooksApiVersion?: string | undefined
  /** The request budget before the API says otherwise: 100 per 20 seconds by default. */
  readonly rateLimit?: { readonly limit?: number | undefined; readonly window?: Duration.Input | undefined } | undefined
  /** Retries of transient failures (429 included); 6 attempts, Retry-After honoured, by default. */
  readonly retry?: RetryPolicy.Options | undefined
  /** Per-request timeout; 30 seconds by default. */
  readonly timeout?: Duration.Input | undefined
}

const makeAdapterClient = (baseUrl: string, httpClient: HttpClient.HttpClient.With<AdapterError>) =>
  AdapterClient.make(PcoApi, { baseUrl, httpClient })

/** The adapter-core client of `PcoApi`: `call`, `fetchPage`, `streamPages`, `streamAll` and the generated `api`. */
export type PcoAdapterClient = Effect.Success<ReturnType<typeof makeAdapterClient>>

/** The client of one Planning Center connection. */
export interface PcoClientService extends PcoAdapterClient {
  readonly connectionId: string
  /** The OAuth2 authorize URL to send a user to (OAuth2 connections only). */
  readonly authorizeUrl: (options: AuthorizeUrlOptions) => string | undefined
  /** Exchanges the code Planning Center sent to the redirect URI for this connection's tokens. */
  readonly exchangeCode: (code: string | Redacted.Redacted<string>) => Effect.Effect<TokenSet, AuthenticationError>
  /** Checks that the API answers and accepts the credentials (`GET /people/v2`). */
  readonly testConnection: Effect.Effect<void, AdapterError>
}

const make = Effect.fnUntraced(function* (options: PcoClientOptions) {
  const tokens = yield* TokenManager
  const credentials = options.credentials
  const authenticator = yield* tokens.authenticator(options.connectionId, credentials)
  const rateLimit = RateLimitPolicy.make({
    adapter: "pco",
    connection: options.connectionId,
    limit: options.rateLimit?.limit ?? 100,
    window: options.rateLimit?.window ?? "20 seconds"
  })
  const retry = RetryPolicy.make({ maxAttempts: 6, ...options.retry })
  const stack = yield* AdapterHttp.make({
    authenticator,
    rateLimit,
    retry,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout })
  })
  const peopleVersion = options.peopleApiVersion ?? defaultPeopleApiVersion
  const webhooksVersion = options.webhooksApiVersion ?? defaultWebhooksApiVersion
  const httpClient = HttpClient.mapRequest(stack, (request) =>
    HttpClientRequest.setHeader(
      request,
      "X-PCO-API-Version",
      request.url.includes("/webhooks/v2") ? webhooksVersion : peopleVersion
    )
  )
  const client = yield* makeAdapterClient(options.baseUrl ?? defaultBaseUrl, httpClient)
  const service: PcoClientService = {
    ...client,
    connectionId: options.connectionId,
    authorizeUrl: (authorize) =>
      credentials._tag === "OAuth2" ? tokens.authorizeUrl(credentials, authorize) : undefined,
    exchangeCode: (code) =>
      credentials._tag === "OAuth2"
        ? tokens.exchangeCode(options.connectionId, credentials, code)
        : Effect.fail(
            new Unauthorized({
              endpoint: "oauth.token",
              message: `connection ${options.connectionId} uses a Personal Access Token: there is no code to exchange`
            })
          ),
    testConnection: Effect.asVoid(client.call(GetOrganization, {})).pipe(Effect.withSpan("PcoClient.testConnection"))
  }
  return service
})

/** The Planning Center client service. */
export class PcoClient extends Context.Service<PcoClient, PcoClientService>()("@syncflow/pco/PcoClient") {
  /**
   * The client of one connection, over the `TokenManager` and the shared rate-limiter and circuit
   * breaker services an application provides (see `AdapterHttp.layerMemory`).
   */
  static readonly layer = (
    options: PcoClientOptions
  ): Layer.Layer<PcoClient, never, TokenManager | AdapterHttp.AdapterHttpServices> =>
    Layer.effect(PcoClient, make(options))

  /**
   * A self-contained client for scripts and tools: `fetch` for HTTP, tokens in memory, in-process
   * rate-limit budgets and circuit breakers.
   */
  static readonly layerStandalone = (options: PcoClientOptions): Layer.Layer<PcoClient> =>
    PcoClient.layer(options).pipe(
      Layer.provide(Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory())),
      Layer.provide(TokenStore.layerMemory),
      Layer.provide(FetchHttpClient.layer)
    )
}
