/**
 * One page of a listing, as `streamPages` emits it.
 */
import type { Cursor } from "./Cursor.ts"

/** A page of records with the cursor that fetched it and the cursor of the page after it. */
export interface Page<Item, Body = unknown> {
  /** The records of this page, in upstream order. */
  readonly items: ReadonlyArray<Item>
  /** The cursor that fetched this page (resume here to read it again). */
  readonly cursor: Cursor
  /** The cursor of the next page, or `undefined` when this is the last page. Save it after committing this page. */
  readonly next: Cursor | undefined
  /** The decoded body of the page, for envelope data such as side-loaded records or totals. */
  readonly body: Body
  /** The position of this page in this stream, from 0. */
  readonly index: number
  /**
   * How many records the whole listing holds, when the source says so (e.g. Planning Center's
   * `meta.total_count`): progress and ETA for whoever follows the sync. Absent when unknown.
   */
  readonly total?: number | undefined
}
