/**
 * A fake ScheduleHub on a real HTTP server (127.0.0.1, a free port), faithful to
 * `schedulehub-api.md`: HS256 service-JWT auth (401), the schema, records with UUID v7 uids, unique
 * live `erp_key_hash` per entity (409), parents by `via` (404 parent_missing), no deleting a parent
 * with live children (409 has_children), 422 for an unknown field, a wrong type or a missing
 * required field, PATCH and DELETE by uid, the batch endpoint (at most 1,000 operations, 207, not
 * atomic), `Idempotency-Key` replay within 24 hours, a per-second rate limit (429 + Retry-After),
 * and faults on demand: 5xx bursts, 429 storms, slow answers, and connections cut after the write
 * was applied but before the answer was sent. Its state (live records, request counts by status)
 * is there for tests to compare with a source's ground truth.
 *
 * Time (token expiry, the rate-limit window, the idempotency window, slow answers) is the Effect
 * `Clock` of the scope that made the server.
 */
import {
  mintServiceJwt,
  type ServiceJwt,
  type ServiceJwtClaims,
  type SourceRecord,
  verifyServiceJwt
} from "@syncflow/adapter-core"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Clock, Effect, Redacted, Result, type Scope } from "effect"
import type { EntityDescription } from "../endpoints/GetSchema.ts"
import { MAX_LOOKUP_KEYS, MAX_PAGE_SIZE, type StoredRecord } from "../endpoints/ListRecords.ts"
import { MAX_BATCH_OPERATIONS } from "../endpoints/WriteRecords.ts"
import { serviceJwt } from "../ScheduleHubCredentials.ts"
import { defaultEntities } from "./FakeSchema.ts"
import { type Answer, makeRecordStore } from "./RecordStore.ts"

/** How the fake behaves. */
export interface FakeScheduleHubOptions {
  /** The entities it holds; the ERP-like {@link defaultEntities} by default. */
  readonly entities?: ReadonlyArray<EntityDescription> | undefined
  /** The shared secret tokens must be signed with; a fixed test secret by default. */
  readonly secret?: string | undefined
  /** The `aud` tokens must carry; `"schedulehub"` by default. */
  readonly audience?: string | undefined
  /** Requests allowed per second (health excluded) before 429; 50 by default. */
  readonly requestsPerSecond?: number | undefined
}

