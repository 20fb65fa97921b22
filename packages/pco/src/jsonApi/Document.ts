/**
 * Planning Center's JSON:API documents: a collection (`data` array, `included`, `links.next`,
 * `meta.total_count`, `meta.next.offset`) and a single record. Side-loaded records of the types an
 * endpoint can include are decoded with their schemas; records of other types are kept as
 * identifiers with raw attributes.
 */
import { Effect, Schema } from "effect"
import { type AnyResourceSchema, OtherResource, typeOf } from "./Resource.ts"
import { ResourceIdentifier } from "./ResourceIdentifier.ts"

/** The pagination links of a collection: `next` is absent on the last page. */
export const CollectionLinks = Schema.Struct({
  self: Schema.optionalKey(Schema.String),
  next: Schema.optionalKey(Schema.String),
  prev: Schema.optionalKey(Schema.String)
})

const OffsetMeta = Schema.Struct({ offset: Schema.Int })

/** The `meta` of a collection: totals, the next/previous offsets, and what the endpoint can do. */
export const CollectionMeta = Schema.Struct({
  total_count: Schema.optionalKey(Schema.Int),
  count: Schema.optionalKey(Schema.Int),
  next: Schema.optionalKey(OffsetMeta),
  prev: Schema.optionalKey(OffsetMeta),
  can_order_by: Schema.optionalKey(Schema.Array(Schema.String)),
  can_query_by: Schema.optionalKey(Schema.Array(Schema.String)),
  can_include: Schema.optionalKey(Schema.Array(Schema.String)),
  can_filter: Schema.optionalKey(Schema.Array(Schema.String)),
  parent: Schema.optionalKey(ResourceIdentifier)
})

/** A decoded {@link CollectionMeta}. */
export type CollectionMeta = typeof CollectionMeta.Type

/** The `meta` of a single-record document. */
export const SingleMeta = Schema.Struct({
  can_include: Schema.optionalKey(Schema.Array(Schema.String)),
  parent: Schema.optionalKey(ResourceIdentifier)
})

/** The schema of an `included` entry: one of `schemas`, or any other type as an {@link OtherResource}. */
export type IncludedSchema<I extends ReadonlyArray<AnyResourceSchema>> = Schema.Union<
  readonly [...I, typeof OtherResource]
>

/**
 * `included` entries: each record of a known type is decoded with its schema (a bad value is an
 * error naming its path); records of other types are kept as {@link OtherResource}s.
 */
export const Included = <const I extends ReadonlyArray<AnyResourceSchema>>(schemas: I): IncludedSchema<I> => {
  const known = new Set(schemas.map(typeOf))
  const other = OtherResource.check(
    Schema.makeFilter((resource: OtherResource) => !known.has(resource.type) || `a resource of another type`)
  )
  return Schema.Union<readonly [...I, typeof OtherResource]>([...schemas, other])
}

/** The schema of a collection document of `resource`s, side-loading `included` types. */
export type CollectionDocument<
  R extends AnyResourceSchema,
  I extends ReadonlyArray<AnyResourceSchema>
> = Schema.Struct<{
  readonly data: Schema.$Array<R>
  readonly included: Schema.withDecodingDefaultKey<Schema.$Array<IncludedSchema<I>>>
  readonly links: Schema.withDecodingDefaultKey<typeof CollectionLinks>
  readonly meta: Schema.withDecodingDefaultKey<typeof CollectionMeta>
}>

/** A collection document: `{ data: [...], included, links, meta }`. */
export const CollectionDocument = <R extends AnyResourceSchema, const I extends ReadonlyArray<AnyResourceSchema>>(
  resource: R,
  included: I
): CollectionDocument<R, I> =>
  Schema.Struct({
    data: Schema.Array(resource),
    included: Schema.Array(Included(included)).pipe(Schema.withDecodingDefaultKey(Effect.succeed([]))),
    links: CollectionLinks.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
    meta: CollectionMeta.pipe(Schema.withDecodingDefaultKey(Effect.succeed({})))
  })

/** The schema of a single-record document of `resource`, side-loading `included` types. */
export type SingleDocument<R extends AnyResourceSchema, I extends ReadonlyArray<AnyResourceSchema>> = Schema.Struct<{
  readonly data: R
  readonly included: Schema.withDecodingDefaultKey<Schema.$Array<IncludedSchema<I>>>
  readonly meta: Schema.withDecodingDefaultKey<typeof SingleMeta>
}>

/** A single-record document: `{ data: {...}, included, meta }`. */
export const SingleDocument = <R extends AnyResourceSchema, const I extends ReadonlyArray<AnyResourceSchema>>(
  resource: R,
  included: I
): SingleDocument<R, I> =>
  Schema.Struct({
    data: resource,
    included: Schema.Array(Included(included)).pipe(Schema.withDecodingDefaultKey(Effect.succeed([]))),
    meta: SingleMeta.pipe(Schema.withDecodingDefaultKey(Effect.succeed({})))
  })

/** The body of a write: `{ data: { type, attributes } }` (POST) or with `id` (PATCH). */
export const WriteDocument = <const T extends string, A extends Schema.Codec<unknown, unknown, never, never>>(
  type: T,
  attributes: A
) =>
  Schema.Struct({
    data: Schema.Struct({
      type: Schema.Literal(type),
      id: Schema.optionalKey(Schema.String),
      attributes
    })
  })
