/**
 * SyncFlow's alerts and their history (table `syncflow.alerts`), in PostgreSQL. `record` turns what
 * the rules found into state changes, in ONE transaction serialized cluster-wide by an advisory
 * lock: a rule that starts holding fires a new alert, a firing alert whose rule no longer holds
 * (or whose entity is gone, disabled or has the rule off) resolves; each change writes one outbox
 * row per webhook (`syncflow.alert_deliveries`, see `AlertOutbox`) in that same transaction.
 *
 * Its methods run on the ambient `SqlClient`. It needs the migrated schema `syncflow`.
 */
import { Context, Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { limitOf, now, storeError, textArray } from "../state/storeHelpers.ts"
import { Alert, type AlertState, type AlertViolation, alertKey } from "./Alert.ts"
import type { AlertRule } from "./AlertRule.ts"

/** Which alerts `list` returns (newest first). */
export interface AlertFilter {
  readonly state?: AlertState | undefined
  readonly rule?: AlertRule | undefined
  readonly connectorId?: string | undefined
  readonly entity?: string | undefined
  /** At most this many (1 to 10,000; 100 by default). */
  readonly limit?: number | undefined
}

/** What one `record` changed. */
export interface AlertChanges {
  readonly fired: ReadonlyArray<Alert>
  readonly resolved: ReadonlyArray<Alert>
  /** Alerts firing after the changes. */
  readonly firing: number
}

/** The alert store's operations. */
export interface AlertStoreService {
  /** Alerts, newest first: firing and resolved ones (the history), filtered. */
  readonly list: (filter?: AlertFilter) => Effect.Effect<ReadonlyArray<Alert>, StateStoreError>
  /**
   * Applies what holds now: fires the violations not yet firing, refreshes the value and summary of
   * those firing, resolves the firing alerts not among them. Each change gets one delivery per
   * webhook name in `webhooks`, in the same transaction.
   */
  readonly record: (
    violations: ReadonlyArray<AlertViolation>,
    webhooks: ReadonlyArray<string>
  ) => Effect.Effect<AlertChanges, StateStoreError>
}

const alertColumns = `id::text AS id, rule, connector_id AS "connectorId", NULLIF(entity, '') AS entity, state, summary,
  value, threshold, fired_at AS "firedAt", resolved_at AS "resolvedAt", updated_at AS "updatedAt"`

/** SyncFlow's alerts and their history (table `syncflow.alerts`). */
export class AlertStore extends Context.Service<AlertStore, AlertStoreService>()(
  "@syncflow/sync-engine/alerts/AlertStore"
) {
  /** The store on the ambient `SqlClient`. */
  static readonly layer: Layer.Layer<AlertStore, never, SqlClient.SqlClient> = Layer.effect(
    AlertStore,
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const decodeAlerts = Schema.decodeUnknownEffect(Schema.Array(Alert))

      const list = Effect.fn("AlertStore.list")(function* (filter: AlertFilter = {}) {
        return yield* sql
          .unsafe(
            `SELECT ${alertColumns} FROM syncflow.alerts
             WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR rule = $2)
               AND ($3::text IS NULL OR connector_id = $3) AND ($4::text IS NULL OR entity = $4)
             ORDER BY fired_at DESC, id DESC LIMIT $5`,
            [
              filter.state ?? null,
              filter.rule ?? null,
              filter.connectorId ?? null,
              filter.entity ?? null,
              limitOf(filter.limit, 100)
            ]
          )
          .pipe(Effect.flatMap(decodeAlerts))
      }, storeError("listAlerts"))

      const encodeAlert = Schema.encodeUnknownEffect(Schema.toCodecJson(Alert))

      // One outbox row per webhook, with the alert as this change left it (what the webhook receives).
      const enqueue = (alert: Alert, webhooks: ReadonlyArray<string>, at: Date) =>
        webhooks.length === 0
          ? Effect.void
          : Effect.gen(function* () {
              const snapshot = JSON.stringify(yield* encodeAlert(alert))
              yield* sql.unsafe(
                `INSERT INTO syncflow.alert_deliveries (alert_id, change, alert, webhook, next_attempt_at, created_at)
                 SELECT $1::bigint, $2, $3::jsonb, unnest($4::text[]), $5, $5
                 ON CONFLICT (alert_id, change, webhook) DO NOTHING`,
                [alert.id, alert.state, snapshot, yield* textArray(webhooks), at]
              )
            })

      const record = Effect.fn("AlertStore.record")(function* (
        violations: ReadonlyArray<AlertViolation>,
        webhooks: ReadonlyArray<string>
      ) {
        const at = yield* now
        return yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* sql.unsafe("SELECT pg_advisory_xact_lock(hashtextextended('syncflow:alerts', 0))")
            const firing = yield* sql
              .unsafe(`SELECT ${alertColumns} FROM syncflow.alerts WHERE state = 'firing'`)
              .pipe(Effect.flatMap(decodeAlerts))
            const byKey = new Map(firing.map((alert) => [alertKey(alert), alert]))
            const holding = new Set<string>()
            const fired: Array<Alert> = []
            const resolved: Array<Alert> = []
            for (const violation of violations) {
              const key = alertKey(violation)
              if (holding.has(key)) continue
              holding.add(key)
              const open = byKey.get(key)
              if (open !== undefined) {
                if (open.value !== violation.value || open.summary !== violation.summary) {
                  yield* sql.unsafe(
                    `UPDATE syncflow.alerts SET value = $2, threshold = $3, summary = $4, updated_at = $5 WHERE id = $1`,
                    [open.id, violation.value, violation.threshold, violation.summary, at]
                  )
                }
                continue
              }
              const inserted = yield* sql
                .unsafe(
                  `INSERT INTO syncflow.alerts (rule, connector_id, entity, state, summary, value, threshold, fired_at,
                     updated_at)
                   VALUES ($1, $2, $3, 'firing', $4, $5, $6, $7, $7)
                   RETURNING ${alertColumns}`,
                  [
                    violation.rule,
                    violation.connectorId,
                    violation.entity ?? "",
                    violation.summary,
                    violation.value,
                    violation.threshold,
                    at
                  ]
                )
                .pipe(Effect.flatMap(decodeAlerts))
              for (const alert of inserted) {
                yield* enqueue(alert, webhooks, at)
                fired.push(alert)
              }
            }
            for (const alert of firing) {
              if (holding.has(alertKey(alert))) continue
              const updated = yield* sql
                .unsafe(
                  `UPDATE syncflow.alerts SET state = 'resolved', resolved_at = $2, updated_at = $2
                   WHERE id = $1 AND state = 'firing' RETURNING ${alertColumns}`,
                  [alert.id, at]
                )
                .pipe(Effect.flatMap(decodeAlerts))
              for (const done of updated) {
                yield* enqueue(done, webhooks, at)
                resolved.push(done)
              }
            }
            return { fired, resolved, firing: holding.size }
          })
        )
      }, storeError("recordAlerts"))

      return AlertStore.of({ list, record })
    })
  )
}
