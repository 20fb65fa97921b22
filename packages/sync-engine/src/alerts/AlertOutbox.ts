/**
 * The alerts' outbox (table `syncflow.alert_deliveries`): one row per alert state change and
 * webhook, written with the change (see `AlertStore.record`). A deliverer claims the due rows (each
 * claim pushes the row's next attempt past `claimFor`, so a deliverer that dies mid-request leaves
 * it to be tried again, and two deliverers never send one row at once), sends them, and marks each
 * delivered, due again later (a retry with backoff) or given up. A change is delivered after the
 * earlier changes of the same alert to the same webhook.
 */
import { Context, Duration, Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { now, storeError } from "../state/storeHelpers.ts"
import { Alert, AlertState } from "./Alert.ts"

/** One delivery to make: a state change of an alert, to one webhook. */
export const AlertDelivery = Schema.Struct({
  id: Schema.String,
  /** The webhook's name (its URL and format are configuration, looked up when delivering). */
  webhook: Schema.String,
  /** The change: the alert fired, or resolved. */
  change: AlertState,
  /** Attempts made before this one. */
  attempts: Schema.Number,
  /** The alert as this change left it (a later value or resolution is another change's). */
  alert: Schema.toCodecJson(Alert)
})
/** One delivery to make. */
export type AlertDelivery = typeof AlertDelivery.Type

/** The outbox's operations. */
export interface AlertOutboxService {
  /**
   * Claims up to `limit` due deliveries (oldest first), pushing their next attempt `claimFor` ahead
   * (60 s by default) so nobody else takes them meanwhile.
   */
  readonly claimDue: (options?: {
    readonly limit?: number | undefined
    readonly claimFor?: Duration.Input | undefined
  }) => Effect.Effect<ReadonlyArray<AlertDelivery>, StateStoreError>
  /** The delivery got through: it is never sent again. */
  readonly delivered: (id: string) => Effect.Effect<void, StateStoreError>
  /** The attempt failed: counts it and makes the delivery due again `after` from now. */
  readonly retryLater: (id: string, error: string, after: Duration.Input) => Effect.Effect<void, StateStoreError>
  /** The delivery is given up (a permanent refusal, or its attempts are used). */
  readonly giveUp: (id: string, error: string) => Effect.Effect<void, StateStoreError>
  /** Deliveries not yet delivered nor given up. */
  readonly pending: Effect.Effect<number, StateStoreError>
}

/** The alerts' outbox (table `syncflow.alert_deliveries`). */
export class AlertOutbox extends Context.Service<AlertOutbox, AlertOutboxService>()(
  "@syncflow/sync-engine/alerts/AlertOutbox"
) {
  /** The outbox on the ambient `SqlClient`. */
  static readonly layer: Layer.Layer<AlertOutbox, never, SqlClient.SqlClient> = Layer.effect(
    AlertOutbox,
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const decode = Schema.decodeUnknownEffect(Schema.Array(AlertDelivery))

      const claimDue = Effect.fn("AlertOutbox.claimDue")(function* (
        options: { readonly limit?: number | undefined; readonly claimFor?: Duration.Input | undefined } = {}
      ) {
        const at = yield* now
        const until = new Date(
          at.getTime() + Duration.toMillis(Duration.fromInputUnsafe(options.claimFor ?? "60 seconds"))
        )
        return yield* sql
          .unsafe(
            `WITH due AS (
               SELECT d.id FROM syncflow.alert_deliveries d
               WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $1
                 AND NOT EXISTS (
                   SELECT 1 FROM syncflow.alert_deliveries earlier
                   WHERE earlier.alert_id = d.alert_id AND earlier.webhook = d.webhook AND earlier.id < d.id
                     AND earlier.delivered_at IS NULL AND earlier.failed_at IS NULL
                 )
               ORDER BY d.id LIMIT $3 FOR UPDATE SKIP LOCKED
             ), claimed AS (
               UPDATE syncflow.alert_deliveries d SET next_attempt_at = $2 FROM due WHERE d.id = due.id
               RETURNING d.id, d.webhook, d.change, d.attempts, d.alert
             )
             SELECT c.id::text AS id, c.webhook, c.change, c.attempts, c.alert FROM claimed c ORDER BY c.id`,
            [at, until, Math.max(1, Math.floor(options.limit ?? 50))]
          )
          .pipe(Effect.flatMap(decode))
      }, storeError("claimAlertDeliveries"))

      const delivered = Effect.fn("AlertOutbox.delivered")(function* (id: string) {
        yield* sql.unsafe(
          "UPDATE syncflow.alert_deliveries SET delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1",
          [id, yield* now]
        )
      }, storeError("alertDelivered"))

      const retryLater = Effect.fn("AlertOutbox.retryLater")(function* (
        id: string,
        error: string,
        after: Duration.Input
      ) {
        const at = yield* now
        yield* sql.unsafe(
          `UPDATE syncflow.alert_deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
           WHERE id = $1`,
          [id, error, new Date(at.getTime() + Duration.toMillis(Duration.fromInputUnsafe(after)))]
        )
      }, storeError("retryAlertDelivery"))

      const giveUp = Effect.fn("AlertOutbox.giveUp")(function* (id: string, error: string) {
        yield* sql.unsafe(
          "UPDATE syncflow.alert_deliveries SET attempts = attempts + 1, last_error = $2, failed_at = $3 WHERE id = $1",
          [id, error, yield* now]
        )
      }, storeError("giveUpAlertDelivery"))

      const pending = sql
        .unsafe<{ readonly n: number }>(
          "SELECT count(*)::int AS n FROM syncflow.alert_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL"
        )
        .pipe(
          Effect.map((rows) => rows[0]?.n ?? 0),
          Effect.withSpan("AlertOutbox.pending"),
          storeError("pendingAlertDeliveries")
        )

      return AlertOutbox.of({ claimDue, delivered, retryLater, giveUp, pending })
    })
  )
}
