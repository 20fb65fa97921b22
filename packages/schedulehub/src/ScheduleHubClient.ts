/**
 * The typed ScheduleHub client: health, schema, the full export and the lookup by business-key
 * hash, and the writes (create, update, delete, batch) with their per-record answers as
 * `WriteResult`s, all over adapter-core's HTTP stack (service JWT through `TokenManager`, the rate
 * limit, timeouts, retries honouring `Retry-After`, circuit breaker).
 */
import { randomUUID } from "node:crypto"
import {
  AdapterClient,
  type AdapterError,
  AdapterHttp,
  AnsweredStatuses,
  type AnyEndpointDefinition,
  CurrentEndpoint,
  type Cursor,
  decodeBody,
  InvalidRequest,
  type Page,
  RateLimitPolicy,
  RetryPolicy,
  type SourceRecord,
  TokenManager,
  type WriteOperation,
  type WriteOptions,
  type WriteResult
} from "@syncflow/adapter-core"
import { Context, type Duration, Effect, Layer, Schema, type Stream } from "effect"
import { HttpClientRequest, type HttpClientResponse } from "effect/http"
import { GetHubHealth, type HubHealthStatus } from "./endpoints/GetHubHealth.ts"
import { GetSchema, type ScheduleHubSchema } from "./endpoints/GetSchema.ts"
import {
  ListRecords,
  LookupAnswer,
  LookupRecords,
  MAX_LOOKUP_KEYS,
  type RecordPage,
  type StoredRecord
} from "./endpoints/ListRecords.ts"
import { ScheduleHubApi } from "./endpoints/ScheduleHubApi.ts"
import {
  BatchRecords,
  CreateRecord,
  DeleteRecord,
  MAX_BATCH_OPERATIONS,
  UpdateRecord
} from "./endpoints/WriteRecords.ts"
import type { ScheduleHubCredentials } from "./ScheduleHubCredentials.ts"
import { toWriteResult } from "./writing/WriteAnswer.ts"

/** How to reach and authenticate to one ScheduleHub instance. */
export interface ScheduleHubClientOptions {
  /** The instance's base URL, e.g. `http://schedulehub:8010` (paths start at `/api/v1`). */
  readonly baseUrl: string
  /** A service JWT minted from the shared secret (or a static bearer token). */
  readonly credentials: ScheduleHubCredentials
  /** The connection's id for `TokenManager` and the rate-limit budget; `"schedulehub"` by default. */
  readonly connectionId?: string | undefined
  /**
   * Retries of 429, 5xx, network failures and timeouts: 6 attempts with backoff, `Retry-After`
   * honoured, by default. Writes are retried too (`retryUnsafeMethods`): every create and batch
   * carries an `Idempotency-Key`, and an update sets the same fields again.
   */
  readonly retry?: RetryPolicy.Options | undefined
  /** Per-request timeout (a slow answer is retried); 30 seconds by default. */
  readonly timeout?: Duration.Input | undefined
  /** Requests allowed per second on this connection (ScheduleHub's budget); 50 by default. */
  readonly requestsPerSecond?: number | undefined
}

/** One page of the export, with the decoded body (`page`, `page_size`, `has_more`). */
export type RecordsPage = Page<StoredRecord, RecordPage>

/** What the client offers. */
export interface ScheduleHubClientService {
  /** The base URL requests go to. */
  readonly baseUrl: string
  /** `GET /api/v1/health`: succeeds when ScheduleHub and its database are up. */
  readonly health: Effect.Effect<HubHealthStatus, AdapterError>
  /** `GET /api/v1/schema`: the entities, their fields and parents. */
  readonly schema: Effect.Effect<ScheduleHubSchema, AdapterError>
  /** The pages of an entity's full export (ordered by `uid`), from the start or a saved cursor. */
  readonly streamPages: (
    entity: string,
    options?: { readonly from?: Cursor.Cursor | undefined; readonly pageSize?: number | undefined }
  ) => Stream.Stream<RecordsPage, AdapterError>
  /** The live records of these `erp_key_hash`es (absent ones left out), 1,000 hashes a request. */
  readonly lookup: (entity: string, hashes: ReadonlyArray<string>) => Effect.Effect<Array<StoredRecord>, AdapterError>
  /** `POST /api/v1/{entity}` with an `Idempotency-Key` (a fresh one unless given). */
  readonly create: (
    entity: string,
    record: SourceRecord,
    options?: WriteOptions
  ) => Effect.Effect<WriteResult, AdapterError>
  /** `PATCH /api/v1/{entity}/{uid}` with the changed fields. */
  readonly update: (entity: string, uid: string, record: SourceRecord) => Effect.Effect<WriteResult, AdapterError>
  /** `DELETE /api/v1/{entity}/{uid}`; a record already gone is `notFound`. */
  readonly delete: (entity: string, uid: string) => Effect.Effect<WriteResult, AdapterError>
  /**
   * `POST /api/v1/{entity}/batch` with an `Idempotency-Key` (a fresh one unless given): at most
   * 1,000 operations, one result per operation, in order. Not atomic.
   */
  readonly batch: (
    entity: string,
    operations: ReadonlyArray<WriteOperation>,
    options?: WriteOptions
  ) => Effect.Effect<Array<WriteResult>, AdapterError>
}

