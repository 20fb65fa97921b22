/**
 * Where a listing is: a small, serializable value that a sync stores after committing a page, and
 * hands back to `streamPages` to resume the listing at the next page.
 */
import { Schema } from "effect"

/** The first page of a listing. */
export const Start = Schema.TaggedStruct("Start", {})

/** Offset/limit pagination: the offset of the next row to read. */
export const Offset = Schema.TaggedStruct("Offset", { offset: Schema.Int })

/** Page-number pagination: the number of the next page to read. */
export const PageNumber = Schema.TaggedStruct("PageNumber", { page: Schema.Int })

/** Cursor-token pagination: the opaque token the upstream gave for the next page. */
export const Token = Schema.TaggedStruct("Token", { token: Schema.String })

/** Next-link pagination: the URL of the next page, from the body or a `Link` header. */
export const Link = Schema.TaggedStruct("Link", { url: Schema.String })

/** A position in a paginated listing; encode it with `Schema.encodeSync(Cursor)` to store it. */
export const Cursor = Schema.Union([Start, Offset, PageNumber, Token, Link])

/** A position in a paginated listing. */
export type Cursor = typeof Cursor.Type

/** The cursor of a listing's first page. */
export const start: Cursor = { _tag: "Start" }

/** Reads a stored cursor from JSON text (as saved by {@link toJson}). */
export const fromJson = Schema.decodeUnknownEffect(Schema.fromJsonString(Cursor))

/** Writes a cursor as JSON text, for storage. */
export const toJson = (cursor: Cursor): string => JSON.stringify(cursor)
