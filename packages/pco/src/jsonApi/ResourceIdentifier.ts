/**
 * A JSON:API resource identifier, `{ type, id }`: how relationships and `included` name a record.
 */
import { Schema } from "effect"

/** `{ type, id }`: the type name (`Person`) and the id (always a string in JSON:API). */
export const ResourceIdentifier = Schema.Struct({ type: Schema.String, id: Schema.String })

/** A decoded {@link ResourceIdentifier}. */
export type ResourceIdentifier = typeof ResourceIdentifier.Type

/** The `type:id` key under which a record is found in `included`. */
export const identifierKey = (identifier: { readonly type: string; readonly id: string }): string =>
  `${identifier.type}:${identifier.id}`
