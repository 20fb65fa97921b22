/**
 * A declarative endpoint: a plain object that says what an API operation is (entity, module,
 * name, method, typed path), what it accepts (path params, list query capabilities, payload) and
 * what it returns (response schema, pagination). Adapters declare their API as a list of these.
 */
import { Schema } from "effect"
import type { HttpMethod } from "effect/http"
import { HttpApiEndpoint, HttpApiSchema } from "effect/http-api"
import { type Pagination, type Styles, styles } from "../pagination/Pagination.ts"
import type { QuerySpec } from "./QuerySpec.ts"
import type { QueryStyle } from "./QueryStyle.ts"

/** A schema with no service requirements, as request and response bodies use. */
export type BodySchema = Schema.Codec<unknown, unknown, never, never>

/** The declarative part of an endpoint, as an adapter writes it. */
export interface EndpointSpec<
  Name extends string,
  Module extends string,
  Method extends HttpMethod.HttpMethod,
  Path extends `/${string}`,
  Params extends Schema.Struct.Fields,
  Query extends QuerySpec,
  Payload extends BodySchema,
  Response extends BodySchema,
  Item
> {
  /** The entity this endpoint reads or writes, e.g. `person`. */
  readonly entity: string
  /** The API module (a group of endpoints), e.g. `people`. */
  readonly module: Module
  /** The operation name, unique within the module, e.g. `list`. */
  readonly name: Name
  readonly method: Method
  /** The path, with `:name` placeholders for path params, e.g. `/people/v2/people/:id`. */
  readonly path: Path
  /** Schemas of the path params. */
  readonly params?: Params
  /** For list endpoints: what callers may filter, order, include, and the page size limits. */
  readonly query?: Query
  /** How this API spells filters/order/includes; defaults to the flat style. */
  readonly queryStyle?: QueryStyle
  /** The request body schema, for POST/PUT/PATCH. */
  readonly payload?: Payload
  /** The schema of a 2xx response body. */
  readonly response: Response
  /** The success status the upstream answers with: 200 unless said (e.g. 201 for a create). */
  readonly status?: number
  /**
   * For list endpoints: how pages are requested and chained, picked from the styles typed by this
   * endpoint's response, e.g. `(p) => p.offsetLimit({ items: (body) => body.data })`.
   */
  readonly pagination?: (styles: Styles<Response["Type"]>) => Pagination<Response["Type"], Item>
}

/** The `HttpApiEndpoint` type an endpoint definition derives. */
export type HttpApiEndpointOf<
  Name extends string,
  Method extends HttpMethod.HttpMethod,
  Path extends string,
  Params extends Schema.Struct.Fields,
  List extends boolean,
  Payload extends BodySchema,
  Response extends BodySchema
> = HttpApiEndpoint.HttpApiEndpoint<
  Name,
  Method,
  Path,
  [keyof Params] extends [never] ? never : Schema.Struct<Params>,
  List extends true ? typeof WireQuery : never,
  Payload,
  never,
  Response,
  never
>

/** An endpoint definition together with the `HttpApiEndpoint` derived from it. */
export interface EndpointDefinition<
  Name extends string = string,
  Module extends string = string,
  Method extends HttpMethod.HttpMethod = HttpMethod.HttpMethod,
  Path extends `/${string}` = `/${string}`,
  Params extends Schema.Struct.Fields = Schema.Struct.Fields,
  Query extends QuerySpec = QuerySpec,
  Payload extends BodySchema = BodySchema,
  Response extends BodySchema = BodySchema,
  Item = unknown,
  Endpoint extends HttpApiEndpoint.ConstraintRequest = HttpApiEndpoint.ConstraintRequest
> extends Omit<EndpointSpec<Name, Module, Method, Path, Params, Query, Payload, Response, Item>, "pagination"> {
  /** For list endpoints: how pages are requested and chained. */
  readonly pagination?: Pagination<Response["Type"], Item>
  /** The `effect/http-api` endpoint, for composing an `HttpApi` (clients, fake servers, OpenAPI). */
  readonly endpoint: Endpoint
  /** `module.name`, as errors and traces name the endpoint. */
  readonly qualifiedName: `${Module}.${Name}`
}

