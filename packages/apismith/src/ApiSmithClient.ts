/**
 * The typed APISmith client: discovery, paged data and health over adapter-core's HTTP stack
 * (credentials through `TokenManager`, rate limit, timeouts, retries, circuit breaker).
 */
import {
  AdapterClient,
  type AdapterError,
  AdapterHttp,
  type Cursor,
  type Page,
  type RateLimitPolicy,
  type RetryPolicy,
  streamAll,
  streamPages,
  TokenManager
} from "@syncflow/adapter-core"
import { Context, type Duration, Effect, Layer, type Stream } from "effect"
import type { ApiSmithCredentials } from "./ApiSmithCredentials.ts"
import { type Discovery, decodeDiscovery } from "./discovery/Discovery.ts"
import { ApiSmithApi } from "./endpoints/ApiSmithApi.ts"
import { GetHealth, type HealthStatus } from "./endpoints/GetHealth.ts"
import { ListApis } from "./endpoints/ListApis.ts"
import { type DataPage, type DataRow, ListData } from "./endpoints/ListData.ts"

/** How to reach and authenticate to one APISmith instance. */
export interface ApiSmithClientOptions {
  /** The instance's base URL, e.g. `http://apismith:8007` (paths start at `/api/v1`). */
  readonly baseUrl: string
  /** A static bearer token or a service JWT (see `ApiSmithCredentials`). */
  readonly credentials: ApiSmithCredentials
  /** The connection's id for `TokenManager` and rate-limit budgets; `"apismith"` by default. */
  readonly connectionId?: string | undefined
  /** Retries of transient failures (5xx, network, timeouts); adapter-core's defaults otherwise. */
  readonly retry?: RetryPolicy.RetryPolicy | undefined
  /** Per-request timeout; 30 seconds by default. */
  readonly timeout?: Duration.Input | undefined
  /** A request budget for the connection; none by default. */
  readonly rateLimit?: RateLimitPolicy.RateLimitPolicy | undefined
  /**
   * Immediate re-reads of a page whose body arrived complete by its framing but is not valid JSON
   * (a truncated body behind a proxy); 2 by default. A body cut off mid-transfer is a network
   * failure and goes through `retry` instead.
   */
  readonly truncatedBodyRetries?: number | undefined
}

/** How to list an API's rows. */
export interface ListRowsOptions {
  /** Resume at a saved cursor (a page's `next`). */
  readonly from?: Cursor.Cursor | undefined
  /** Only rows whose row version is strictly greater than this `YYYYMMDDHH24MISS` value. */
  readonly rowversionGt?: string | undefined
  /** Rows per page, capped at 1,000; 1,000 by default. */
  readonly pageSize?: number | undefined
  /**
   * The most pages requested at once (APISmith's pages are numbered, so page n can be asked for
   * before page n - 1 arrives); 1 by default. The pages still come out in order, each with the
   * `next` cursor it gave (see adapter-core's `streamPages`).
   */
  readonly concurrency?: number | undefined
}

/** One page of an API's rows, with the decoded body (`page`, `page_size`, `has_more`). */
export type RowPage = Page<DataRow, DataPage>

/** What the client offers. */
export interface ApiSmithClientService {
  /** The base URL requests go to. */
  readonly baseUrl: string
  /** `GET /api/v1/health`: succeeds when APISmith and its database are reachable. */
  readonly health: Effect.Effect<HealthStatus, AdapterError>
  /** `GET /api/v1/apis`, each API decoded on its own: usable APIs and one error per malformed one. */
  readonly discover: Effect.Effect<Discovery, AdapterError>
  /** One page of an API's rows at a cursor (`Cursor.start` for the first). */
  readonly fetchPage: (
    slug: string,
    cursor: Cursor.Cursor,
    options?: ListRowsOptions
  ) => Effect.Effect<RowPage, AdapterError>
  /** The pages of an API's rows, in order, from the start or a saved cursor (one request at a time by default). */
  readonly streamPages: (slug: string, options?: ListRowsOptions) => Stream.Stream<RowPage, AdapterError>
  /** Every row of an API, page after page, in constant memory. */
  readonly streamAll: (slug: string, options?: ListRowsOptions) => Stream.Stream<DataRow, AdapterError>
}

/** Whether a failure is a body that is not valid JSON although the response looked complete. */
const isTruncatedBody = (error: AdapterError): boolean =>
  error._tag === "InvalidResponse" && error.reason === "malformed-body"

const make = Effect.fnUntraced(function* (options: ApiSmithClientOptions) {
  const connectionId = options.connectionId ?? "apismith"
  const tokens = yield* TokenManager
  const authenticator = yield* tokens.authenticator(connectionId, options.credentials)
  const httpClient = yield* AdapterHttp.make({
    authenticator,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit })
  })
  const client = yield* AdapterClient.make(ApiSmithApi, { baseUrl: options.baseUrl, httpClient })
  const truncatedBodyRetries = options.truncatedBodyRetries ?? 2

  const request = (slug: string, list: ListRowsOptions | undefined) => ({
    params: { slug },
    ...(list?.rowversionGt === undefined ? {} : { filter: { rowversion: { gt: list.rowversionGt } } }),
    ...(list?.pageSize === undefined ? {} : { pageSize: list.pageSize })
  })

  const fetchPageAt = (slug: string, cursor: Cursor.Cursor, list: ListRowsOptions | undefined, index: number) =>
    client
      .fetchPage(ListData, request(slug, list), cursor, index)
      .pipe(Effect.retry({ times: truncatedBodyRetries, while: isTruncatedBody }))

  const pages = (slug: string, list?: ListRowsOptions) =>
    streamPages<DataRow, DataPage, AdapterError, never>(
      (cursor, index) => fetchPageAt(slug, cursor, list, index),
      list?.from,
      { concurrency: list?.concurrency, following: AdapterClient.following(ListData, list?.pageSize) }
    )

  return ApiSmithClient.of({
    baseUrl: client.baseUrl,
    health: client.call(GetHealth, {}).pipe(Effect.withSpan("ApiSmithClient.health")),
    discover: client.call(ListApis, {}).pipe(Effect.map(decodeDiscovery), Effect.withSpan("ApiSmithClient.discover")),
    fetchPage: (slug, cursor, list) => fetchPageAt(slug, cursor, list, 0),
    streamPages: pages,
    streamAll: (slug, list) => streamAll(pages(slug, list))
  })
})

/**
 * The APISmith client service. Build it with {@link ApiSmithClient.layer}; it needs adapter-core's
 * `TokenManager` and the HTTP stack's services (`HttpClient`, `AdapterHttp.layerMemory()`).
 */
export class ApiSmithClient extends Context.Service<ApiSmithClient, ApiSmithClientService>()(
  "@syncflow/apismith/ApiSmithClient"
) {
  /** Builds a client for one instance (without providing it as a service). */
  static readonly make: (
    options: ApiSmithClientOptions
  ) => Effect.Effect<ApiSmithClientService, never, TokenManager | AdapterHttp.AdapterHttpServices> = make

  /** The client of one instance as a layer. */
  static readonly layer = (
    options: ApiSmithClientOptions
  ): Layer.Layer<ApiSmithClient, never, TokenManager | AdapterHttp.AdapterHttpServices> =>
    Layer.effect(ApiSmithClient, make(options))
}
