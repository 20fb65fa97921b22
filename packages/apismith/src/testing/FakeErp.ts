/**
 * A fake APISmith on a real HTTP server (127.0.0.1, a free port) serving an `ErpDataset`: the
 * discovery, data and health endpoints with HS256 service-JWT authentication, page-size capping,
 * mutations between runs, faults on demand and the ground truth to compare a synced table with.
 *
 * Time (token expiry, slow pages) is the Effect `Clock` of the scope that made the server, so a
 * test under `TestClock` drives it.
 */

import { Buffer } from "node:buffer"
import { mintServiceJwt, type ServiceJwt, type ServiceJwtClaims, verifyServiceJwt } from "@syncflow/adapter-core"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Clock, Deferred, Effect, Queue, Redacted, Result, Schema, type Scope, Stream } from "effect"
import { serviceJwt } from "../ApiSmithCredentials.ts"
import { formatIssue } from "../discovery/formatIssue.ts"
import { MAX_PAGE_SIZE } from "../endpoints/ListData.ts"
import { RowVersion } from "../rows/RowVersion.ts"
import type { CleanRow } from "./CleanRow.ts"
import {
  type ErpDataset,
  type ErpDatasetOptions,
  type Mutation,
  type MutationReport,
  makeErpDataset,
  type PageRequest,
  type RenderedPage
} from "./ErpDataset.ts"

/** How the fake behaves. */
export interface FakeErpOptions extends ErpDatasetOptions {
  /** The shared secret tokens must be signed with (`INTERNAL_SERVICE_JWT_SECRET`); a fixed test secret by default. */
  readonly secret?: string | undefined
  /** The `aud` tokens must carry; `"apismith"` by default. */
  readonly audience?: string | undefined
  /** Whether discovery and data need a valid bearer JWT (health never does); true by default. */
  readonly requireAuth?: boolean | undefined
  /** Raw API metadata appended to the discovery list as is, e.g. a malformed API. */
  readonly extraApis?: ReadonlyArray<unknown> | undefined
  /** Rows per page when the request names no `page_size`; 100 by default. */
  readonly defaultPageSize?: number | undefined
  /**
   * Keeps every rendered page and serves it again until the next mutation, so that serving costs
   * the fake almost no CPU: for benchmarks, where the fake shares the machine with what it measures.
   * Off by default.
   */
  readonly pageCache?: boolean | undefined
}

/** How a truncated response is cut. */
export type Truncation =
  /** The headers announce the whole body, half of it is sent, then the connection is closed. */
  | "connection"
  /** A complete 200 response whose body is the first half of the page (valid framing, invalid JSON). */
  | "body"

/** A data request held by {@link FakeErpFaults.holdNext}, waiting for the test to let it go on. */
export interface HeldRequest {
  /** The request as received (its `page` query parameter says which page it asks for). */
  readonly request: TestServer.TestRequest
  /** Lets the request go on: it is then answered as usual (a client that gave up meanwhile gets nothing). */
  readonly release: Effect.Effect<void>
}

/** Faults to inject into the next data requests (`GET /api/v1/data/...` with valid credentials). */
export interface FakeErpFaults {
  /** The next `count` data requests answer `status` (503 by default), with `Retry-After` if given. */
  readonly failNext: (
    count: number,
    options?: { readonly status?: number | undefined; readonly retryAfterSeconds?: number | undefined }
  ) => Effect.Effect<void>
  /** The next `count` data requests wait `millis` on the server's Clock before answering. */
  readonly slowNext: (count: number, millis: number) => Effect.Effect<void>
  /** Waits until a slowed request starts waiting, and returns its delay (to `TestClock.adjust` by it). */
  readonly nextSlowRequest: Effect.Effect<number>
  /**
   * The next `count` data requests wait, each until the test releases it (see `nextHeldRequest`):
   * for a test that must see the client between two pages whatever the machine's speed, where the
   * fake's clock cannot be a `TestClock` (it also checks the tokens of a client on the live clock).
   */
  readonly holdNext: (count: number) => Effect.Effect<void>
  /** Waits until a held request starts waiting (in the order they arrive), and returns it. */
  readonly nextHeldRequest: Effect.Effect<HeldRequest>
  /** The next `count` data responses are truncated. */
  readonly truncateNext: (count: number, mode?: Truncation) => Effect.Effect<void>
  /** Every token presented so far is now refused with 401 "token expired" (a server clock ahead of the client's). */
  readonly expireTokens: Effect.Effect<void>
  /** While unavailable, health answers 503 and discovery and data answer 503. */
  readonly setDatabaseAvailable: (available: boolean) => Effect.Effect<void>
}

