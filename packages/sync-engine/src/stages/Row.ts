/**
 * The record shapes that flow between the stages.
 */
import type { SourceRecord } from "@syncflow/adapter-core"

/** A record as the source gives it (adapter-core's `SourceRecord`). */
export type { SourceRecord }

/** A record keyed by field name, after a stage has transformed it. */
export type Row = Readonly<Record<string, unknown>>

/** A record after Normalize (and Validate): the raw record and its clean form keyed by logical field name. */
export interface Normalized {
  readonly raw: SourceRecord
  readonly normalized: Row
}

/** A record after Map: its clean form keyed by destination column, in the destination's column order. */
export interface Mapped extends Normalized {
  readonly mapped: Row
}

/** A record after Identity: its business-key hash (32 hex) and data hash (64 hex). */
export interface Identified extends Mapped {
  readonly keyHash: string
  readonly dataHash: string
}
