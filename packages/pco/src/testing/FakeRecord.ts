/**
 * A record as the fake stores it: its wire attributes (JSON values, timestamps already in Planning
 * Center's format), its to-one references by id, and its timestamps in epoch seconds for filtering
 * and ordering.
 */
import type { FakeType } from "./ResourceTypes.ts"

/** One record of the fake's dataset. */
export interface FakeRecord {
  readonly type: FakeType
  readonly id: number
  /** Attributes as sent on the wire. */
  readonly attributes: Readonly<Record<string, unknown>>
  /** To-one relationships: name -> id of the related record, or `null`. */
  readonly refs: Readonly<Record<string, number | null>>
  /** `created_at`, in epoch seconds. */
  readonly createdAt: number
  /** `updated_at`, in epoch seconds. */
  readonly updatedAt: number
}

/** Formats epoch seconds as Planning Center does: `YYYY-MM-DDTHH:MM:SSZ`. */
export const formatSeconds = (seconds: number): string => `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`

/** Formats epoch seconds as the UTC day: `YYYY-MM-DD`. */
export const formatDay = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10)
