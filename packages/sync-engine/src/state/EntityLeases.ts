/**
 * One sync per entity: a lease per (connector, entity) in `syncflow.entity_leases`, held for the
 * whole sync by whoever runs it — a process calling the engine (`syncflow sync`) or a SyncEntity
 * workflow execution (by its execution id, so it keeps its lease when it moves to another runner).
 * Taken atomically (an insert that only overwrites an expired lease or the holder's own), renewed
 * while the sync works, released when it ends or fails. A holder that dies stops renewing: its lease
 * lapses after `ttl` and the next sync takes over.
 *
 * Runs whose executor is gone are marked `abandoned` with the reason: by the next sync of the entity
 * (`abandonOthers`, once it holds the lease) and by a periodic `sweep` (running runs of entities
 * nobody holds a live lease on). Times come from the Effect `Clock`.
 */
import { PgTypes } from "@effect/sql-pg"
import { Clock, Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { EntityBusy } from "./EntityBusy.ts"

/** How long a lease lasts without renewal by default (2 minutes); holders renew it every third of that. */
export const defaultLeaseTtl: Duration.Duration = Duration.minutes(2)

/** Which entity a lease is for. */
export interface LeaseKey {
  readonly connectorId: string
  readonly entity: string
  /** The sync definition holding it; absent for the entity's default sync. */
  readonly definitionId?: string | undefined
}

/** A lease as stored. */
export const EntityLease = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  holder: Schema.String,
  runId: Schema.NullOr(Schema.String),
  acquiredAt: Schema.DateTimeUtcFromDate,
  expiresAt: Schema.DateTimeUtcFromDate
})
/** A lease as stored. */
export type EntityLease = typeof EntityLease.Type

/** A run marked abandoned by `sweep` or `abandonOthers`. */
export interface AbandonedRun {
  readonly runId: string
  readonly connectorId: string
  readonly entity: string
}

/** The modes of the runs a lease covers (a retry run, e.g., is not a listing and holds no lease). */
const syncModes = `('incremental', 'full-refresh', 'reconcile')`

const leaseColumns = `connector_id AS "connectorId", entity, holder, run_id::text AS "runId",
  acquired_at AS "acquiredAt", expires_at AS "expiresAt"`

/** The lease table's operations. */
export class EntityLeases extends Context.Service<
  EntityLeases,
  {
    /** How long a lease lasts without renewal. */
    readonly ttl: Duration.Duration
    /**
     * Takes the entity's lease for `holder`, or renews it when `holder` has it already. Fails with
     * `EntityBusy` (naming the holder) while another holder's lease has not expired.
     */
    readonly acquire: (key: LeaseKey, holder: string) => Effect.Effect<EntityLease, EntityBusy | SqlError.SqlError>
    /** Records the run the holder is running (shown by `EntityBusy`). */
    readonly attachRun: (key: LeaseKey, holder: string, runId: string) => Effect.Effect<void, SqlError.SqlError>
    /** Releases the lease if `holder` has it (idempotent). */
    readonly release: (key: LeaseKey, holder: string) => Effect.Effect<void, SqlError.SqlError>
    /** The entity's lease, live or expired, if one is stored. */
    readonly current: (key: LeaseKey) => Effect.Effect<Option.Option<EntityLease>, SqlError.SqlError>
    /**
     * Marks every running run of the entity but `keep` abandoned: call it holding the lease, so no
     * other executor can be running them.
     */
    readonly abandonOthers: (
      key: LeaseKey,
      keep: string
    ) => Effect.Effect<ReadonlyArray<AbandonedRun>, SqlError.SqlError>
    /** Marks abandoned the running runs of every entity that has no live lease: their executor is gone. */
    readonly sweep: Effect.Effect<ReadonlyArray<AbandonedRun>, SqlError.SqlError>
  }
