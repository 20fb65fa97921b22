/**
 * A listing as a `Stream` of pages, each emitted as soon as it is decoded, in the listing's order,
 * so memory holds a bounded number of pages whatever the size of the collection. One request at a
 * time by default; with `concurrency` and a pagination whose pages can be asked for in any order
 * (offset, page number), the next pages are requested while the earlier ones arrive.
 */
import { Cause, Channel, Effect, Fiber, Option, Stream } from "effect"
import { type Cursor, start, toJson } from "./Cursor.ts"
import type { Page } from "./Page.ts"

/** Fetches the page at a cursor; `index` is its position in this stream. */
export type FetchPage<Item, Body, E, R> = (cursor: Cursor, index: number) => Effect.Effect<Page<Item, Body>, E, R>

/** How many pages to ask for at once, and how to know the next page's cursor before a page is read. */
export interface ConcurrentPages {
  /** The most pages requested at once (1, the default, reads one page after another). */
  readonly concurrency?: number | undefined
  /**
   * The cursor of the page after the one at `cursor`, were that page full (`Pagination.following`):
   * without it the pages are read one after another whatever `concurrency` says.
   */
  readonly following?: ((cursor: Cursor) => Cursor) | undefined
}

/**
 * Streams pages from `from` (the start by default, or a cursor saved from an earlier page's
 * `next`) until a page has no next cursor.
 *
 * With `concurrency` > 1 and `following`, up to `concurrency` pages are in flight: the pages at
 * `from`, `following(from)`, `following(following(from))`, ... Each page is emitted, in order, only
 * when it is the page the previous one's own `next` names; where they differ (a short page in the
 * middle of the listing, the source's end), the pages requested beyond are dropped and the listing
 * goes on from the `next` the page gave. The stream is therefore the same pages with the same
 * cursors as one read one page at a time, and a checkpoint taken after any page resumes exactly.
 */
export const streamPages = <Item, Body, E, R>(
  fetchPage: FetchPage<Item, Body, E, R>,
  from: Cursor = start,
  options: ConcurrentPages = {}
): Stream.Stream<Page<Item, Body>, E, R> => {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
  const following = options.following
  if (concurrency === 1 || following === undefined) {
    return Stream.paginate({ cursor: from, index: 0 }, ({ cursor, index }) =>
      Effect.map(fetchPage(cursor, index), (page) => {
        const next = page.next === undefined ? Option.none() : Option.some({ cursor: page.next, index: index + 1 })
        return [[page], next] as const
      })
    )
  }
  return Stream.fromChannel(
    Channel.fromTransform((_, scope) =>
      Effect.sync(() => {
        interface InFlight {
          readonly cursor: string
          readonly fiber: Fiber.Fiber<Page<Item, Body>, E>
        }
        const inFlight: Array<InFlight> = []
        // The cursor of the next page to request (`undefined`: the listing's end is known).
        let ahead: Cursor | undefined = from
        let index = 0
        const dropInFlight = Effect.suspend(() => Fiber.interruptAll(inFlight.splice(0).map((f) => f.fiber)))
        return Effect.gen(function* () {
          while (inFlight.length < concurrency && ahead !== undefined) {
            const cursor: Cursor = ahead
            const fiber = yield* Effect.forkIn(fetchPage(cursor, index), scope)
            inFlight.push({ cursor: toJson(cursor), fiber })
            index += 1
            ahead = following(cursor)
          }
          const first = inFlight.shift()
          if (first === undefined) return yield* Cause.done()
          const page = yield* Fiber.join(first.fiber)
          if (page.next === undefined) {
            ahead = undefined
            yield* dropInFlight
          } else {
            const expected = inFlight[0]?.cursor ?? (ahead === undefined ? undefined : toJson(ahead))
            if (expected !== toJson(page.next)) {
              yield* dropInFlight
              ahead = page.next
              index = page.index + 1
            }
          }
          return [page] as const
        })
      })
    )
  )
}

/** The records of a stream of pages, in order, chunked by page. */
export const streamAll = <Item, Body, E, R>(pages: Stream.Stream<Page<Item, Body>, E, R>): Stream.Stream<Item, E, R> =>
  Stream.flatMap(pages, (page) => Stream.fromArray(page.items))
