/**
 * A JSON:API resource object of one Planning Center type: `{ type, id, attributes, relationships,
 * links }`. Attributes and relationships the schema does not name are tolerated (and dropped), so
 * a newer API version adding fields never breaks decoding.
 */
import { Effect, Schema } from "effect"
import { Links } from "./Relationship.ts"

/** The relationship fields of a resource: each may be absent (Planning Center adds some only on `include`). */
export type RelationshipFields = { readonly [name: string]: Schema.optionalKey<Schema.Top> }

/** The schema of a resource of type `T`, as {@link Resource} builds it. */
export type ResourceSchema<T extends string, A extends Schema.Top, R extends RelationshipFields> = Schema.Struct<{
  readonly type: Schema.Literal<T>
  readonly id: Schema.String
  readonly attributes: A
  readonly relationships: Schema.withDecodingDefaultKey<Schema.Struct<R>>
  readonly links: Schema.optionalKey<typeof Links>
}>

/** Any resource schema: what envelopes and `included` accept. */
export type AnyResourceSchema = Schema.Codec<{ readonly type: string; readonly id: string }, unknown, never, never> & {
  readonly fields: { readonly type: Schema.Literal<string> }
}

/**
 * The schema of a resource of type `type` with the given attributes schema and relationship fields.
 * A resource sent without `relationships` decodes as having none.
 */
export const Resource = <const T extends string, A extends Schema.Top, const R extends RelationshipFields>(
  type: T,
  attributes: A,
  relationships: R
): ResourceSchema<T, A, R> => {
  const relationshipsSchema = Schema.Struct(relationships)
  // Every relationship field is an optional key, so the empty object is a valid encoded value.
  const none = {} as (typeof relationshipsSchema)["Encoded"]
  return Schema.Struct({
    type: Schema.Literal(type),
    id: Schema.String,
    attributes,
    relationships: relationshipsSchema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(none))),
    links: Schema.optionalKey(Links)
  })
}

/** The JSON:API type name of a resource schema, such as `Person`. */
export const typeOf = (schema: AnyResourceSchema): string => schema.fields.type.literal

/**
 * A resource of a type no schema describes (a nested include, a type added in a newer API version):
 * its identifier, with attributes left undecoded.
 */
export const OtherResource = Schema.Struct({
  type: Schema.String,
  id: Schema.String,
  attributes: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
})

/** A decoded {@link OtherResource}. */
export type OtherResource = typeof OtherResource.Type
