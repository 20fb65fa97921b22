/**
 * A window: consecutive pages whose rows are committed together with the checkpoint after them,
 * so a crash re-reads at most one window.
 */
import type { Cursor } from "@syncflow/adapter-core"
import { Stream } from "effect"
import type { IngestRow } from "../destination/TableDestination.ts"
import type { PipelineWindow } from "../etl/compilePipeline.ts"
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { Identified, SourceRecord } from "../stages/Row.ts"
import type { StageCounts } from "../stages/Stages.ts"

/**
 * A page after stages 2-5: its rows as the destination takes them, its failures, its counts and the
 * cursor after it. The page's raw records are not kept (failures carry their own), so they can be
 * collected as soon as the page is staged rather than living as long as the window; only an entity
 * that parks orphans keeps them, for the rows it may park (`raws`, see `parkedRaws.ts`).
 */
export interface WindowPage {
  readonly rows: ReadonlyArray<IngestRow>
  /** The rows' raw records by business-key hash, kept only when the entity parks orphans. */
  readonly raws?: ReadonlyMap<string, SourceRecord> | undefined
  readonly failures: ReadonlyArray<RecordFailure>
  readonly counts: StageCounts
  /** The cursor after the page (`undefined` on the last page of the listing). */
  readonly next: Cursor.Cursor | undefined
  /** The records the whole listing holds, when the source said (the adapter page's `total`). */
  readonly total?: number | undefined
  /** The milliseconds the Transform stage (a definition's field mapping) took on the page, when it has one. */
  readonly transformMs?: number | undefined
  /** The identified records, kept (instead of `rows`) when a definition's ETL steps run on the window. */
  readonly records?: ReadonlyArray<Identified> | undefined
}

/** Consecutive staged pages and the cursor after the last of them (`undefined` at the end of the listing). */
export interface Window {
  readonly pages: ReadonlyArray<WindowPage>
  readonly next: Cursor.Cursor | undefined
  /** The number of records fetched for the window. */
  readonly rows: number
  /** What a definition's ETL steps made of the window's records (their rows replace the pages'). */
  readonly etl?: PipelineWindow | undefined
}

/** Groups staged pages into windows of at least `rows` records (the last one may be smaller). */
export const windows =
  (rows: number) =>
  <E, R>(self: Stream.Stream<WindowPage, E, R>): Stream.Stream<Window, E, R> =>
    self.pipe(
      Stream.mapAccum(
        (): { readonly pages: ReadonlyArray<WindowPage>; readonly total: number } => ({ pages: [], total: 0 }),
        (buffered, staged) => {
          const pages = [...buffered.pages, staged]
          const total = buffered.total + staged.counts.input
          return total >= rows || staged.next === undefined
            ? [{ pages: [], total: 0 }, [{ pages, next: staged.next, rows: total }]]
            : [{ pages, total }, []]
        },
        {
          onHalt: (buffered) =>
            buffered.pages.length === 0
              ? []
              : [{ pages: buffered.pages, next: buffered.pages.at(-1)?.next, rows: buffered.total }]
        }
      )
    )

/** The listing's total as the window's last page that gave one said, or `null` when none did. */
export const windowTotal = (window: Window): number | null =>
  window.pages.findLast((page) => page.total !== undefined)?.total ?? null
