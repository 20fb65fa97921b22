/**
 * Which execution of a sync is the current one, kept in the shared database so every runner agrees:
 * a sequence number per trigger key (an entity, a connector). A new execution takes the next
 * number only when the current one has completed. While one runs, an entity trigger it covers (any
 * trigger while a complete listing runs, an incremental one while an incremental one runs) joins it,
 * and a complete listing asked for during an incremental one is queued: the key keeps one queued
 * mode (a complete listing replaces a queued incremental one), which the running execution starts as
 * the next number when it closes (`request`, `closeRun`). Also holds the last schedule slot fired per
 * entity, so a schedule fires once per slot whichever runner hosts the scheduler, and the history of
 * fires (`syncflow.schedule_fires`: key, slot, which host:pid fired it, when) for operators.
 */
import { hostname } from "node:os"
import { Context, Effect, Layer, Option } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { listingKind, type SyncMode } from "../pipeline/SyncMode.ts"
import { migrate } from "../state/StateMigrations.ts"

/** The execution a trigger should run: its sequence number and whether the claim started it. */
export interface Claim {
  readonly seq: number
  /** `false` when an execution with this number may already be running (skip-if-running). */
  readonly fresh: boolean
}

/** What an entity trigger does (see `request`). */
export type TriggerAnswer =
  /** Nothing of the key was running: execution `seq` is to be started, in `mode`. */
  | { readonly status: "started"; readonly seq: number; readonly mode: SyncMode }
  /** The running execution `seq` (in `mode`) covers the request. */
  | { readonly status: "running"; readonly seq: number; readonly mode: SyncMode }
  /** Queued: execution `seq`, in `mode`, starts when `behind` (running) closes. */
  | { readonly status: "queued"; readonly seq: number; readonly mode: SyncMode; readonly behind: number }
  /** The running execution `seq` has already closed (it is ending): ask again once it has ended. */
  | { readonly status: "closing"; readonly seq: number }

/** The execution a closed one starts next: its sequence number and mode. */
export interface NextRun {
  readonly seq: number
  readonly mode: SyncMode
}

const isSyncMode = (mode: string | null): mode is SyncMode =>
  mode === "incremental" || mode === "full-refresh" || mode === "reconcile"

/**
 * Whether a running execution in `running` mode gives what a trigger for `requested` asks for: a
 * complete listing (`reconcile`, alias `full-refresh`) covers any request, an incremental one only
 * an incremental request. A running mode not recorded (an execution started before this was)
 * covers nothing.
 */
export const covers = (running: SyncMode | null, requested: SyncMode): boolean =>
  running !== null && (listingKind(running) === "complete" || listingKind(requested) === "incremental")

/**
 * The one mode to queue when `queued` is queued already and `requested` comes: a complete listing
 * replaces a queued incremental one (it reads everything); otherwise the first one queued stays.
 */
export const mergeQueued = (queued: SyncMode | null, requested: SyncMode): SyncMode =>
  queued === null || listingKind(queued) === "incremental" ? requested : queued

/** The trigger table's operations. */
export class WorkflowTriggers extends Context.Service<
  WorkflowTriggers,
  {
    /**
     * The sequence number to run for `key`: the current one while `isRunning` says its execution has
     * not completed, or the next one. Concurrent callers get the same number.
     */
    readonly claim: <E, R>(
      key: string,
      isRunning: (seq: number) => Effect.Effect<boolean, E, R>
    ) => Effect.Effect<Claim, E | SqlError.SqlError, R>
    /**
     * Records that the schedule slot `slot` of `key` fired (with the mode it starts, for operators);
     * `true` only for the one caller that moved it forward (any later slot wins over an earlier
     * one). With `arm`, a key seen for the first time only records its slot and does not fire: its
     * first fire is at its next slot (a daily reconciliation does not run at once for every entity
     * when a server starts).
     */
    readonly claimSlot: (
      key: string,
      slot: number,
      options?: { readonly mode?: string | undefined; readonly arm?: boolean | undefined }
    ) => Effect.Effect<boolean, SqlError.SqlError>
    /**
     * An entity trigger for `mode`: starts the next execution when none of `key` runs (see
     * `isRunning`), joins the running one when it covers the request (`covers`), or queues one behind
     * it. `followUp` always queues (an incremental one, unless a complete listing is queued already):
     * a change may have arrived after the running listing passed it. So does a request that comes
     * when the running execution's listing has ended (`hasListed`: its run is finished, only its last
     * bookkeeping is left): joining it would sync nothing the request asked for. Callers are
     * serialised per key.
     */
    readonly request: <E, R, E2 = never, R2 = never>(
      key: string,
      mode: SyncMode,
      options: {
        readonly followUp?: boolean | undefined
        readonly isRunning: (seq: number) => Effect.Effect<boolean, E, R>
        readonly hasListed?: ((seq: number) => Effect.Effect<boolean, E2, R2>) | undefined
      }
    ) => Effect.Effect<TriggerAnswer, E | E2 | SqlError.SqlError, R | R2>
    /**
     * Closes execution `seq` of `key` (its last step, also when it failed): the execution to start
     * next when one was queued, moving the current number on to it. Idempotent: a retried close
     * returns the same one.
     */
    readonly closeRun: (key: string, seq: number) => Effect.Effect<Option.Option<NextRun>, SqlError.SqlError>
    /** The current sequence number of `key` (0 when nothing was ever claimed), without claiming. */
    readonly current: (key: string) => Effect.Effect<number, SqlError.SqlError>
  }
