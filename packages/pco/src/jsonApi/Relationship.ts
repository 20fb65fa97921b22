/**
 * JSON:API relationships: a to-one (`data` is an identifier or `null`) or a to-many (`data` is an
 * array of identifiers), each with optional links.
 */
import { Schema } from "effect"
import { ResourceIdentifier } from "./ResourceIdentifier.ts"

/** The links of a relationship or a resource (`self`, `related`, `html`, ...). */
export const Links = Schema.Record(Schema.String, Schema.NullOr(Schema.String))

/** A to-one relationship, e.g. a person's `primary_campus`: `{ data: { type, id } | null }`. */
export const ToOne = Schema.Struct({
  data: Schema.NullOr(ResourceIdentifier),
  links: Schema.optionalKey(Links)
})

/** A decoded {@link ToOne} relationship. */
export type ToOne = typeof ToOne.Type

/** A to-many relationship, e.g. a household's `people`: `{ data: [{ type, id }, ...] }`. */
export const ToMany = Schema.Struct({
  data: Schema.Array(ResourceIdentifier),
  links: Schema.optionalKey(Links)
})

/** A decoded {@link ToMany} relationship. */
export type ToMany = typeof ToMany.Type
