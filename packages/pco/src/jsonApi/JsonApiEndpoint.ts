/**
 * Short declarations of Planning Center endpoints over adapter-core's `defineEndpoint`: each one
 * names its resource schema and capabilities, and gets the JSON:API envelope, the `where[]` /
 * `order` / `include` query style, the 100-record page cap and next-link pagination for free.
 */
import { type BodySchema, defineEndpoint, type QuerySpec, QueryStyle } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { CollectionDocument, SingleDocument, WriteDocument } from "./Document.ts"
import type { AnyResourceSchema } from "./Resource.ts"

/** Planning Center's largest page (`per_page` above it is silently capped). */
export const maxPageSize = 100

/** What every declaration names: the entity, the module and operation, and the path with its params. */
export interface EndpointNames<Module extends string, Name extends string, Path extends `/${string}`, Params> {
  /** The entity the endpoint serves, e.g. `person`. */
  readonly entity: string
  /** The group of endpoints, e.g. `people` (a property of the generated client). */
  readonly module: Module
  /** The operation, e.g. `list`. */
  readonly name: Name
  /** The path, e.g. `/people/v2/people/:person_id/emails`. */
  readonly path: Path
  /** Schemas of the path's `:placeholders`. */
  readonly params?: Params
}

// When a declaration names no included types, `I` is its default, the empty tuple.
const noIncluded = <I extends ReadonlyArray<AnyResourceSchema>>(included: I | undefined): I =>
  included ?? ([] as ReadonlyArray<AnyResourceSchema> as I)

/**
 * A list endpoint: `GET path` answering a collection of `resource`, side-loading the `included`
 * schemas, filterable / orderable / includable as declared. Pages follow `links.next`; a page with
 * no records ends the listing even if it carries a next link (the `per_page=0` trap).
 */
export const list = <
  const Module extends string,
  const Name extends string,
  const Path extends `/${string}`,
  R extends AnyResourceSchema,
  const I extends ReadonlyArray<AnyResourceSchema> = readonly [],
  const Filter extends string = never,
  const Order extends string = never,
  const Include extends string = never,
  Params extends Schema.Struct.Fields = {}
>(
  spec: EndpointNames<Module, Name, Path, Params> & {
    readonly resource: R
    readonly included?: I
    readonly filterable?: ReadonlyArray<Filter>
    readonly orderable?: ReadonlyArray<Order>
    readonly includes?: ReadonlyArray<Include>
  }
) =>
  defineEndpoint<
    Name,
    Module,
    "GET",
    Path,
    CollectionDocument<R, I>,
    R["Type"],
    Params,
    QuerySpec<Filter, Order, Include>,
    never
  >({
    entity: spec.entity,
    module: spec.module,
    name: spec.name,
    method: "GET",
    path: spec.path,
    ...(spec.params === undefined ? {} : { params: spec.params }),
    query: {
      filterable: spec.filterable ?? [],
      orderable: spec.orderable ?? [],
      includes: spec.includes ?? [],
      pageSize: { max: maxPageSize }
    },
    queryStyle: QueryStyle.jsonApi,
    response: CollectionDocument(spec.resource, noIncluded(spec.included)),
    pagination: (p) =>
      p.nextLink<R["Type"]>({
        items: (body) => body.data,
        next: (body) => (body.data.length === 0 ? undefined : body.links.next)
      })
  })

/** A single-record endpoint: `GET path/:id` answering one `resource`. */
export const get = <
  const Module extends string,
  const Name extends string,
  const Path extends `/${string}`,
  R extends AnyResourceSchema,
  Params extends Schema.Struct.Fields
>(
  spec: EndpointNames<Module, Name, Path, Params> & { readonly params: Params; readonly resource: R }
) =>
  defineEndpoint<
    Name,
    Module,
    "GET",
    Path,
    SingleDocument<R, readonly []>,
    never,
    Params,
    QuerySpec<never, never, never>
  >({
    entity: spec.entity,
    module: spec.module,
    name: spec.name,
    method: "GET",
    path: spec.path,
    params: spec.params,
    response: SingleDocument(spec.resource, [])
  })

/**
 * A create endpoint: `POST path` with `{ data: { type, attributes } }`, answering 201 and the new
 * record.
 */
export const create = <
  const Module extends string,
  const Name extends string,
  const Path extends `/${string}`,
  R extends AnyResourceSchema,
  const T extends string,
  A extends BodySchema,
  Params extends Schema.Struct.Fields = {}
>(
  spec: EndpointNames<Module, Name, Path, Params> & {
    readonly resource: R
    /** The JSON:API type of the new record, e.g. `Email`. */
    readonly type: T
    /** The attributes a client sends. */
    readonly attributes: A
  }
) =>
  defineEndpoint<
    Name,
    Module,
    "POST",
    Path,
    SingleDocument<R, readonly []>,
    never,
    Params,
    QuerySpec<never, never, never>,
    ReturnType<typeof WriteDocument<T, A>>
  >({
    entity: spec.entity,
    module: spec.module,
    name: spec.name,
    method: "POST",
    path: spec.path,
    ...(spec.params === undefined ? {} : { params: spec.params }),
    payload: WriteDocument(spec.type, spec.attributes),
    response: SingleDocument(spec.resource, []),
    status: 201
  })

/** An update endpoint: `PATCH path/:id` with `{ data: { type, id, attributes } }`, answering the record. */
export const update = <
  const Module extends string,
  const Name extends string,
  const Path extends `/${string}`,
  R extends AnyResourceSchema,
  const T extends string,
  A extends BodySchema,
  Params extends Schema.Struct.Fields
>(
  spec: EndpointNames<Module, Name, Path, Params> & {
    readonly params: Params
    readonly resource: R
    readonly type: T
    readonly attributes: A
  }
) =>
  defineEndpoint<
    Name,
    Module,
    "PATCH",
    Path,
    SingleDocument<R, readonly []>,
    never,
    Params,
    QuerySpec<never, never, never>,
    ReturnType<typeof WriteDocument<T, A>>
  >({
    entity: spec.entity,
    module: spec.module,
    name: spec.name,
    method: "PATCH",
    path: spec.path,
    params: spec.params,
    payload: WriteDocument(spec.type, spec.attributes),
    response: SingleDocument(spec.resource, [])
  })

/** A delete endpoint: `DELETE path/:id`, answering 204 with no body. */
export const remove = <
  const Module extends string,
  const Name extends string,
  const Path extends `/${string}`,
  Params extends Schema.Struct.Fields
>(
  spec: EndpointNames<Module, Name, Path, Params> & { readonly params: Params }
) =>
  defineEndpoint<Name, Module, "DELETE", Path, typeof Schema.Void, never, Params, QuerySpec<never, never, never>>({
    entity: spec.entity,
    module: spec.module,
    name: spec.name,
    method: "DELETE",
    path: spec.path,
    params: spec.params,
    response: Schema.Void,
    status: 204
  })