/** What the fake has served. */
export interface FakeErpStats {
  readonly requests: number
  /** Data pages answered with 200 (truncated ones included). */
  readonly pages: number
  /** Rows in those pages. */
  readonly rowsServed: number
  /** The most rows any page held. */
  readonly largestPage: number
  /** Requests refused with 401. */
  readonly unauthorized: number
  /** Faults injected (5xx answers, held, slowed and truncated pages). */
  readonly faultsInjected: number
}

/** The expected clean rows of the fake's entities, computed on demand (see `CleanRow`). */
export interface GroundTruth {
  /** The clean rows of an entity in listing order, optionally only those past a row version. */
  readonly rows: (slug: string, options?: { readonly rowversionGt?: string | undefined }) => IterableIterator<CleanRow>
  /** The same as a `Stream`, in chunks of up to 1,000 rows. */
  readonly stream: (slug: string, options?: { readonly rowversionGt?: string | undefined }) => Stream.Stream<CleanRow>
  /** How many rows an entity has (past a row version, when given). */
  readonly count: (slug: string, options?: { readonly rowversionGt?: string | undefined }) => number
}

/** A running fake APISmith. */
export interface FakeErp {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string
  /** The data behind it. */
  readonly dataset: ErpDataset
  /** The shared secret tokens are verified with. */
  readonly secret: Redacted.Redacted<string>
  /** Service-JWT credentials the fake accepts (the client's `credentials`). */
  readonly credentials: (options?: { readonly ttlSeconds?: number | undefined }) => ServiceJwt
  /** A token the fake accepts now, for static-bearer clients: minted on the current Clock, `ttlSeconds` (300) long. */
  readonly mintToken: (ttlSeconds?: number) => Effect.Effect<Redacted.Redacted<string>>
  /**
   * Renders every page of a listing into the page cache (with `pageCache`; otherwise does nothing)
   * and returns how many pages it holds.
   */
  readonly prerender: (
    slug: string,
    options: { readonly pageSize: number; readonly rowversionGt?: string | undefined }
  ) => Effect.Effect<number>
  /** Changes an entity between runs (insert, update, touch, delete, add a column); clears the page cache. */
  readonly mutate: (slug: string, mutation: Mutation) => Effect.Effect<MutationReport>
  /** The expected clean rows. */
  readonly groundTruth: GroundTruth
  readonly faults: FakeErpFaults
  readonly stats: Effect.Effect<FakeErpStats>
  /** Every request received so far, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

/** The secret the fake uses unless told otherwise. */
export const DEFAULT_SECRET = "fake-apismith-internal-service-jwt-secret"

const JSON_HEADERS = { "content-type": "application/json" } as const

const PositiveInt = Schema.String.check(Schema.isPattern(/^[1-9]\d{0,11}$/, { message: "expected a positive integer" }))

/** The data endpoint's query parameters. */
const DataQuery = Schema.Struct({
  page: Schema.optionalKey(PositiveInt),
  page_size: Schema.optionalKey(PositiveInt),
  rowversion_gt: Schema.optionalKey(RowVersion)
})
const decodeDataQuery = Schema.decodeUnknownResult(DataQuery)

const detail = (status: number, message: string, headers: Record<string, string> = {}): TestServer.TestResponse => ({
  status,
  headers,
  body: { detail: message }
})

/** A path segment decoded, or as is when it is not valid percent-encoding (it then matches no entity). */
const decodeSlug = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The largest page the fake serves, whatever the request asks: APISmith's cap, as the client knows it. */
export { MAX_PAGE_SIZE }

/** Starts a fake APISmith for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakeErpOptions = {}
): Effect.fn.Return<FakeErp, never, Scope.Scope> {
  const dataset = makeErpDataset(options)
  const secretText = options.secret ?? DEFAULT_SECRET
  const secret = Redacted.make(secretText)
  const audience = options.audience ?? "apismith"
  const requireAuth = options.requireAuth ?? true
  const extraApis = options.extraApis ?? []
  const defaultPageSize = options.defaultPageSize ?? 100
  const slowRequests = yield* Queue.unbounded<number>()
  const heldRequests = yield* Queue.unbounded<HeldRequest>()
  // Cached pages keep their UTF-8 bytes too: encoding a page again for every response (and
  // flattening its text the first time) would cost the fake several milliseconds a page.
  const pageCache =
    options.pageCache === true ? new Map<string, RenderedPage & { readonly bytes: Uint8Array }>() : undefined
  const render = (slug: string, request: PageRequest): RenderedPage & { readonly bytes?: Uint8Array } => {
    if (pageCache === undefined) return dataset.renderPage(slug, request)
    const key = `${slug}\u0000${request.page}\u0000${request.pageSize}\u0000${request.rowversionGt ?? ""}`
    const cached = pageCache.get(key)
    if (cached !== undefined) return cached
    const rendered = dataset.renderPage(slug, request)
    const withBytes = { ...rendered, bytes: Buffer.from(rendered.body, "utf8") }
    pageCache.set(key, withBytes)
    return withBytes
  }

  let requests = 0
  let pages = 0
  let rowsServed = 0
  let largestPage = 0
  let unauthorized = 0
  let faultsInjected = 0
  let failures: { count: number; status: number; retryAfterSeconds: number | undefined } = {
    count: 0,
    status: 503,
    retryAfterSeconds: undefined
  }
  let slow = { count: 0, millis: 0 }
  let holds = 0
  let truncation: { count: number; mode: Truncation } = { count: 0, mode: "connection" }
  let databaseAvailable = true
  const seenTokens = new Set<string>()
  const expiredTokens = new Set<string>()
  let verified: { readonly token: string; readonly claims: ServiceJwtClaims } | undefined

  const refuse = (message: string): TestServer.TestResponse => {
    unauthorized += 1
    return detail(401, message, { "www-authenticate": "Bearer" })
  }

  /** `undefined` when the request carries a valid token, else the 401 to answer. */
  const authenticate = Effect.fnUntraced(function* (request: TestServer.TestRequest) {
    if (!requireAuth) return undefined
    const header = request.headers.authorization
    if (header === undefined || !/^bearer /i.test(header)) return refuse("missing bearer token")
    const token = header.slice(7).trim()
    let claims: ServiceJwtClaims
    if (verified?.token === token) {
      claims = verified.claims
      if (Math.floor((yield* Clock.currentTimeMillis) / 1000) >= claims.exp) return refuse("token expired")
    } else {
      const result = yield* Effect.result(verifyServiceJwt(token, secret, { audience }))
      if (Result.isFailure(result)) {
        return refuse(result.failure.message.includes("expired") ? "token expired" : "invalid token")
      }
      claims = result.success
      verified = { token, claims }
    }
    if (expiredTokens.has(claims.jti)) return refuse("token expired")
    seenTokens.add(claims.jti)
    return undefined
  })

