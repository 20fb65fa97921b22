/**
 * Pagination styles: how a list endpoint asks for a page and how its answer says where the next
 * page is. One of these goes in an endpoint definition; `streamPages` does the rest.
 */
import type { Cursor } from "./Cursor.ts"
import { parseLinkHeader } from "./parseLinkHeader.ts"

/** How to request one page: query parameters to add, or (next-link style) a whole URL to fetch. */
export type PageRequest =
  | { readonly _tag: "Query"; readonly query: Readonly<Record<string, string>> }
  | { readonly _tag: "Url"; readonly url: string }

/** What the style can look at to find the next page. */
export interface PageResponse<Body, Item> {
  readonly body: Body
  readonly items: ReadonlyArray<Item>
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly cursor: Cursor
  readonly pageSize: number
}

/** A pagination style for list endpoints whose decoded body is `Body` and whose records are `Item`s. */
export interface Pagination<Body, Item> {
  readonly style: "offset" | "page-number" | "cursor-token" | "next-link"
  /** The records of a page. */
  items(body: Body): ReadonlyArray<Item>
  /** The request for the page at `cursor`. */
  request(cursor: Cursor, pageSize: number): PageRequest
  /** The cursor of the page after this one, or `undefined` on the last page. */
  next(response: PageResponse<Body, Item>): Cursor | undefined
  /**
   * The cursor of the page after the one at `cursor`, were that page full, known before it is read:
   * present for the styles whose pages can be asked for in any order (offset, page number), so that
   * `streamPages` can request several at once. Cursor tokens and next links are only known from the
   * page before.
   */
  following?(cursor: Cursor, pageSize: number): Cursor
}

/** Options of {@link offsetLimit}. */
export interface OffsetLimitOptions<Body, Item> {
  readonly items: (body: Body) => ReadonlyArray<Item>
  readonly offsetParam?: string
  readonly limitParam?: string
  /** The total number of records, when the body says it. */
  readonly total?: (body: Body) => number | undefined
  /** The offset of the next page, when the body says it (it then decides the end). */
  readonly nextOffset?: (body: Body) => number | undefined
}

/** Options of {@link pageNumber}. */
export interface PageNumberOptions<Body, Item> {
  readonly items: (body: Body) => ReadonlyArray<Item>
  readonly pageParam?: string
  readonly sizeParam?: string
  readonly firstPage?: number
  readonly totalPages?: (body: Body) => number | undefined
  readonly hasMore?: (body: Body) => boolean | undefined
}

/** Options of {@link cursorToken}. */
export interface CursorTokenOptions<Body, Item> {
  readonly items: (body: Body) => ReadonlyArray<Item>
  /** The next page's token, from the body or (for APIs that send it there) a response header. */
  readonly nextToken: (body: Body, headers: Readonly<Record<string, string | undefined>>) => string | null | undefined
  readonly tokenParam?: string
  readonly sizeParam?: string
}

/** Options of {@link nextLink}. */
export interface NextLinkOptions<Body, Item> {
  readonly items: (body: Body) => ReadonlyArray<Item>
  /** Where the next URL is: a function of the body, or `"link-header"`. */
  readonly next: ((body: Body) => string | null | undefined) | "link-header"
  readonly sizeParam?: string
}

/** The pagination styles with the body type of one endpoint fixed, as endpoint definitions receive them. */
export interface Styles<Body> {
  readonly offsetLimit: <Item>(options: OffsetLimitOptions<Body, Item>) => Pagination<Body, Item>
  readonly pageNumber: <Item>(options: PageNumberOptions<Body, Item>) => Pagination<Body, Item>
  readonly cursorToken: <Item>(options: CursorTokenOptions<Body, Item>) => Pagination<Body, Item>
  readonly nextLink: <Item>(options: NextLinkOptions<Body, Item>) => Pagination<Body, Item>
}

const query = (entries: Record<string, string | number>): PageRequest => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(entries)) out[key] = String(value)
  return { _tag: "Query", query: out }
}

/**
 * Offset/limit: `?offset=200&limit=100`. The listing ends on a short page, or when the body's
 * total (if `total` is given) or its explicit next offset (if `nextOffset` is given) says so.
 */
