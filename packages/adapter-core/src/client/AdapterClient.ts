/**
 * The typed client of an adapter's API, built from its endpoint definitions: single calls, pages,
 * and whole listings as streams, all failing only with `AdapterError`s.
 */
import { Effect, Predicate, Schema, type Stream } from "effect"
import { type HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import type { AnyEndpointDefinition } from "../endpoint/EndpointDefinition.ts"
import type { ApiOf } from "../endpoint/makeApi.ts"
import {
  effectivePageSize,
  type FilterOf,
  type IncludeOf,
  type ListOptions,
  type OrderOf
} from "../endpoint/QuerySpec.ts"
import { flat } from "../endpoint/QueryStyle.ts"
import { type AdapterError, InvalidRequest, InvalidResponse } from "../errors/AdapterError.ts"
import { CurrentEndpoint } from "../http/CurrentEndpoint.ts"
import { type Cursor, start, toJson } from "../pagination/Cursor.ts"
import type { Page } from "../pagination/Page.ts"
import { streamAll, streamPages } from "../pagination/streamPages.ts"
import { decodeBody } from "./decodeBody.ts"

/** The decoded type of a definition's path params. */
export type ParamsOf<D> = D extends { readonly params?: infer P }
  ? [P] extends [Schema.Struct.Fields]
    ? Schema.Struct<P>["Type"]
    : {}
  : {}

/** The decoded type of a definition's request body. */
export type PayloadOf<D> = D extends { readonly payload?: infer P }
  ? [P] extends [Schema.Top]
    ? P["Type"]
    : never
  : never

/** The decoded type of a definition's response body. */
export type ResponseOf<D> = D extends { readonly response: infer S extends Schema.Top } ? S["Type"] : never

/** The record type of a list definition. */
export type ItemOf<D> = D extends EndpointLike<infer I> ? I : never

interface EndpointLike<I> {
  readonly pagination?: { readonly items: (body: never) => ReadonlyArray<I> }
}

/** The typed list options of a definition, from its query spec. */
export type ListOptionsOf<D> = D extends { readonly query?: infer Q }
  ? ListOptions<FilterOf<NonNullable<Q>>, OrderOf<NonNullable<Q>>, IncludeOf<NonNullable<Q>>>
  : ListOptions<never, never, never>

/** A single call's request: path params and, for body methods, the payload. */
export type CallRequest<D> = ([keyof ParamsOf<D>] extends [never]
  ? { readonly params?: ParamsOf<D> }
  : { readonly params: ParamsOf<D> }) &
  ([PayloadOf<D>] extends [never] ? {} : { readonly payload: PayloadOf<D> })

/** How to list: path params, typed list options, and where to start. */
export type ListRequest<D> = ListOptionsOf<D> &
  ([keyof ParamsOf<D>] extends [never] ? { readonly params?: ParamsOf<D> } : { readonly params: ParamsOf<D> }) & {
    /** Resume from a cursor saved from an earlier page's `next`. */
    readonly from?: Cursor
    /**
     * The most pages requested at once when the pagination allows asking for pages in any order
     * (offset, page number; see `streamPages`); 1, one page after another, by default.
     */
    readonly concurrency?: number | undefined
  }

/**
 * The cursor of the page after the one at a cursor, were it full, for a list endpoint at a requested
 * page size (`Pagination.following`, for `streamPages`' `concurrency`); `undefined` for pagination
 * styles whose next page is only known from the page before.
 */
export const following = (
  definition: ListDefinition,
  pageSize: number | undefined
): ((cursor: Cursor) => Cursor) | undefined => {
  const follow = definition.pagination.following
  if (follow === undefined) return undefined
  const size = effectivePageSize(definition.query, pageSize)
  return (cursor) => follow(cursor, size)
}

/** A list endpoint definition (one with a pagination style). */
export type ListDefinition = AnyEndpointDefinition & {
  readonly pagination: NonNullable<AnyEndpointDefinition["pagination"]>
}

/** The client of one API. */
export interface AdapterClient<Api> {
  /** The generated `HttpApiClient` of the API, for direct use of its typed endpoints. */
  readonly api: Api
  /** The base URL requests go to. */
  readonly baseUrl: string
  /** Calls an endpoint once and decodes its response. */
  readonly call: <D extends AnyEndpointDefinition>(
    definition: D,
    request: CallRequest<D>
  ) => Effect.Effect<ResponseOf<D>, AdapterError>
  /** Fetches one page of a list endpoint at a cursor. */
  readonly fetchPage: <D extends ListDefinition>(
    definition: D,
    request: ListRequest<D>,
    cursor: Cursor,
    index?: number
  ) => Effect.Effect<Page<ItemOf<D>, ResponseOf<D>>, AdapterError>
  /** Streams the pages of a list endpoint, from the start or a saved cursor. */
  readonly streamPages: <D extends ListDefinition>(
    definition: D,
    request: ListRequest<D>
  ) => Stream.Stream<Page<ItemOf<D>, ResponseOf<D>>, AdapterError>
  /** Streams every record of a list endpoint, page after page. */
  readonly streamAll: <D extends ListDefinition>(
    definition: D,
    request: ListRequest<D>
  ) => Stream.Stream<ItemOf<D>, AdapterError>
}

type RawRequest = {
  readonly params?: unknown
  readonly query?: Readonly<Record<string, string>>
  readonly payload?: unknown
  readonly responseMode: "response-only"
}
type RawEndpoint = (request: RawRequest) => Effect.Effect<HttpClientResponse.HttpClientResponse, unknown>

const rawEndpoint = (client: unknown, definition: AnyEndpointDefinition): RawEndpoint | undefined => {
  const group = Predicate.hasProperty(client, definition.module) ? client[definition.module] : undefined
  const fn = Predicate.hasProperty(group, definition.name) ? group[definition.name] : undefined
  // HttpApiClient builds one function per endpoint with this calling convention.
  return Predicate.isFunction(fn) ? (fn as RawEndpoint) : undefined
}

/**
 * Builds the client of `api` over an HTTP client whose failures are already `AdapterError`s (see
 * `AdapterHttp` for the production stack: auth, rate limits, retries, timeouts, circuit breaker).
 */
export const make = Effect.fnUntraced(function* <
  const Id extends string,
  const Defs extends ReadonlyArray<AnyEndpointDefinition>
>(
  api: ApiOf<Id, Defs>,
  options: {
    readonly baseUrl: string
    readonly httpClient: HttpClient.HttpClient.With<AdapterError>
  }
) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "")
  const generated = yield* HttpApiClient.makeWith(api, { httpClient: options.httpClient, baseUrl })
  const origin = new URL(baseUrl).origin

  const send = (
    definition: AnyEndpointDefinition,
    request: Omit<RawRequest, "responseMode">
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, AdapterError> => {
    const fn = rawEndpoint(generated, definition)
    if (fn === undefined) {
      return Effect.fail(
        new InvalidRequest({
          endpoint: definition.qualifiedName,
          message: "this endpoint is not part of the client's API"
        })
      )
    }
    return fn({ ...request, responseMode: "response-only" }).pipe(
      Effect.catch((error) =>
        Schema.isSchemaError(error)
          ? Effect.fail(new InvalidRequest({ endpoint: definition.qualifiedName, message: error.message }))
          : // The generated client fails with the transport's errors (AdapterError) or a SchemaError.
            Effect.fail(error as AdapterError)
      )
    )
  }

  const call = <D extends AnyEndpointDefinition>(definition: D, request: CallRequest<D>) =>
    send(definition, request).pipe(
      Effect.flatMap((response) => decodeBody(definition.qualifiedName, definition.response, response)),
      Effect.provideService(CurrentEndpoint, definition.qualifiedName),
      Effect.withSpan(`AdapterClient.${definition.qualifiedName}`)
    ) as Effect.Effect<ResponseOf<D>, AdapterError>

  const fetchPage = <D extends ListDefinition>(definition: D, request: ListRequest<D>, cursor: Cursor, index = 0) =>
    Effect.gen(function* () {
      const pagination = definition.pagination
      const endpoint = definition.qualifiedName
      const pageSize = effectivePageSize(definition.query, request.pageSize)
      const pageRequest = pagination.request(cursor, pageSize)
      let response: HttpClientResponse.HttpClientResponse
      if (pageRequest._tag === "Url") {
        const url = new URL(pageRequest.url, baseUrl)
        if (url.origin !== origin) {
          return yield* new InvalidResponse({
            endpoint,
            reason: "pagination",
            path: "next",
            message: `the next page link points to another origin (${url.origin}); credentials are not sent there`,
            sample: pageRequest.url
          })
        }
        response = yield* options.httpClient.execute(HttpClientRequest.get(url.toString()))
      } else {
        const listQuery = (definition.queryStyle ?? flat).encode(request)
        response = yield* send(definition, {
          ...(request.params === undefined ? {} : { params: request.params }),
          query: { ...listQuery, ...pageRequest.query }
        })
      }
      const body = yield* decodeBody(endpoint, definition.response, response)
      const items = pagination.items(body as never)
      const next = pagination.next({ body: body as never, items, headers: response.headers, cursor, pageSize })
      if (next !== undefined && toJson(next) === toJson(cursor)) {
        return yield* new InvalidResponse({
          endpoint,
          reason: "pagination",
          path: "next",
          message: "the upstream's next page is the page just read; stopping instead of looping",
          sample: JSON.stringify(next)
        })
      }
      return { items, cursor, next, body, index } as Page<ItemOf<D>, ResponseOf<D>>
    }).pipe(
      Effect.provideService(CurrentEndpoint, definition.qualifiedName),
      Effect.withSpan(`AdapterClient.${definition.qualifiedName}.page`, { attributes: { index } })
    )

  const pages = <D extends ListDefinition>(definition: D, request: ListRequest<D>) =>
    streamPages((cursor, index) => fetchPage(definition, request, cursor, index), request.from ?? start, {
      concurrency: request.concurrency,
      following: following(definition, request.pageSize)
    })

  const client: AdapterClient<typeof generated> = {
    api: generated,
    baseUrl,
    call,
    fetchPage,
    streamPages: pages,
    streamAll: (definition, request) => streamAll(pages(definition, request))
  }
  return client
})