/** Any endpoint definition. */
export interface AnyEndpointDefinition {
  readonly entity: string
  readonly module: string
  readonly name: string
  readonly method: HttpMethod.HttpMethod
  readonly path: `/${string}`
  readonly params?: Schema.Struct.Fields
  readonly query?: QuerySpec
  readonly queryStyle?: QueryStyle
  readonly payload?: BodySchema
  readonly response: BodySchema
  readonly status?: number
  readonly pagination?: Pagination<never, unknown>
  readonly endpoint: HttpApiEndpoint.ConstraintRequest
  readonly qualifiedName: string
}

/** The query parameters of a list endpoint on the wire: free-form strings, typed at the list-options level. */
export const WireQuery = Schema.Record(Schema.String, Schema.String)

/**
 * Declares an endpoint. The result is the same plain object plus its `HttpApiEndpoint`, ready to
 * be composed with {@link makeApi}.
 */
export const defineEndpoint = <
  const Name extends string,
  const Module extends string,
  const Method extends HttpMethod.HttpMethod,
  const Path extends `/${string}`,
  Response extends BodySchema,
  Item = never,
  Params extends Schema.Struct.Fields = {},
  const Query extends QuerySpec = QuerySpec<never, never, never>,
  Payload extends BodySchema = never
>(
  spec: EndpointSpec<Name, Module, Method, Path, Params, Query, Payload, Response, Item>
): Defined<Name, Module, Method, Path, Params, Query, Payload, Response, Item> => {
  const list = spec.pagination !== undefined || spec.query !== undefined
  const endpoint = HttpApiEndpoint.make(spec.method)(spec.name, spec.path, {
    ...(spec.params === undefined ? {} : { params: Schema.Struct(spec.params) }),
    ...(list ? { query: WireQuery } : {}),
    ...(spec.payload === undefined
      ? {}
      : { payload: spec.payload as Schema.Top as HttpApiEndpoint.PayloadConstraintCodecs<Method> }),
    success: spec.status === undefined ? spec.response : HttpApiSchema.status(spec.status)(spec.response)
  })
  const { pagination, ...rest } = spec
  const definition: EndpointDefinition<Name, Module, Method, Path, Params, Query, Payload, Response, Item> = {
    ...rest,
    ...(pagination === undefined ? {} : { pagination: pagination(styles<Response["Type"]>()) }),
    qualifiedName: `${spec.module}.${spec.name}`,
    // The runtime endpoint is exactly what the declared type says; TypeScript cannot follow the
    // codec transformations `HttpApiEndpoint.make` applies to generic schemas, so we state it.
    endpoint: endpoint as unknown as HttpApiEndpointOf<
      Name,
      Method,
      Path,
      Params,
      IsList<Query, Item>,
      Payload,
      Response
    >
  }
  // `pagination` is present exactly when the spec had one, which is when `Item` was inferred.
  return definition as Defined<Name, Module, Method, Path, Params, Query, Payload, Response, Item>
}

/** What {@link defineEndpoint} returns: the definition, with `pagination` required for list endpoints. */
export type Defined<
  Name extends string,
  Module extends string,
  Method extends HttpMethod.HttpMethod,
  Path extends `/${string}`,
  Params extends Schema.Struct.Fields,
  Query extends QuerySpec,
  Payload extends BodySchema,
  Response extends BodySchema,
  Item
> = EndpointDefinition<
  Name,
  Module,
  Method,
  Path,
  Params,
  Query,
  Payload,
  Response,
  Item,
  HttpApiEndpointOf<Name, Method, Path, Params, IsList<Query, Item>, Payload, Response>
> &
  ([Item] extends [never] ? {} : { readonly pagination: Pagination<Response["Type"], Item> })

/** Whether a definition is a list endpoint (it has a query spec or a pagination style). */
export type IsList<Query extends QuerySpec, Item> = [Item] extends [never]
  ? QuerySpec<never, never, never> extends Query
    ? false
    : true
  : true
