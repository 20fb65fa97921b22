/**
 * A listing as a `Stream` of pages: one request at a time, each page emitted as soon as it is
 * decoded, so memory holds one page whatever the size of the collection.
 */
import { Effect, Option, Stream } from "effect"
import { type Cursor, start } from "./Cursor.ts"
import type { Page } from "./Page.ts"

/** Fetches the page at a cursor; `index` is its position in this stream. */
export type FetchPage<Item, Body, E, R> = (cursor: Cursor, index: number) => Effect.Effect<Page<Item, Body>, E, R>

/**
 * Streams pages from `from` (the start by default, or a cursor saved from an earlier page's
 * `next`) until a page has no next cursor.
 */
export const streamPages = <Item, Body, E, R>(
  fetchPage: FetchPage<Item, Body, E, R>,
  from: Cursor = start
): Stream.Stream<Page<Item, Body>, E, R> =>
  Stream.paginate({ cursor: from, index: 0 }, ({ cursor, index }) =>
    Effect.map(fetchPage(cursor, index), (page) => {
      const next = page.next === undefined ? Option.none() : Option.some({ cursor: page.next, index: index + 1 })
      return [[page], next] as const
    })
  )

/** The records of a stream of pages, in order, chunked by page. */
export const streamAll = <Item, Body, E, R>(pages: Stream.Stream<Page<Item, Body>, E, R>): Stream.Stream<Item, E, R> =>
  Stream.flatMap(pages, (page) => Stream.fromArray(page.items))
