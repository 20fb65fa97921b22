/**
 * A record of two people merged into one: the only trace of the removed person's id, so a sync can
 * delete (or redirect) its copy.
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of a {@link PersonMerger}. */
export const PersonMergerAttributes = Schema.Struct({
  person_to_keep_id: Schema.Int,
  person_to_remove_id: Schema.Int,
  created_at: Timestamp
})

/** A merge of `person_to_remove` into `person_to_keep`. */
export const PersonMerger = Resource("PersonMerger", PersonMergerAttributes, {
  person_to_keep: Schema.optionalKey(ToOne),
  person_to_remove: Schema.optionalKey(ToOne)
})

/** A decoded {@link PersonMerger}. */
export type PersonMerger = typeof PersonMerger.Type
