/**
 * Shared setup of the pco tests: the services a `PcoClient` needs (TokenManager over an in-memory
 * store, in-memory rate-limit budgets and circuit breakers, real HTTP), a client of a fake, and a
 * clock driver that lets a long listing run under the TestClock.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { RecordingClock } from "@syncflow/adapter-core/testing"
import { Clock, Effect, Fiber, Layer, Redacted, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { TestClock } from "effect/testing"
import { PcoClient, type PcoClientOptions } from "../src/index.ts"
import type { FakePco } from "../src/testing/index.ts"

/** TokenManager, TokenStore, rate limiter and circuit breaker in memory, over undici. */
export const ClientServices = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** A `PcoClient` layer for a fake, with its Personal Access Token unless told otherwise. */
export const clientOf = (fake: FakePco.FakePco, options: Partial<PcoClientOptions> = {}) =>
  PcoClient.layer({
    connectionId: "test-org",
    credentials: fake.personalAccessToken,
    baseUrl: fake.baseUrl,
    ...options
  })

const requestTimeoutMillis = 30_000

/**
 * Runs `effect` under the TestClock, advancing the clock by exactly each wait the code under test
 * starts (rate-limit waits, Retry-After, backoff), never by a request timeout, until it finishes.
 * Returns its result and the waits it made.
 */
export const driveClock = Effect.fnUntraced(function* <A, E, R>(effect: Effect.Effect<A, E, R>) {
  const recording = yield* RecordingClock.make
  const fiber = yield* effect.pipe(Effect.provideService(Clock.Clock, recording.clock), Effect.forkChild)
  const waits: Array<number> = []
  while (true) {
    const next = yield* Effect.raceFirst(Effect.as(Fiber.await(fiber), undefined), recording.nextSleep)
    if (next === undefined) break
    if (next === requestTimeoutMillis) continue
    waits.push(next)
    yield* TestClock.adjust(next)
  }
  const result = yield* Fiber.join(fiber)
  return { result, waits }
})

/** A resource as a raw JSON:API object, for tests that look at the wire. */
export const RawResource = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  attributes: Schema.Record(Schema.String, Schema.Unknown),
  relationships: Schema.Record(Schema.String, Schema.Struct({ data: Schema.Unknown }))
})

/** A raw collection document. */
export const RawCollection = Schema.Struct({
  data: Schema.Array(RawResource),
  included: Schema.Array(RawResource),
  links: Schema.Struct({
    self: Schema.String,
    next: Schema.optionalKey(Schema.String),
    prev: Schema.optionalKey(Schema.String)
  }),
  meta: Schema.Struct({
    total_count: Schema.Int,
    count: Schema.Int,
    next: Schema.optionalKey(Schema.Struct({ offset: Schema.Int })),
    prev: Schema.optionalKey(Schema.Struct({ offset: Schema.Int })),
    can_include: Schema.Array(Schema.String),
    can_order_by: Schema.Array(Schema.String),
    can_query_by: Schema.Array(Schema.String)
  })
})

/** A raw error body. */
export const RawErrors = Schema.Struct({
  errors: Schema.Array(
    Schema.Struct({
      status: Schema.String,
      title: Schema.String,
      detail: Schema.String,
      code: Schema.optionalKey(Schema.String)
    })
  )
})

/** The `Authorization` header of the fake's Personal Access Token. */
export const basicAuthorization = (fake: FakePco.FakePco): string =>
  `Basic ${Buffer.from(`${fake.personalAccessToken.username}:${Redacted.value(fake.personalAccessToken.password)}`).toString("base64")}`

/** A raw request to the fake with its Personal Access Token: status, headers and JSON body. */
export const raw = Effect.fnUntraced(function* (
  fake: FakePco.FakePco,
  path: string,
  options: {
    readonly method?: "GET" | "POST" | "PATCH" | "DELETE"
    readonly headers?: Record<string, string>
    readonly body?: unknown
  } = {}
) {
  const client = yield* HttpClient.HttpClient
  let request = HttpClientRequest.make(options.method ?? "GET")(`${fake.baseUrl}${path}`).pipe(
    HttpClientRequest.setHeaders({ authorization: basicAuthorization(fake), ...options.headers })
  )
  if (options.body !== undefined) request = HttpClientRequest.bodyJsonUnsafe(request, options.body)
  const response = yield* Effect.orDie(client.execute(request))
  const text = yield* Effect.orDie(response.text)
  return { status: response.status, headers: response.headers, text, json: text === "" ? undefined : JSON.parse(text) }
})

/** A raw GET of a collection, decoded loosely. */
export const rawList = Effect.fnUntraced(function* (
  fake: FakePco.FakePco,
  path: string,
  headers: Record<string, string> = {}
) {
  const response = yield* raw(fake, path, { headers })
  const body = yield* Effect.orDie(Schema.decodeUnknownEffect(RawCollection)(response.json))
  return { ...response, body }
})

/** The `PcoClient` of a fake, built from {@link clientOf}'s layer. */
export const pcoClientOf = (fake: FakePco.FakePco, options: Partial<PcoClientOptions> = {}) =>
  Effect.gen(function* () {
    return yield* PcoClient
  }).pipe(Effect.provide(clientOf(fake, options)))
