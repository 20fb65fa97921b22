/**
 * Incremental listing: the `since` of a sync, checked, and the two ways Planning Center lets us list
 * only what changed: `where[updated_at][gte]=since&order=updated_at` where the API filters on
 * `updated_at`, or newest first (`order=-updated_at`) until the first older record where it only
 * orders by it (addresses).
 */
import { InvalidRequest, type Page } from "@syncflow/adapter-core"
import { DateTime, Option, Stream } from "effect"
import { parseCalendarDate } from "../schema/CalendarDate.ts"
import { parseTimestamp } from "../schema/Timestamp.ts"

/** A `since` value Planning Center accepts: a date-time (`2026-01-15T12:00:00Z`) or a date (`2026-01-15`). */
export const parseSince = (endpoint: string, since: string): Stream.Stream<DateTime.Utc, InvalidRequest> => {
  const parsed = Option.orElse(parseTimestamp(since), () => parseCalendarDate(since))
  return Option.match(parsed, {
    onNone: () =>
      Stream.fail(
        new InvalidRequest({
          endpoint,
          message: `since must be a date-time such as 2026-01-15T12:00:00Z or a date, got ${JSON.stringify(since)}`
        })
      ),
    onSome: Stream.succeed
  })
}

/**
 * Ends a newest-first listing at the first record older than `since`: that page keeps only the newer
 * records and has no next page.
 */
export const untilOlderThan =
  <A>(since: DateTime.Utc, updatedAt: (item: A) => DateTime.Utc) =>
  <B, E, R>(pages: Stream.Stream<Page<A, B>, E, R>): Stream.Stream<Page<A, B>, E, R> =>
    pages.pipe(
      Stream.map((page): Page<A, B> => {
        const newer = page.items.filter((item) => !DateTime.isLessThan(updatedAt(item), since))
        return newer.length === page.items.length ? page : { ...page, items: newer, next: undefined }
      }),
      Stream.takeUntil((page) => page.next === undefined)
    )