>()("@syncflow/sync-engine/state/EntityLeases") {
  /** Builds the leases over the ambient SQL client (the table comes with the `syncflow` migration 6). */
  static readonly make = (
    options: { readonly ttl?: Duration.Input | undefined } = {}
  ): Effect.Effect<EntityLeases["Service"], never, SqlClient.SqlClient> =>
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const ttl = Duration.fromInputUnsafe(options.ttl ?? defaultLeaseTtl)
      const decode = Schema.decodeUnknownEffect(Schema.Array(EntityLease))
      const now = Clock.currentTimeMillis

      const current = (key: LeaseKey) =>
        sql
          .unsafe(
            `SELECT ${leaseColumns} FROM syncflow.entity_leases
             WHERE connector_id = $1 AND entity = $2 AND definition_id IS NOT DISTINCT FROM $3::text`,
            [key.connectorId, key.entity, key.definitionId ?? null]
          )
          .pipe(
            Effect.flatMap((rows) => Effect.orDie(decode(rows))),
            Effect.map((rows) => Option.fromUndefinedOr(rows[0]))
          )

      const acquire = (key: LeaseKey, holder: string) =>
        Effect.gen(function* () {
          while (true) {
            const at = yield* now
            const taken = yield* sql
              .unsafe(
                `INSERT INTO syncflow.entity_leases AS l
                     (connector_id, entity, holder, run_id, acquired_at, renewed_at, expires_at, definition_id)
                   VALUES ($1, $2, $3, NULL, $4, $4, $5, $6::text)
                   ON CONFLICT (connector_id, entity, (COALESCE(definition_id, ''))) DO UPDATE SET
                     holder = excluded.holder,
                     run_id = CASE WHEN l.holder = excluded.holder THEN l.run_id END,
                     acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END,
                     renewed_at = excluded.renewed_at,
                     expires_at = excluded.expires_at
                   WHERE l.holder = excluded.holder OR l.expires_at <= excluded.renewed_at
                   RETURNING ${leaseColumns}`,
                [
                  key.connectorId,
                  key.entity,
                  holder,
                  new Date(at),
                  new Date(at + Duration.toMillis(ttl)),
                  key.definitionId ?? null
                ]
              )
              .pipe(Effect.flatMap((rows) => Effect.orDie(decode(rows))))
            if (taken[0] !== undefined) return taken[0]
            const other = yield* current(key)
            // Released between the two statements: try again.
            if (Option.isNone(other)) continue
            return yield* new EntityBusy({
              connectorId: key.connectorId,
              entity: key.entity,
              holder: other.value.holder,
              runId: other.value.runId,
              expiresAt: new Date(other.value.expiresAt.epochMilliseconds).toISOString()
            })
          }
        }).pipe(Effect.withSpan("EntityLeases.acquire", { attributes: { ...key, holder } }))

      /** The lease row of `key` (the first parameters of a statement). */
      const keyParams = (key: LeaseKey) => [key.connectorId, key.entity, key.definitionId ?? null]
      const keyMatch = "connector_id = $1 AND entity = $2 AND definition_id IS NOT DISTINCT FROM $3::text"

      const attachRun = (key: LeaseKey, holder: string, runId: string) =>
        sql
          .unsafe(`UPDATE syncflow.entity_leases SET run_id = $5 WHERE ${keyMatch} AND holder = $4`, [
            ...keyParams(key),
            holder,
            PgTypes.uuid(runId)
          ])
          .pipe(Effect.asVoid)

      const release = (key: LeaseKey, holder: string) =>
        sql
          .unsafe(`DELETE FROM syncflow.entity_leases WHERE ${keyMatch} AND holder = $4`, [...keyParams(key), holder])
          .pipe(Effect.asVoid, Effect.withSpan("EntityLeases.release", { attributes: { ...key, holder } }))

      const abandoned = (rows: ReadonlyArray<{ readonly id: string; readonly c: string; readonly e: string }>) =>
        rows.map((row): AbandonedRun => ({ runId: row.id, connectorId: row.c, entity: row.e }))

      const abandonOthers = (key: LeaseKey, keep: string) =>
        Effect.gen(function* () {
          const at = new Date(yield* now)
          const rows = yield* sql.unsafe<{ readonly id: string; readonly c: string; readonly e: string }>(
            `UPDATE syncflow.sync_runs SET status = 'abandoned', finished_at = $5::timestamptz,
                 duration_ms = GREATEST(0, round(extract(epoch FROM ($5::timestamptz - started_at)) * 1000))::bigint,
                 error = 'abandoned: its sync stopped without finishing (the process or workflow running it is gone); run ' || $4::text || ' took the entity over'
               WHERE ${keyMatch} AND status = 'running' AND id <> $4::uuid AND mode IN ${syncModes}
               RETURNING id::text, connector_id AS c, entity AS e`,
            [...keyParams(key), PgTypes.uuid(keep), at]
          )
          return abandoned(rows)
        }).pipe(Effect.withSpan("EntityLeases.abandonOthers", { attributes: { ...key, keep } }))

      const sweep = Effect.gen(function* () {
        const at = new Date(yield* now)
        const rows = yield* sql.unsafe<{ readonly id: string; readonly c: string; readonly e: string }>(
          `UPDATE syncflow.sync_runs r SET status = 'abandoned', finished_at = $1::timestamptz,
               duration_ms = GREATEST(0, round(extract(epoch FROM ($1::timestamptz - r.started_at)) * 1000))::bigint,
               error = 'abandoned: its sync stopped without finishing (no live lease: the process or workflow running it is gone)'
             WHERE r.status = 'running' AND r.mode IN ${syncModes} AND NOT EXISTS (
               SELECT 1 FROM syncflow.entity_leases l
               WHERE l.connector_id = r.connector_id AND l.entity = r.entity
                 AND l.definition_id IS NOT DISTINCT FROM r.definition_id AND l.expires_at > $1::timestamptz
             )
             RETURNING r.id::text, r.connector_id AS c, r.entity AS e`,
          [at]
        )
        return abandoned(rows)
      }).pipe(Effect.withSpan("EntityLeases.sweep"))

      return EntityLeases.of({ ttl, acquire, attachRun, release, current, abandonOthers, sweep })
    })

  /** The leases over the ambient SQL client, with this time to live. */
  static readonly layerWith = (options: { readonly ttl?: Duration.Input | undefined } = {}) =>
    Layer.effect(EntityLeases, EntityLeases.make(options))

  /** The leases with the default time to live. */
  static readonly layer = EntityLeases.layerWith()
}
