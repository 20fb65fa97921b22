/**
 * The optional write side of an adapter: create, update and delete records of an entity in the
 * upstream system, one at a time or in batches where the API has a batch endpoint. A destination
 * that pushes into a target system (ScheduleHub, PCO) drives an adapter through this contract; the
 * outcome of each operation is data (a {@link WriteResult}), so one refused record never fails the
 * others, and only transport-level trouble (after retries) is an `AdapterError`.
 */
import type { Effect } from "effect"
import type { AdapterError } from "../errors/AdapterError.ts"
import type { SourceRecord } from "./Adapter.ts"

/** Where a write comes from when a sync makes it: the same on a replayed window. */
export interface WriteContext {
  /** The sync (a definition's id, or `<connector>-><target>/<entity>`). */
  readonly syncId: string
  /** The run writing. */
  readonly runId: string
  /** The window's position in the run's listing. */
  readonly window: string
  /** The batch's index within the window. */
  readonly batch: number
}

/** Options of one write request. */
export interface WriteOptions {
  /**
   * Sent as the request's idempotency key where the API takes one: the same key repeated (after a
   * crash or a lost answer) changes nothing the first request did not.
   */
  readonly idempotencyKey?: string | undefined
  /** The sync, run and window the write belongs to, for targets that want to know (an n8n webhook). */
  readonly context?: WriteContext | undefined
}

/** One operation of a batch. `id` is the target system's own id of the record. */
export type WriteOperation =
  | { readonly op: "create"; readonly record: SourceRecord }
  | { readonly op: "update"; readonly id: string; readonly record: SourceRecord }
  | { readonly op: "delete"; readonly id: string }

/**
 * What became of one operation, as the target answered it:
 * - `created`, `updated`, `deleted`: applied; `id` is the record's id in the target.
 * - `conflict`: a create met a live record with the same key (`id` names it): retry as an update.
 * - `notFound`: an update or delete of an id the target does not hold (a delete is then done).
 * - `parentMissing`: the record names a parent the target does not hold yet: park it.
 * - `invalid`: the target refused the record (`field` and `message` say why): a failed record.
 * - `refused`: any other refusal of this record alone (`status` and `message` say which).
 */
export type WriteResult =
  | { readonly _tag: "created" | "updated"; readonly id: string; readonly record?: SourceRecord | undefined }
  | { readonly _tag: "deleted"; readonly id: string }
  | { readonly _tag: "conflict"; readonly id: string }
  | { readonly _tag: "notFound" }
  | {
      readonly _tag: "parentMissing"
      readonly parentEntity: string
      /** The parent's key as the target names it (ScheduleHub: the parent's `erp_key_hash`). */
      readonly parentKey: string
    }
  | { readonly _tag: "invalid"; readonly field?: string | undefined; readonly message: string }
  | { readonly _tag: "refused"; readonly status: number; readonly message: string }

/** The write capability of an adapter, for the entities it can write. */
export interface RecordWriter<R = never> {
  /** The entities this adapter can write (a subset of its manifests' entities). */
  readonly entities: ReadonlyArray<string>
  /** Creates a record; the result carries the target's id. */
  readonly create: (
    entity: string,
    record: SourceRecord,
    options?: WriteOptions
  ) => Effect.Effect<WriteResult, AdapterError, R>
  /** Updates the record of this id with the fields given. */
  readonly update: (
    entity: string,
    id: string,
    record: SourceRecord,
    options?: WriteOptions
  ) => Effect.Effect<WriteResult, AdapterError, R>
  /** Deletes the record of this id; deleting one already gone is `notFound`, not an error. */
  readonly delete: (entity: string, id: string, options?: WriteOptions) => Effect.Effect<WriteResult, AdapterError, R>
  /**
   * Where the API has a batch endpoint: at most `maxOperations` operations in one request, one
   * result per operation, in order. A batch need not be atomic.
   */
  readonly batch?:
    | {
        readonly maxOperations: number
        readonly run: (
          entity: string,
          operations: ReadonlyArray<WriteOperation>,
          options?: WriteOptions
        ) => Effect.Effect<ReadonlyArray<WriteResult>, AdapterError, R>
      }
    | undefined
  /**
   * Finds the target's ids of records by the key the target indexes them by (ScheduleHub:
   * `erp_key_hash`), for keys SyncFlow's ledger does not know yet. Absent keys are left out.
   */
  readonly lookup?:
    | ((entity: string, keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, string>, AdapterError, R>)
    | undefined
}
