/**
 * A window: consecutive pages whose rows are committed together with the checkpoint after them,
 * so a crash re-reads at most one window.
 */
import type { Cursor, Page, SourceRecord } from "@syncflow/adapter-core"
import { Stream } from "effect"
import type { StagesResult } from "../stages/Stages.ts"

/** A page with the result of stages 2-5 on its records. */
export interface StagedPage {
  readonly page: Page<SourceRecord>
  readonly staged: StagesResult
}

/** Consecutive staged pages and the cursor after the last of them (`undefined` at the end of the listing). */
export interface Window {
  readonly pages: ReadonlyArray<StagedPage>
  readonly next: Cursor.Cursor | undefined
  readonly rows: number
}

/** Groups staged pages into windows of at least `rows` records (the last one may be smaller). */
export const windows =
  (rows: number) =>
  <E, R>(self: Stream.Stream<StagedPage, E, R>): Stream.Stream<Window, E, R> =>
    self.pipe(
      Stream.mapAccum(
        (): ReadonlyArray<StagedPage> => [],
        (buffered, staged) => {
          const pages = [...buffered, staged]
          const total = pages.reduce((n, p) => n + p.page.items.length, 0)
          return total >= rows || staged.page.next === undefined
            ? [[], [{ pages, next: staged.page.next, rows: total }]]
            : [pages, []]
        },
        {
          onHalt: (buffered) =>
            buffered.length === 0
              ? []
              : [
                  {
                    pages: buffered,
                    next: buffered.at(-1)?.page.next,
                    rows: buffered.reduce((n, p) => n + p.page.items.length, 0)
                  }
                ]
        }
      )
    )
