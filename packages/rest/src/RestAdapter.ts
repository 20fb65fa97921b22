/**
 * The running adapter of a compiled source: adapter-core's HTTP stack (credentials from
 * `TokenManager`, the document's rate limit, retries, timeout, circuit breaker) under the typed
 * client of the compiled endpoints, and the `Adapter` the sync engine consumes — each stream's
 * records as resumable pages of shaped records, incremental from `since` where the document says
 * how, substreams listed per parent record with the parent's fields as foreign keys.
 */
import {
  type Adapter,
  AdapterClient,
  type AdapterError,
  AdapterHttp,
  type Credentials,
  Cursor,
  InvalidRequest,
  type ListRecordsOptions,
  nestedPages,
  type Page,
  RateLimitPolicy,
  RetryPolicy,
  type SourceRecord,
  TokenManager
} from "@syncflow/adapter-core"
import { Duration, Effect, Option, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import type { CompiledSource, CompiledStream } from "./compile/compileSource.ts"
import { sinceValue } from "./compile/sinceValue.ts"

/** What a source needs to run: its connection id (tokens, rate-limit budget) and credentials. */
export interface RestAdapterOptions {
  readonly connectionId: string
  readonly credentials?: Credentials | undefined
}

/** A running declarative source. */
export interface RestSource {
  readonly compiled: CompiledSource
  readonly adapter: Adapter
  /** The first page of a stream (what `sources check` shows). */
  readonly firstPage: (stream: string) => Effect.Effect<Page<SourceRecord>, AdapterError>
}

type Records = Stream.Stream<Page<SourceRecord>, AdapterError>

const unknownStream = (compiled: CompiledSource, name: string) =>
  new InvalidRequest({
    endpoint: "rest",
    message: `unknown stream ${JSON.stringify(name)}; the source has ${compiled.streams.map((s) => s.spec.name).join(", ")}`
  })

/** Builds the adapter of a compiled source. */
export const make = Effect.fnUntraced(function* (
  compiled: CompiledSource,
  options: RestAdapterOptions
): Effect.fn.Return<RestSource, never, TokenManager | AdapterHttp.AdapterHttpServices> {
  const document = compiled.document
  const tokens = yield* TokenManager
  const authenticator =
    options.credentials === undefined
      ? undefined
      : yield* tokens.authenticator(options.connectionId, options.credentials)
  const stack = yield* AdapterHttp.make({
    ...(authenticator === undefined ? {} : { authenticator }),
    ...(document.rateLimit === undefined
      ? {}
      : {
          rateLimit: RateLimitPolicy.make({
            adapter: "rest",
            connection: options.connectionId,
            limit: document.rateLimit.limit,
            window: Duration.seconds(document.rateLimit.windowSeconds)
          })
        }),
    ...(document.retry === undefined ? {} : { retry: RetryPolicy.make({ maxAttempts: document.retry.maxAttempts }) }),
    ...(document.timeoutSeconds === undefined ? {} : { timeout: Duration.seconds(document.timeoutSeconds) })
  })
  const headers = Object.entries(document.headers ?? {})
  const httpClient =
    headers.length === 0
      ? stack
      : HttpClient.mapRequest(stack, (request) => HttpClientRequest.setHeaders(request, Object.fromEntries(headers)))
  const client = yield* AdapterClient.make(compiled.api, { baseUrl: document.baseUrl, httpClient })

  /** The page of a stream at a cursor, its records shaped; `extra` fields are added to each record. */
  const fetchShaped = (
    stream: CompiledStream,
    request: {
      readonly params: Record<string, string>
      readonly filter?: Record<string, { readonly gte: string }>
      readonly pageSize?: number
    },
    cursor: Cursor.Cursor,
    extra: Readonly<Record<string, unknown>> = {}
  ): Effect.Effect<Page<SourceRecord>, AdapterError> =>
    Effect.map(client.fetchPage(stream.definition, request, cursor), (page) => ({
      ...page,
      items: page.items.map((raw) => ({ ...stream.shape(raw), ...extra }))
    }))

  const listing = (stream: CompiledStream, options: ListRecordsOptions): Records => {
    const incremental = stream.spec.incremental
    let filter: Record<string, { readonly gte: string }> | undefined
    if (incremental !== undefined && options.since !== undefined) {
      const written = sinceValue(incremental, options.since)
      if ("error" in written) {
        return Stream.fail(new InvalidRequest({ endpoint: stream.definition.qualifiedName, message: written.error }))
      }
      filter = { [incremental.cursorField]: { gte: written.value } }
    }
    const request = {
      params: {},
      ...(filter === undefined ? {} : { filter }),
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize })
    }
    const parentName = stream.spec.parent?.stream
    const parent = parentName === undefined ? undefined : compiled.stream(parentName)
    if (parent === undefined) {
      return Stream.paginate({ cursor: options.from ?? Cursor.start, index: 0 }, ({ cursor, index }) =>
        Effect.map(fetchShaped(stream, request, cursor), (page) => {
          const next = page.next === undefined ? Option.none() : Option.some({ cursor: page.next, index: index + 1 })
          return [[{ ...page, index }], next] as const
        })
      )
    }
    const parentPage = (cursor: Cursor.Cursor) =>
      Stream.runHead(
        listing(parent, { from: cursor, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) })
      ).pipe(
        Effect.map(
          Option.getOrElse(
            (): Page<SourceRecord> => ({ items: [], cursor, next: undefined, body: undefined, index: 0 })
          )
        )
      )
    const keysOf = (record: SourceRecord): Record<string, string> | undefined => {
      const out: Record<string, string> = {}
      for (const { placeholder, field } of stream.params) {
        const value = record[field]
        if (value === undefined || value === null || typeof value === "object") return undefined
        out[placeholder] = String(value)
      }
      return out
    }
    return nestedPages({
      endpoint: stream.definition.qualifiedName,
      from: options.from,
      parents: parentPage,
      hasChildren: (record) => keysOf(record) !== undefined,
      children: (record, cursor) => {
        const keys = keysOf(record) ?? {}
        const params: Record<string, string> = {}
        for (const { param, placeholder } of stream.params) params[param] = keys[placeholder] ?? ""
        return fetchShaped(stream, { ...request, params }, cursor, keys)
      }
    })
  }

  const adapter: Adapter = {
    name: "rest",
    manifests: Effect.succeed(compiled.streams.map((stream) => stream.manifest)),
    streamPages: (entity, listOptions = {}) => {
      const stream = compiled.stream(entity)
      return stream === undefined ? Stream.fail(unknownStream(compiled, entity)) : listing(stream, listOptions)
    },
    testConnection: Effect.suspend(() => {
      const first = compiled.streams.find((stream) => stream.spec.parent === undefined)
      return first === undefined ? Effect.void : Effect.asVoid(fetchShaped(first, { params: {} }, Cursor.start))
    })
  }
  const source: RestSource = {
    compiled,
    adapter,
    firstPage: (name) => {
      const stream = compiled.stream(name)
      return stream === undefined
        ? Effect.fail(unknownStream(compiled, name))
        : Stream.runHead(listing(stream, {})).pipe(
            Effect.map(
              Option.getOrElse(
                (): Page<SourceRecord> => ({
                  items: [],
                  cursor: Cursor.start,
                  next: undefined,
                  body: undefined,
                  index: 0
                })
              )
            )
          )
    }
  }
  return source
})
