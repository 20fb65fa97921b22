/**
 * How a stream's pages are requested and chained, as its document says: one of adapter-core's
 * pagination styles, with where the body or headers say what comes next and when to stop.
 */
import { Schema } from "effect"
import { FieldPathInput } from "./FieldPath.ts"

/** A single page: the listing is one request. */
export const NoPagination = Schema.Struct({ style: Schema.Literal("none") })

/** `?offset=200&limit=100`; stops on a short page, or when `total` (a body path) is reached. */
export const OffsetPagination = Schema.Struct({
  style: Schema.Literal("offset"),
  offsetParam: Schema.optionalKey(Schema.NonEmptyString),
  limitParam: Schema.optionalKey(Schema.NonEmptyString),
  /** Where the body gives the total number of records. */
  total: Schema.optionalKey(FieldPathInput)
})

/** `?page=3&per_page=100`; stops on a short page, or when `totalPages` or `hasMore` (body paths) say so. */
export const PageNumberPagination = Schema.Struct({
  style: Schema.Literal("page-number"),
  pageParam: Schema.optionalKey(Schema.NonEmptyString),
  sizeParam: Schema.optionalKey(Schema.NonEmptyString),
  firstPage: Schema.optionalKey(Schema.Int),
  totalPages: Schema.optionalKey(FieldPathInput),
  hasMore: Schema.optionalKey(FieldPathInput)
})

/** Where the next page's token is: a body path, a response header, or a field of the page's last record. */
export const TokenSource = Schema.Union([
  Schema.Struct({ path: FieldPathInput }),
  Schema.Struct({ header: Schema.NonEmptyString }),
  Schema.Struct({ lastRecord: Schema.NonEmptyString })
])

/** `?cursor=abc&limit=100`: an opaque token names the next page; stops without one, or when `hasMore` is false. */
export const CursorPagination = Schema.Struct({
  style: Schema.Literal("cursor"),
  tokenParam: Schema.optionalKey(Schema.NonEmptyString),
  sizeParam: Schema.optionalKey(Schema.NonEmptyString),
  token: TokenSource,
  hasMore: Schema.optionalKey(FieldPathInput)
})

/** Each page names the next page's URL: in the body (`next: <path>`) or the `Link` header (`next: link-header`). */
export const NextLinkPagination = Schema.Struct({
  style: Schema.Literal("next-link"),
  next: Schema.Union([Schema.Literal("link-header"), Schema.Struct({ path: FieldPathInput })]),
  sizeParam: Schema.optionalKey(Schema.NonEmptyString)
})

/** How a stream's pages are requested and chained. */
export const PaginationSpec = Schema.Union([
  NoPagination,
  OffsetPagination,
  PageNumberPagination,
  CursorPagination,
  NextLinkPagination
]).annotate({ message: "expected a pagination with style none, offset, page-number, cursor or next-link" })

/** How a stream's pages are requested and chained. */
export type PaginationSpec = typeof PaginationSpec.Type
