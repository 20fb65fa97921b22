/**
 * A list: a saved, rule-based selection of people.
 */
import { Schema } from "effect"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of a {@link List}. */
export const ListAttributes = Schema.Struct({
  name: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String),
  auto_refresh: Schema.Boolean,
  total_people: Schema.Int,
  refreshed_at: Schema.NullOr(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A list of people. */
export const List = Resource("List", ListAttributes, {})

/** A decoded {@link List}. */
export type List = typeof List.Type