/** The statuses a single-record write answers with a body that says what became of the record. */
const RECORD_ANSWERS: ReadonlyArray<number> = [404, 409, 422]

const MAX_IDEMPOTENCY_KEY = 255

const make = Effect.fnUntraced(function* (options: ScheduleHubClientOptions) {
  const connectionId = options.connectionId ?? "schedulehub"
  const tokens = yield* TokenManager
  const authenticator = yield* tokens.authenticator(connectionId, options.credentials)
  const httpClient = yield* AdapterHttp.make({
    authenticator,
    retry: RetryPolicy.make({ maxAttempts: 6, retryUnsafeMethods: true, ...options.retry }),
    rateLimit: RateLimitPolicy.make({
      adapter: "schedulehub",
      connection: connectionId,
      limit: options.requestsPerSecond ?? 50,
      window: "1 second"
    }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout })
  })
  const client = yield* AdapterClient.make(ScheduleHubApi, { baseUrl: options.baseUrl, httpClient })
  const baseUrl = client.baseUrl.replace(/\/+$/, "")
  const entityUrl = (entity: string, ...rest: ReadonlyArray<string>) =>
    [`${baseUrl}/api/v1`, entity, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join("/")

  /** Sends a request of `definition`, the statuses `answered` passed through as answers. */
  const send = (
    definition: AnyEndpointDefinition,
    request: HttpClientRequest.HttpClientRequest,
    answered: ReadonlyArray<number>
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, AdapterError> =>
    httpClient
      .execute(request)
      .pipe(
        Effect.provideService(CurrentEndpoint, definition.qualifiedName),
        Effect.provideService(AnsweredStatuses, answered),
        Effect.withSpan(`ScheduleHubClient.${definition.qualifiedName}`)
      )

  /** A write's answer: a 2xx body decoded by the endpoint's schema, an answered refusal as JSON. */
  const exchange = (
    definition: AnyEndpointDefinition,
    request: HttpClientRequest.HttpClientRequest,
    answered: ReadonlyArray<number>
  ): Effect.Effect<{ readonly status: number; readonly body: unknown }, AdapterError> =>
    send(definition, request, answered).pipe(
      Effect.flatMap((response) =>
        Effect.map(
          decodeBody(definition.qualifiedName, response.status < 300 ? definition.response : Schema.Unknown, response),
          (body) => ({ status: response.status, body })
        )
      )
    )

  const withJson = (request: HttpClientRequest.HttpClientRequest, body: unknown, endpoint: string) =>
    Effect.try({
      try: () => HttpClientRequest.bodyText(request, JSON.stringify(body), "application/json"),
      catch: (cause) => new InvalidRequest({ endpoint, message: `the record cannot be sent as JSON: ${String(cause)}` })
    })

  const idempotencyKey = (endpoint: string, options: WriteOptions | undefined) => {
    const key = options?.idempotencyKey ?? randomUUID()
    return key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY
      ? Effect.fail(new InvalidRequest({ endpoint, message: "an Idempotency-Key must be 1 to 255 characters" }))
      : Effect.succeed(key)
  }

  const create = Effect.fn("ScheduleHubClient.create")(function* (
    entity: string,
    record: SourceRecord,
    writeOptions?: WriteOptions
  ) {
    const key = yield* idempotencyKey(CreateRecord.qualifiedName, writeOptions)
    const request = yield* withJson(
      HttpClientRequest.post(entityUrl(entity)).pipe(HttpClientRequest.setHeader("idempotency-key", key)),
      record,
      CreateRecord.qualifiedName
    )
    const { status, body } = yield* exchange(CreateRecord, request, RECORD_ANSWERS)
    return toWriteResult("create", status, body)
  })

  const update = Effect.fn("ScheduleHubClient.update")(function* (entity: string, uid: string, record: SourceRecord) {
    const request = yield* withJson(HttpClientRequest.patch(entityUrl(entity, uid)), record, UpdateRecord.qualifiedName)
    const { status, body } = yield* exchange(UpdateRecord, request, RECORD_ANSWERS)
    return toWriteResult("update", status, body, uid)
  })

  const remove = Effect.fn("ScheduleHubClient.delete")(function* (entity: string, uid: string) {
    const request = HttpClientRequest.delete(entityUrl(entity, uid))
    const { status, body } = yield* exchange(DeleteRecord, request, [404, 409])
    return toWriteResult("delete", status, body, uid)
  })

  const batch = Effect.fn("ScheduleHubClient.batch")(function* (
    entity: string,
    operations: ReadonlyArray<WriteOperation>,
    writeOptions?: WriteOptions
  ) {
    const endpoint = BatchRecords.qualifiedName
    if (operations.length > MAX_BATCH_OPERATIONS) {
      return yield* new InvalidRequest({
        endpoint,
        message: `a batch holds at most ${MAX_BATCH_OPERATIONS} operations, got ${operations.length}`
      })
    }
    if (operations.length === 0) return []
    const key = yield* idempotencyKey(endpoint, writeOptions)
    const wire = operations.map((operation) =>
      operation.op === "create"
        ? { op: "create", record: operation.record }
        : operation.op === "update"
          ? { op: "update", uid: operation.id, record: operation.record }
          : { op: "delete", uid: operation.id }
    )
    const request = yield* withJson(
      HttpClientRequest.post(entityUrl(entity, "batch")).pipe(HttpClientRequest.setHeader("idempotency-key", key)),
      { operations: wire },
      endpoint
    )
    const { results } = yield* send(BatchRecords, request, []).pipe(
      Effect.flatMap((response) => decodeBody(BatchRecords.qualifiedName, BatchRecords.response, response))
    )
    const byIndex = new Map(results.map((result) => [result.index, result]))
    const out: Array<WriteResult> = []
    for (let index = 0; index < operations.length; index++) {
      const operation = operations[index]
      const result = byIndex.get(index)
      if (operation === undefined) continue
      if (result === undefined) {
        out.push({
          _tag: "refused",
          status: 0,
          message: `ScheduleHub's batch answer has no result for operation ${index}`
        })
        continue
      }
      const { index: _index, status, ...answer } = result
      out.push(toWriteResult(operation.op, status, answer, operation.op === "create" ? undefined : operation.id))
    }
    return out
  })

  const lookup = Effect.fn("ScheduleHubClient.lookup")(function* (entity: string, hashes: ReadonlyArray<string>) {
    const unique = Array.from(new Set(hashes))
    const found: Array<StoredRecord> = []
    for (let start = 0; start < unique.length; start += MAX_LOOKUP_KEYS) {
      const chunk = unique.slice(start, start + MAX_LOOKUP_KEYS)
      const request = HttpClientRequest.get(entityUrl(entity)).pipe(
        HttpClientRequest.setUrlParams({ erp_key_hash: chunk.join(",") })
      )
      const { items } = yield* send(LookupRecords, request, []).pipe(
        Effect.flatMap((response) => decodeBody(LookupRecords.qualifiedName, LookupAnswer, response))
      )
      found.push(...items)
    }
    return found
  })

  return ScheduleHubClient.of({
    baseUrl,
    health: client.call(GetHubHealth, {}).pipe(Effect.withSpan("ScheduleHubClient.health")),
    schema: client.call(GetSchema, {}).pipe(Effect.withSpan("ScheduleHubClient.schema")),
    streamPages: (entity, list = {}) =>
      client.streamPages(ListRecords, {
        params: { entity },
        ...(list.from === undefined ? {} : { from: list.from }),
        ...(list.pageSize === undefined ? {} : { pageSize: list.pageSize })
      }),
    lookup,
    create,
    update,
    delete: remove,
    batch
  })
})

/**
 * The ScheduleHub client service. Build it with {@link ScheduleHubClient.layer}; it needs
 * adapter-core's `TokenManager` and the HTTP stack's services (`HttpClient`, `AdapterHttp.layerMemory()`).
 */
export class ScheduleHubClient extends Context.Service<ScheduleHubClient, ScheduleHubClientService>()(
  "@syncflow/schedulehub/ScheduleHubClient"
) {
  /** Builds a client for one instance (without providing it as a service). */
  static readonly make: (
    options: ScheduleHubClientOptions
  ) => Effect.Effect<ScheduleHubClientService, never, TokenManager | AdapterHttp.AdapterHttpServices> = make

  /** The client of one instance as a layer. */
  static readonly layer = (
    options: ScheduleHubClientOptions
  ): Layer.Layer<ScheduleHubClient, never, TokenManager | AdapterHttp.AdapterHttpServices> =>
    Layer.effect(ScheduleHubClient, make(options))
}