  const dataRoute = Effect.fnUntraced(function* (request: TestServer.TestRequest, publishedSlug: string) {
    const slug = dataset.entityPublishedAs(publishedSlug)
    if (slug === undefined) return detail(404, `API '${publishedSlug}' not found`)
    const query = decodeDataQuery(Object.fromEntries(request.url.searchParams))
    if (Result.isFailure(query)) {
      const { path, message } = formatIssue(query.failure.issue)
      return detail(400, `${path}: ${message}`)
    }
    const page = Number(query.success.page ?? "1")
    const pageSize = Math.min(MAX_PAGE_SIZE, Number(query.success.page_size ?? defaultPageSize))
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 }
      faultsInjected += 1
      return detail(
        failures.status,
        "the ERP database did not answer in time",
        failures.retryAfterSeconds === undefined ? {} : { "retry-after": String(failures.retryAfterSeconds) }
      )
    }
    if (holds > 0) {
      holds -= 1
      faultsInjected += 1
      const gate = yield* Deferred.make<void>()
      yield* Queue.offer(heldRequests, { request, release: Deferred.succeed(gate, undefined).pipe(Effect.asVoid) })
      yield* Deferred.await(gate)
    }
    if (slow.count > 0) {
      const millis = slow.millis
      slow = { ...slow, count: slow.count - 1 }
      faultsInjected += 1
      yield* Queue.offer(slowRequests, millis)
      yield* Effect.sleep(millis)
    }
    const rendered = render(slug, {
      page,
      pageSize,
      ...(query.success.rowversion_gt === undefined ? {} : { rowversionGt: query.success.rowversion_gt })
    })
    pages += 1
    rowsServed += rendered.rows
    largestPage = Math.max(largestPage, rendered.rows)
    if (truncation.count > 0) {
      truncation = { ...truncation, count: truncation.count - 1 }
      faultsInjected += 1
      return truncation.mode === "connection"
        ? {
            status: 200,
            headers: JSON_HEADERS,
            body: rendered.body,
            truncateAt: Math.floor(Buffer.byteLength(rendered.body) / 2)
          }
        : { status: 200, headers: JSON_HEADERS, body: rendered.body.slice(0, Math.floor(rendered.body.length / 2)) }
    }
    return { status: 200, headers: JSON_HEADERS, body: rendered.bytes ?? rendered.body }
  })

  const handler = Effect.fnUntraced(function* (request: TestServer.TestRequest) {
    requests += 1
    const path = request.url.pathname
    if (request.method !== "GET") return detail(405, "Method Not Allowed")
    if (path === "/api/v1/health") {
      return databaseAvailable
        ? { status: 200, body: { status: "ok", database: "ok" } }
        : { status: 503, body: { status: "degraded", database: "unreachable" } }
    }
    const data = /^\/api\/v1\/data\/([^/]+)$/.exec(path)
    if (path !== "/api/v1/apis" && data === null) return detail(404, "Not Found")
    const refused = yield* authenticate(request)
    if (refused !== undefined) return refused
    if (!databaseAvailable) return detail(503, "the ERP database is unreachable")
    if (data === null) {
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify([...dataset.metadata(), ...extraApis]) }
    }
    return yield* dataRoute(request, decodeSlug(data[1] ?? ""))
  })

  const server = yield* TestServer.make(handler)

  const credentials = (credentialOptions: { readonly ttlSeconds?: number | undefined } = {}) =>
    serviceJwt({ secret, audience, ttlSeconds: credentialOptions.ttlSeconds })

  const groundTruth: GroundTruth = {
    rows: (slug, rowOptions) => dataset.cleanRows(slug, rowOptions),
    stream: (slug, rowOptions) =>
      Stream.suspend(() => Stream.fromIteratorSucceed(dataset.cleanRows(slug, rowOptions), 1000)),
    count: (slug, rowOptions) => dataset.count(slug, rowOptions?.rowversionGt)
  }

  return {
    baseUrl: server.baseUrl,
    dataset,
    secret,
    credentials,
    mintToken: (ttlSeconds = 300) =>
      mintServiceJwt(credentials({ ttlSeconds })).pipe(
        Effect.map((minted) => minted.token),
        Effect.orDie
      ),
    prerender: (slug, { pageSize, rowversionGt }) =>
      Effect.sync(() => {
        if (pageCache === undefined) return 0
        const pages = Math.max(1, Math.ceil(dataset.count(slug, rowversionGt) / pageSize))
        for (let page = 1; page <= pages; page++) {
          render(slug, { page, pageSize, ...(rowversionGt === undefined ? {} : { rowversionGt }) })
        }
        return pages
      }),
    mutate: (slug, mutation) =>
      Effect.sync(() => {
        pageCache?.clear()
        return dataset.mutate(slug, mutation)
      }),
    groundTruth,
    faults: {
      failNext: (count, failOptions = {}) =>
        Effect.sync(() => {
          failures = { count, status: failOptions.status ?? 503, retryAfterSeconds: failOptions.retryAfterSeconds }
        }),
      slowNext: (count, millis) =>
        Effect.sync(() => {
          slow = { count, millis }
        }),
      nextSlowRequest: Queue.take(slowRequests),
      holdNext: (count) =>
        Effect.sync(() => {
          holds = count
        }),
      nextHeldRequest: Queue.take(heldRequests),
      truncateNext: (count, mode = "connection") =>
        Effect.sync(() => {
          truncation = { count, mode }
        }),
      expireTokens: Effect.sync(() => {
        for (const jti of seenTokens) expiredTokens.add(jti)
        verified = undefined
      }),
      setDatabaseAvailable: (available) =>
        Effect.sync(() => {
          databaseAvailable = available
        })
    },
    stats: Effect.sync(() => ({ requests, pages, rowsServed, largestPage, unauthorized, faultsInjected })),
    requests: server.requests
  }
})
