/**
 * Which execution of a sync is the current one, kept in the shared database so every runner agrees:
 * a sequence number per trigger key (an entity, a connector). A new execution takes the next
 * number only when the current one has completed, which is how a trigger skips a sync that is still
 * running. Also holds the last schedule slot fired per entity, so a schedule fires once per slot
 * whichever runner hosts the scheduler, and the history of fires (`syncflow.schedule_fires`: key,
 * slot, which host:pid fired it, when) for operators.
 */
import { hostname } from "node:os"
import { Context, Effect, Layer, Option } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { withDdlLock } from "../destination/DdlLock.ts"

/** The execution a trigger should run: its sequence number and whether the claim started it. */
export interface Claim {
  readonly seq: number
  /** `false` when an execution with this number may already be running (skip-if-running). */
  readonly fresh: boolean
}

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
     * Asks for one more execution after the running one `seq` of `key` (a change may have arrived
     * after its listing passed it). `false` when that execution has already closed (it is finishing):
     * the caller then starts a new one itself.
     */
    readonly requestRerun: (key: string, seq: number) => Effect.Effect<boolean, SqlError.SqlError>
    /**
     * Closes execution `seq` of `key` (its last step): the sequence number of the follow-up execution
     * to start when one was asked for, moving the current number on to it. Idempotent: a retried close
     * returns the same follow-up.
     */
    readonly closeRun: (key: string, seq: number) => Effect.Effect<Option.Option<number>, SqlError.SqlError>
  }
>()("@syncflow/sync-engine/workflow/WorkflowTriggers") {
  /** The triggers over the ambient SQL client; creates its table when missing. */
  static readonly layer: Layer.Layer<WorkflowTriggers, SqlError.SqlError, SqlClient.SqlClient> = Layer.effect(
    WorkflowTriggers,
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      // Several runners may start at once: one creates the table, the others wait for it.
      yield* withDdlLock(
        sql,
        Effect.gen(function* () {
          yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS syncflow`)
          yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS syncflow.workflow_triggers (
  key text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  last_slot bigint,
  fired_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
)`)
          yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS syncflow.schedule_fires (
  key text NOT NULL,
  slot bigint NOT NULL,
  fired_by text NOT NULL,
  fired_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, slot)
)`)
          // The mode each fire started (a reconciliation, or the entity's scheduled mode).
          yield* sql.unsafe(`ALTER TABLE syncflow.schedule_fires ADD COLUMN IF NOT EXISTS mode text`)
          // Follow-up executions: asked for while one runs, started by it when it closes.
          yield* sql.unsafe(`ALTER TABLE syncflow.workflow_triggers
  ADD COLUMN IF NOT EXISTS rerun boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS closed_seq bigint`)
        })
      )
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

      const requestRerun = (key: string, seq: number) =>
        sql
          .unsafe(
            `UPDATE syncflow.workflow_triggers SET rerun = true, updated_at = now()
             WHERE key = $1 AND seq = $2 AND (closed_seq IS NULL OR closed_seq < $2)
             RETURNING 1`,
            [key, seq]
          )
          .pipe(
            Effect.map((rows) => rows.length > 0),
            Effect.withSpan("WorkflowTriggers.requestRerun", { attributes: { key, seq } })
          )

      const closeRun = (key: string, seq: number) =>
        Effect.gen(function* () {
          const closed = yield* sql.unsafe<{ readonly seq: string }>(
            `UPDATE syncflow.workflow_triggers
             SET closed_seq = $2, rerun = false, seq = CASE WHEN rerun THEN seq + 1 ELSE seq END, updated_at = now()
             WHERE key = $1 AND seq = $2 AND (closed_seq IS NULL OR closed_seq < $2)
             RETURNING seq::text`,
            [key, seq]
          )
          const next = closed[0] === undefined ? undefined : Number(closed[0].seq)
          if (next !== undefined) return next > seq ? Option.some(next) : Option.none()
          // Closed already (a retried close): its follow-up, if it asked for one, is the current number.
          const [current] = yield* sql.unsafe<{ readonly seq: string; readonly closed: string | null }>(
            `SELECT seq::text, closed_seq::text AS closed FROM syncflow.workflow_triggers WHERE key = $1`,
            [key]
          )
          return current !== undefined && Number(current.closed) === seq && Number(current.seq) === seq + 1
            ? Option.some(seq + 1)
            : Option.none()
        }).pipe(Effect.withSpan("WorkflowTriggers.closeRun", { attributes: { key, seq } }))

      return WorkflowTriggers.of({ claim, claimSlot, requestRerun, closeRun })
    })
  )
}
