/**
 * The running adapter of a compiled source: adapter-core's HTTP stack (credentials from
 * `TokenManager`, the document's rate limit, retries, timeout, circuit breaker) under the typed
 * client of the compiled endpoints, and the `Adapter` the sync engine consumes — each stream's
 * records as resumable pages of shaped records, incremental from `since` where the document says
 * how, substreams listed per parent record with the parent's fields as foreign keys. Its manifests
 * carry each stream's columns: the declared ones, and the others inferred from a sample of records
 * (what `syncflow sources check` shows), so the sync creates the types the user saw.
 */
import {
  type Adapter,
  AdapterClient,
  type AdapterError,
  AdapterHttp,
  type Credentials,
  Cursor,
  type EntityManifest,
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
import { streamColumns } from "./check/streamColumns.ts"
import type { CompiledSource, CompiledStream } from "./compile/compileSource.ts"
import { sinceValue } from "./compile/sinceValue.ts"
import { parseFieldPath } from "./document/FieldPath.ts"
import { isRawRecord, strayRecord } from "./records/strayElement.ts"

/** What a source needs to run: its connection id (tokens, rate-limit budget) and credentials. */
export interface RestAdapterOptions {
  readonly connectionId: string
  readonly credentials?: Credentials | undefined
}

/** A running declarative source. */
export interface RestSource {
  readonly compiled: CompiledSource
  readonly adapter: Adapter
  /**
   * A sample of a stream's records: its first page that has any (of the first {@link samplePages}),
   * what `sources check` shows and column types are inferred from.
   */
  readonly sample: (stream: string) => Effect.Effect<ReadonlyArray<SourceRecord>, AdapterError>
}

/** How many pages a sample reads at most looking for records (a substream's first parents may have none). */
export const samplePages = 5

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
  const posts = compiled.streams.some((stream) => stream.spec.method === "POST")
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
    // The adapter only reads: a POST stream's requests are searches, as safe to retry as a GET.
    ...(document.retry === undefined && !posts
      ? {}
      : { retry: RetryPolicy.make({ maxAttempts: document.retry?.maxAttempts, retryUnsafeMethods: posts }) }),
    ...(document.timeoutSeconds === undefined ? {} : { timeout: Duration.seconds(document.timeoutSeconds) })
  })
  const headers = Object.entries(document.headers ?? {})
  const httpClient =
    headers.length === 0
      ? stack
      : HttpClient.mapRequest(stack, (request) => HttpClientRequest.setHeaders(request, Object.fromEntries(headers)))
  const client = yield* AdapterClient.make(compiled.api, { baseUrl: document.baseUrl, httpClient })
  // A POST stream's client puts its parameters in the JSON body (see requestBody.ts).
  const bodyClients = new Map<string, typeof client>()
  for (const stream of compiled.streams) {
    if (stream.withBody === undefined) continue
    bodyClients.set(
      stream.spec.name,
      yield* AdapterClient.make(compiled.api, {
        baseUrl: document.baseUrl,
        httpClient: HttpClient.mapRequest(httpClient, stream.withBody)
      })
    )
  }
  const clientOf = (stream: CompiledStream) => bodyClients.get(stream.spec.name) ?? client
  /** The records made of stray elements (see strayElement.ts): synced, never sampled for columns. */
  const strays = new WeakSet<SourceRecord>()
  const isRecord = (record: SourceRecord) => !strays.has(record)

  /**
   * The page of a stream at a cursor, its records shaped (a stray element becomes the record of its
   * place and value); `extra` fields are added to each record.
   */
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
    Effect.map(clientOf(stream).fetchPage(stream.definition, request, cursor), (page) => ({
      ...page,
      items: page.items.map((element, index): SourceRecord => {
        if (isRawRecord(element)) return { ...stream.shape(element), ...extra }
        const stray = { ...strayRecord(parseFieldPath(stream.spec.records ?? ""), index, element), ...extra }
        strays.add(stray)
        return stray
      })
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
        // The parent's key, when the placeholders are not it: the child's foreign key.
        const parentKey: Record<string, unknown> = {}
        for (const { field, parentField } of stream.parentLink?.copied ?? [])
          parentKey[field] = record[parentField] ?? null
        return fetchShaped(stream, { ...request, params }, cursor, { ...keys, ...parentKey })
      }
    })
  }

  const sampleOf = (stream: CompiledStream): Effect.Effect<ReadonlyArray<SourceRecord>, AdapterError> =>
    listing(stream, {}).pipe(
      Stream.take(samplePages),
      Stream.takeUntil((page) => page.items.some(isRecord)),
      Stream.runCollect,
      Effect.map((pages) => (pages.at(-1)?.items ?? []).filter(isRecord))
    )

  const adapter: Adapter = {
    name: "rest",
    manifests: Effect.forEach(compiled.streams, (stream) =>
      Effect.map(sampleOf(stream), (records): EntityManifest => {
        const { columns } = streamColumns(stream, records)
        const { columns: _declared, ...manifest } = stream.manifest
        return columns === undefined ? manifest : { ...manifest, columns }
      })
    ),
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
    sample: (name) => {
      const stream = compiled.stream(name)
      return stream === undefined ? Effect.fail(unknownStream(compiled, name)) : sampleOf(stream)
    }
  }
  return source
})
