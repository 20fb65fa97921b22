/**
 * The contract between a source adapter and the sync engine: the engine knows an adapter only as
 * entity manifests and resumable streams of record pages, never as a specific API.
 */
import type { Effect, Stream } from "effect"
import type { AdapterError } from "../errors/AdapterError.ts"
import type { Cursor } from "../pagination/Cursor.ts"
import type { Page } from "../pagination/Page.ts"
import type { EntityManifest } from "./EntityManifest.ts"
import type { RecordWriter } from "./RecordWriter.ts"

/** A record as the source gives it: field names to raw values, before normalization. */
export type SourceRecord = Readonly<Record<string, unknown>>

/** How to list an entity's records. */
export interface ListRecordsOptions {
  /** Resume after a committed page: the `next` cursor saved with it. */
  readonly from?: Cursor
  /** Incremental listing: only records whose cursor field is at or past this value. */
  readonly since?: string
  /** Records per page (capped at the upstream's maximum). */
  readonly pageSize?: number
  /**
   * The most pages to request at once, where the source can be asked for its pages in any order
   * (offset or page-number paging); 1, one page after another, by default. The pages still come in
   * the listing's order with the same cursors, so checkpoints and resumes are unchanged. Adapters
   * whose listing only names the next page (cursor tokens, next links) read one page at a time.
   */
  readonly concurrency?: number
}

/** A source of records, as the engine uses it. */
export interface Adapter<R = never> {
  /** The adapter's name, e.g. `pco` or `apismith`. */
  readonly name: string
  /** The entities this connection offers, discovered or declared. */
  readonly manifests: Effect.Effect<ReadonlyArray<EntityManifest>, AdapterError, R>
  /** The pages of an entity's records, in constant memory, resumable from a saved cursor. */
  readonly streamPages: (
    entity: string,
    options?: ListRecordsOptions
  ) => Stream.Stream<Page<SourceRecord>, AdapterError, R>
  /** Checks that the upstream is reachable and the credentials work. */
  readonly testConnection: Effect.Effect<void, AdapterError, R>
  /** The write side, for adapters whose upstream accepts writes (see `RecordWriter`). */
  readonly write?: RecordWriter<R> | undefined
}