export const offsetLimit = <Body, Item>(options: OffsetLimitOptions<Body, Item>): Pagination<Body, Item> => {
  const offsetParam = options.offsetParam ?? "offset"
  const limitParam = options.limitParam ?? "limit"
  return {
    style: "offset",
    items: options.items,
    request: (cursor, pageSize) =>
      query({ [offsetParam]: cursor._tag === "Offset" ? cursor.offset : 0, [limitParam]: pageSize }),
    following: (cursor, pageSize) => ({
      _tag: "Offset",
      offset: (cursor._tag === "Offset" ? cursor.offset : 0) + pageSize
    }),
    next: ({ body, items, cursor, pageSize }) => {
      const offset = cursor._tag === "Offset" ? cursor.offset : 0
      if (options.nextOffset !== undefined) {
        const next = options.nextOffset(body)
        return next === undefined || next <= offset ? undefined : { _tag: "Offset", offset: next }
      }
      const next = offset + items.length
      const total = options.total?.(body)
      if (items.length === 0 || (total === undefined ? items.length < pageSize : next >= total)) return undefined
      return { _tag: "Offset", offset: next }
    }
  }
}

/**
 * Page number: `?page=3&page_size=100`, pages counted from `firstPage` (1 by default). The listing
 * ends on a short page, or when the body's page count or has-more flag says so.
 */
export const pageNumber = <Body, Item>(options: PageNumberOptions<Body, Item>): Pagination<Body, Item> => {
  const pageParam = options.pageParam ?? "page"
  const sizeParam = options.sizeParam ?? "page_size"
  const firstPage = options.firstPage ?? 1
  const pageOf = (cursor: Cursor) => (cursor._tag === "PageNumber" ? cursor.page : firstPage)
  return {
    style: "page-number",
    items: options.items,
    request: (cursor, pageSize) => query({ [pageParam]: pageOf(cursor), [sizeParam]: pageSize }),
    following: (cursor) => ({ _tag: "PageNumber", page: pageOf(cursor) + 1 }),
    next: ({ body, items, cursor, pageSize }) => {
      const page = pageOf(cursor)
      const hasMore = options.hasMore?.(body)
      const totalPages = options.totalPages?.(body)
      const more =
        hasMore !== undefined
          ? hasMore
          : totalPages !== undefined
            ? page - firstPage + 1 < totalPages
            : items.length === pageSize && items.length > 0
      return more ? { _tag: "PageNumber", page: page + 1 } : undefined
    }
  }
}

/**
 * Cursor token: the body (or a header) names an opaque token for the next page
 * (`?cursor=abc&limit=100`); the listing ends when it has none.
 */
export const cursorToken = <Body, Item>(options: CursorTokenOptions<Body, Item>): Pagination<Body, Item> => {
  const tokenParam = options.tokenParam ?? "cursor"
  const sizeParam = options.sizeParam ?? "limit"
  return {
    style: "cursor-token",
    items: options.items,
    request: (cursor, pageSize) =>
      query(
        cursor._tag === "Token" ? { [tokenParam]: cursor.token, [sizeParam]: pageSize } : { [sizeParam]: pageSize }
      ),
    next: ({ body, headers }) => {
      const token = options.nextToken(body, headers)
      return token === undefined || token === null || token === "" ? undefined : { _tag: "Token", token }
    }
  }
}

/**
 * Next link: each page names the URL of the next, in the body (`links.next`) or in a `Link`
 * header with `rel="next"`; the listing ends when there is none. `sizeParam` sets the page size
 * on the first request.
 */
export const nextLink = <Body, Item>(options: NextLinkOptions<Body, Item>): Pagination<Body, Item> => {
  const sizeParam = options.sizeParam ?? "per_page"
  const readNext = options.next
  return {
    style: "next-link",
    items: options.items,
    request: (cursor, pageSize) =>
      cursor._tag === "Link" ? { _tag: "Url", url: cursor.url } : query({ [sizeParam]: pageSize }),
    next: ({ body, headers }) => {
      const url = readNext === "link-header" ? parseLinkHeader(headers.link) : readNext(body)
      return url === undefined || url === null || url === "" ? undefined : { _tag: "Link", url }
    }
  }
}

/** The styles, typed for an endpoint whose body is `Body`. */
export const styles = <Body>(): Styles<Body> => ({ offsetLimit, pageNumber, cursorToken, nextLink })