/** Faults to inject into the next requests after authentication (health and schema excluded). */
export interface FakeScheduleHubFaults {
  /** The next `count` requests answer `status` (503 by default) without doing anything. */
  readonly failNext: (count: number, options?: { readonly status?: number | undefined }) => Effect.Effect<void>
  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds` (1 by default). */
  readonly rateLimitNext: (count: number, retryAfterSeconds?: number) => Effect.Effect<void>
  /** The next `count` requests wait `millis` on the server's Clock, then are processed and answered. */
  readonly slowNext: (count: number, millis: number) => Effect.Effect<void>
  /**
   * The next `count` writes (POST, PATCH, DELETE) are applied, then their connection is cut
   * before the answer is sent: the hard case for exactly-once.
   */
  readonly cutAfterApplyNext: (count: number) => Effect.Effect<void>
  /** While unavailable, health answers 503 and every other request 503. */
  readonly setAvailable: (available: boolean) => Effect.Effect<void>
}

/** What the fake has answered. */
export interface FakeScheduleHubStats {
  readonly requests: number
  /** Answers by status (`"201"`, `"429"`, ...); a cut connection counts as `"cut"`. */
  readonly byStatus: Readonly<Record<string, number>>
  /** Batch requests processed (replays excluded) and the operations they held. */
  readonly batches: number
  readonly batchOperations: number
  readonly largestBatch: number
  /** Requests answered from the idempotency cache. */
  readonly idempotentReplays: number
  /** Faults injected (5xx, 429 storms, slow answers, cut connections). */
  readonly faultsInjected: number
}

/** A running fake ScheduleHub. */
export interface FakeScheduleHub {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string
  /** The shared secret tokens are verified with. */
  readonly secret: Redacted.Redacted<string>
  /** Service-JWT credentials the fake accepts (the client's `credentials`). */
  readonly credentials: (options?: { readonly ttlSeconds?: number | undefined }) => ServiceJwt
  /** A token the fake accepts now (minted on the current Clock, `ttlSeconds` long: 300 by default). */
  readonly mintToken: (ttlSeconds?: number) => Effect.Effect<Redacted.Redacted<string>>
  /** The entities it holds. */
  readonly entities: ReadonlyArray<EntityDescription>
  /** Every live record of an entity, in uid order. */
  readonly records: (entity: string) => Effect.Effect<ReadonlyArray<StoredRecord>>
  /** Every live record of every entity. */
  readonly state: Effect.Effect<Readonly<Record<string, ReadonlyArray<StoredRecord>>>>
  /** Creates a record directly (no HTTP, no faults), as if another writer had: the API's answer. */
  readonly put: (entity: string, record: SourceRecord) => Effect.Effect<Answer>
  readonly faults: FakeScheduleHubFaults
  readonly stats: Effect.Effect<FakeScheduleHubStats>
  /** Every request received so far, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

/** The secret the fake uses unless told otherwise. */
export const DEFAULT_SECRET = "fake-schedulehub-service-jwt-secret"

/** How long an `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_WINDOW_MILLIS = 24 * 60 * 60 * 1000

const MAX_IDEMPOTENCY_KEY = 255

const json = (status: number, body?: unknown, headers: Record<string, string> = {}): TestServer.TestResponse =>
  body === undefined ? { status, headers } : { status, headers, body }

const error = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  json(status, { error: code, ...extra })

const segment = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const parseBody = (text: string): Result.Result<unknown, string> => {
  try {
    return Result.succeed(text === "" ? undefined : JSON.parse(text))
  } catch (cause) {
    return Result.fail(cause instanceof Error ? cause.message : String(cause))
  }
}

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Starts a fake ScheduleHub for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakeScheduleHubOptions = {}
): Effect.fn.Return<FakeScheduleHub, never, Scope.Scope> {
  const entities = options.entities ?? defaultEntities
  const store = makeRecordStore(entities)
  const secret = Redacted.make(options.secret ?? DEFAULT_SECRET)
  const audience = options.audience ?? "schedulehub"
  const limit = options.requestsPerSecond ?? 50

  let requests = 0
  const byStatus: Record<string, number> = {}
  let batches = 0
  let batchOperations = 0
  let largestBatch = 0
  let idempotentReplays = 0
  let faultsInjected = 0
  let failures = { count: 0, status: 503 }
  let storm = { count: 0, retryAfterSeconds: 1 }
  let slow = { count: 0, millis: 0 }
  let cuts = 0
  let available = true
  let window = { second: -1, count: 0 }
  const idempotency = new Map<string, { readonly at: number; readonly route: string; readonly answer: Answer }>()
  let verified: { readonly token: string; readonly claims: ServiceJwtClaims } | undefined

  const count = (response: TestServer.TestResponse): TestServer.TestResponse => {
    const key = response.destroy === true ? "cut" : String(response.status ?? 200)
    byStatus[key] = (byStatus[key] ?? 0) + 1
    return response
  }

  const authenticate = Effect.fnUntraced(function* (request: TestServer.TestRequest) {
    const header = request.headers.authorization
    if (header === undefined || !/^bearer /i.test(header)) return false
    const token = header.slice(7).trim()
    if (verified?.token === token) {
      return Math.floor((yield* Clock.currentTimeMillis) / 1000) < verified.claims.exp
    }
    const result = yield* Effect.result(verifyServiceJwt(token, secret, { audience }))
    if (Result.isFailure(result)) return false
    verified = { token, claims: result.success }
    return true
  })

  /** Whether this request is over the per-second budget (and counts it if not). */
  const overBudget = Effect.fnUntraced(function* () {
    const second = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    if (window.second !== second) window = { second, count: 0 }
    if (window.count >= limit) return true
    window.count += 1
    return false
  })

  const toResponse = (answer: Answer): TestServer.TestResponse => json(answer.status, answer.body)

  /** One operation of a batch, answered as its single-record endpoint would have. */
  const batchOperation = (entity: string, operation: unknown, index: number, now: number) => {
    const field = `operations[${index}]`
    const answer = ((): Answer => {
      if (!isObject(operation)) {
        return { status: 422, body: { error: "invalid", field, message: "expected an operation object" } }
      }
      const uid = operation.uid
      switch (operation.op) {
        case "create":
          return store.create(entity, operation.record, now)
        case "update":
          return typeof uid === "string"
            ? store.update(entity, uid, operation.record)
            : { status: 422, body: { error: "invalid", field: `${field}.uid`, message: "expected a uid" } }
        case "delete":
          return typeof uid === "string"
            ? store.remove(entity, uid)
            : { status: 422, body: { error: "invalid", field: `${field}.uid`, message: "expected a uid" } }
        default:
          return {
            status: 422,
            body: { error: "invalid", field: `${field}.op`, message: "expected create, update or delete" }
          }
      }
    })()
    const body = isObject(answer.body) ? answer.body : {}
    // A success names only the uid (and the caller's operation says the rest); a refusal says why.
    const detail = answer.status < 300 ? (typeof body.uid === "string" ? { uid: body.uid } : {}) : body
    return { index, status: answer.status, ...detail }
  }

  const batch = (entity: string, body: unknown, now: number): Answer => {
    if (!store.has(entity)) return { status: 404, body: { error: "unknown_entity", entity } }
    const operations = isObject(body) ? body.operations : undefined
    if (!Array.isArray(operations)) {
      return { status: 422, body: { error: "invalid", field: "operations", message: "expected an array" } }
    }
    if (operations.length > MAX_BATCH_OPERATIONS) {
      return {
        status: 422,
        body: {
          error: "invalid",
          field: "operations",
          message: `at most ${MAX_BATCH_OPERATIONS} operations, got ${operations.length}`
        }
      }
    }
    batches += 1
    batchOperations += operations.length
    largestBatch = Math.max(largestBatch, operations.length)
    return { status: 207, body: { results: operations.map((op, index) => batchOperation(entity, op, index, now)) } }
  }

  /** Runs a POST through the idempotency cache: a key seen within 24 hours replays its answer. */
  const idempotent = (request: TestServer.TestRequest, now: number, apply: () => Answer): Answer => {
    const key = request.headers["idempotency-key"]
    if (key === undefined) return apply()
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
      return { status: 400, body: { error: "invalid", field: "Idempotency-Key", message: "1 to 255 characters" } }
    }
    const route = `${request.method} ${request.url.pathname}`
    const seen = idempotency.get(key)
    if (seen !== undefined && now - seen.at < IDEMPOTENCY_WINDOW_MILLIS) {
      if (seen.route !== route) {
        return {
          status: 422,
          body: { error: "invalid", field: "Idempotency-Key", message: `already used for ${seen.route}` }
        }
      }
      idempotentReplays += 1
      return seen.answer
    }
    const answer = apply()
    idempotency.set(key, { at: now, route, answer })
    return answer
  }

  const route = Effect.fnUntraced(function* (request: TestServer.TestRequest, now: number) {
    const parts = request.url.pathname.split("/").slice(3).map(segment)
    const [entity, second, third] = parts
    if (entity === undefined || entity === "" || third !== undefined) return error(404, "not_found")
    const parsed = parseBody(request.body)
    if (Result.isFailure(parsed)) return error(400, "invalid", { field: "body", message: parsed.failure })
    const body = parsed.success
    if (second === undefined) {
      if (request.method === "GET") {
        if (!store.has(entity)) return error(404, "unknown_entity", { entity })
        const hashes = request.url.searchParams.get("erp_key_hash")
        if (hashes !== null) {
          const list = hashes.split(",").filter((h) => h !== "")
          if (list.length > MAX_LOOKUP_KEYS) {
            return error(422, "invalid", { field: "erp_key_hash", message: `at most ${MAX_LOOKUP_KEYS} hashes` })
          }
          return json(200, { items: store.lookup(entity, list) })
        }
        const page = Number(request.url.searchParams.get("page") ?? "1")
        const pageSize = Number(request.url.searchParams.get("page_size") ?? String(MAX_PAGE_SIZE))
        if (!Number.isInteger(page) || page < 1) return error(422, "invalid", { field: "page", message: ">= 1" })
        if (!Number.isInteger(pageSize) || pageSize < 1) {
          return error(422, "invalid", { field: "page_size", message: ">= 1" })
        }
        const size = Math.min(pageSize, MAX_PAGE_SIZE)
        const { items, hasMore } = store.page(entity, page, size)
        return json(200, { items, page, page_size: size, has_more: hasMore })
      }
      if (request.method === "POST") return toResponse(idempotent(request, now, () => store.create(entity, body, now)))
      return error(405, "method_not_allowed")
    }
    if (second === "batch" && request.method === "POST") {
      return toResponse(idempotent(request, now, () => batch(entity, body, now)))
    }
    if (request.method === "PATCH") return toResponse(store.update(entity, second, body))
    if (request.method === "DELETE") return toResponse(store.remove(entity, second))
    return error(405, "method_not_allowed")
  })

  const handler = Effect.fnUntraced(function* (request: TestServer.TestRequest) {
    requests += 1
    const path = request.url.pathname
    if (path === "/api/v1/health") {
      return count(available ? json(200, { status: "ok" }) : json(503, { status: "unavailable" }))
    }
    if (!path.startsWith("/api/v1/")) return count(error(404, "not_found"))
    if (!(yield* authenticate(request))) {
      return count(error(401, "unauthorized", {}))
    }
    if (!available) return count(error(503, "unavailable"))
    if (yield* overBudget()) return count(json(429, { error: "rate_limited" }, { "retry-after": "1" }))
    if (path === "/api/v1/schema") {
      return count(request.method === "GET" ? json(200, { entities }) : error(405, "method_not_allowed"))
    }
    if (storm.count > 0) {
      storm = { ...storm, count: storm.count - 1 }
      faultsInjected += 1
      return count(json(429, { error: "rate_limited" }, { "retry-after": String(storm.retryAfterSeconds) }))
    }
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 }
      faultsInjected += 1
      return count(error(failures.status, "unavailable"))
    }
    if (slow.count > 0) {
      const millis = slow.millis
      slow = { ...slow, count: slow.count - 1 }
      faultsInjected += 1
      yield* Effect.sleep(millis)
    }
    const now = yield* Clock.currentTimeMillis
    const response = yield* route(request, now)
    if (cuts > 0 && request.method !== "GET") {
      cuts -= 1
      faultsInjected += 1
      return count({ destroy: true })
    }
    return count(response)
  })

  // A lookup of 1,000 hashes is a request line of about 33 KB.
  const server = yield* TestServer.make(handler, { maxHeaderSize: 128 * 1024 })

  const credentials = (credentialOptions: { readonly ttlSeconds?: number | undefined } = {}) =>
    serviceJwt({ secret, audience, ttlSeconds: credentialOptions.ttlSeconds })

  return {
    baseUrl: server.baseUrl,
    secret,
    credentials,
    mintToken: (ttlSeconds = 300) =>
      mintServiceJwt(credentials({ ttlSeconds })).pipe(
        Effect.map((minted) => minted.token),
        Effect.orDie
      ),
    entities,
    records: (entity) => Effect.sync(() => store.records(entity)),
    state: Effect.sync(() => Object.fromEntries(entities.map((e) => [e.name, store.records(e.name)]))),
    put: (entity, record) => Effect.map(Clock.currentTimeMillis, (now) => store.create(entity, record, now)),
    faults: {
      failNext: (n, failOptions = {}) =>
        Effect.sync(() => {
          failures = { count: n, status: failOptions.status ?? 503 }
        }),
      rateLimitNext: (n, retryAfterSeconds = 1) =>
        Effect.sync(() => {
          storm = { count: n, retryAfterSeconds }
        }),
      slowNext: (n, millis) =>
        Effect.sync(() => {
          slow = { count: n, millis }
        }),
      cutAfterApplyNext: (n) =>
        Effect.sync(() => {
          cuts = n
        }),
      setAvailable: (value) =>
        Effect.sync(() => {
          available = value
        })
    },
    stats: Effect.sync(() => ({
      requests,
      byStatus: { ...byStatus },
      batches,
      batchOperations,
      largestBatch,
      idempotentReplays,
      faultsInjected
    })),
    requests: server.requests
  }
})