>()("@syncflow/sync-engine/workflow/WorkflowTriggers") {
  /** The triggers over the ambient SQL client; applies the pending `syncflow` migrations first. */
  static readonly layer: Layer.Layer<WorkflowTriggers, SqlError.SqlError, SqlClient.SqlClient> = Layer.effect(
    WorkflowTriggers,
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      // Its tables come from the migrations (16): run them, so no path reaches a trigger before them.
      yield* migrate
      const firedBy = `${hostname()}:${process.pid}`

      const claim = <E, R>(key: string, isRunning: (seq: number) => Effect.Effect<boolean, E, R>) =>
        Effect.gen(function* () {
          const inserted = yield* sql.unsafe<{ readonly seq: string }>(
            `INSERT INTO syncflow.workflow_triggers (key, seq) VALUES ($1, 1) ON CONFLICT (key) DO NOTHING
             RETURNING seq::text`,
            [key]
          )
          if (inserted.length > 0) return { seq: 1, fresh: true }
          while (true) {
            const [current] = yield* sql.unsafe<{ readonly seq: string }>(
              `SELECT seq::text FROM syncflow.workflow_triggers WHERE key = $1`,
              [key]
            )
            const seq = Number(current?.seq ?? 0)
            if (seq > 0 && (yield* isRunning(seq))) return { seq, fresh: false }
            const bumped = yield* sql.unsafe<{ readonly seq: string }>(
              `UPDATE syncflow.workflow_triggers SET seq = seq + 1, rerun = false, updated_at = now()
               WHERE key = $1 AND seq = $2
               RETURNING seq::text`,
              [key, seq]
            )
            const next = bumped[0]
            if (next !== undefined) return { seq: Number(next.seq), fresh: true }
            // Another trigger moved it on first: its execution is the current one now.
          }
        }).pipe(Effect.withSpan("WorkflowTriggers.claim", { attributes: { key } }))

      const claimSlot = (
        key: string,
        slot: number,
        options: { readonly mode?: string | undefined; readonly arm?: boolean | undefined } = {}
      ) =>
        sql
          .unsafe(
            // `xmax = 0`: the row was inserted (the key is new), not updated.
            `WITH moved AS (
               INSERT INTO syncflow.workflow_triggers (key, last_slot, fired_at) VALUES ($1, $2, now())
               ON CONFLICT (key) DO UPDATE SET last_slot = excluded.last_slot, fired_at = excluded.fired_at,
                 updated_at = now()
               WHERE syncflow.workflow_triggers.last_slot IS NULL
                 OR syncflow.workflow_triggers.last_slot < excluded.last_slot
               RETURNING (xmax = 0) AS armed
             ), due AS (
               SELECT 1 FROM moved WHERE NOT ($5::boolean AND moved.armed)
             ), fired AS (
               INSERT INTO syncflow.schedule_fires (key, slot, fired_by, mode) SELECT $1, $2, $3, $4 FROM due
               ON CONFLICT DO NOTHING RETURNING 1
             )
             SELECT 1 FROM due`,
            [key, slot, firedBy, options.mode ?? null, options.arm === true]
          )
          .pipe(
            Effect.map((rows) => rows.length > 0),
            Effect.withSpan("WorkflowTriggers.claimSlot", { attributes: { key, slot } })
          )

      const request = <E, R, E2 = never, R2 = never>(
        key: string,
        mode: SyncMode,
        options: {
          readonly followUp?: boolean | undefined
          readonly isRunning: (seq: number) => Effect.Effect<boolean, E, R>
          readonly hasListed?: ((seq: number) => Effect.Effect<boolean, E2, R2>) | undefined
        }
      ) =>
        sql
          .withTransaction(
            Effect.gen(function* () {
              yield* sql.unsafe(
                `INSERT INTO syncflow.workflow_triggers (key, seq) VALUES ($1, 0) ON CONFLICT (key) DO NOTHING`,
                [key]
              )
              const [row] = yield* sql.unsafe<{
                readonly seq: string
                readonly mode: string | null
                readonly queued: string | null
                readonly rerun: boolean
                readonly closed: string | null
              }>(
                `SELECT seq::text, mode, queued_mode AS queued, rerun, closed_seq::text AS closed
                 FROM syncflow.workflow_triggers WHERE key = $1 FOR UPDATE`,
                [key]
              )
              const seq = Number(row?.seq ?? 0)
              const rowMode = row?.mode ?? null
              const running = isSyncMode(rowMode) ? rowMode : null
              const queuedMode = row?.queued ?? null
              // A follow-up asked for before modes were queued is a queued incremental sync.
              const queued = isSyncMode(queuedMode) ? queuedMode : row?.rerun === true ? "incremental" : null
              if (seq > 0 && (yield* options.isRunning(seq))) {
                if (row?.closed !== null && row?.closed !== undefined && Number(row.closed) >= seq) {
                  return { status: "closing", seq } as const
                }
                const joinable = options.followUp !== true && running !== null && covers(running, mode)
                if (joinable && !(options.hasListed !== undefined && (yield* options.hasListed(seq)))) {
                  return { status: "running", seq, mode: running } as const
                }
                const next = mergeQueued(queued, mode)
                yield* sql.unsafe(
                  `UPDATE syncflow.workflow_triggers SET queued_mode = $2, rerun = false, updated_at = now() WHERE key = $1`,
                  [key, next]
                )
                return { status: "queued", seq: seq + 1, mode: next, behind: seq } as const
              }
              // Nothing runs: the next execution starts (with what was left queued, if anything was).
              const next = mergeQueued(queued, mode)
              yield* sql.unsafe(
                `UPDATE syncflow.workflow_triggers
                 SET seq = seq + 1, mode = $2, queued_mode = NULL, rerun = false, updated_at = now() WHERE key = $1`,
                [key, next]
              )
              return { status: "started", seq: seq + 1, mode: next } as const
            })
          )
          .pipe(Effect.withSpan("WorkflowTriggers.request", { attributes: { key, mode } }))

      const closeRun = (key: string, seq: number) =>
        Effect.gen(function* () {
          const closed = yield* sql.unsafe<{ readonly seq: string; readonly mode: string | null }>(
            `UPDATE syncflow.workflow_triggers
             SET closed_seq = $2,
               seq = CASE WHEN rerun OR queued_mode IS NOT NULL THEN seq + 1 ELSE seq END,
               mode = CASE WHEN rerun OR queued_mode IS NOT NULL THEN COALESCE(queued_mode, 'incremental') ELSE mode END,
               rerun = false, queued_mode = NULL, updated_at = now()
             WHERE key = $1 AND seq = $2 AND (closed_seq IS NULL OR closed_seq < $2)
             RETURNING seq::text, mode`,
            [key, seq]
          )
          const nextRun = (row: { readonly seq: string; readonly mode: string | null }): NextRun => ({
            seq: Number(row.seq),
            mode: isSyncMode(row.mode) ? row.mode : "incremental"
          })
          const first = closed[0]
          if (first !== undefined) return Number(first.seq) > seq ? Option.some(nextRun(first)) : Option.none()
          // Closed already (a retried close): what it started, if it started one, is the current number.
          const [current] = yield* sql.unsafe<{
            readonly seq: string
            readonly closed: string | null
            readonly mode: string | null
          }>(`SELECT seq::text, closed_seq::text AS closed, mode FROM syncflow.workflow_triggers WHERE key = $1`, [key])
          return current !== undefined && Number(current.closed) === seq && Number(current.seq) === seq + 1
            ? Option.some(nextRun(current))
            : Option.none()
        }).pipe(Effect.withSpan("WorkflowTriggers.closeRun", { attributes: { key, seq } }))

      const current = (key: string) =>
        sql
          .unsafe<{ readonly seq: string }>(`SELECT seq::text FROM syncflow.workflow_triggers WHERE key = $1`, [key])
          .pipe(
            Effect.map((rows) => Number(rows[0]?.seq ?? 0)),
            Effect.withSpan("WorkflowTriggers.current", { attributes: { key } })
          )

      return WorkflowTriggers.of({ claim, claimSlot, request, closeRun, current })
    })
  )
}
