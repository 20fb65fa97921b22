/**
 * Run-finished notifications to webhooks (an n8n workflow's), delivered durably from the outbox
 * `syncflow.run_notifications` (migration 20 of `@syncflow/sync-engine`): the database adds one row
 * per run end and subscribed target in the transaction that ends the run; `deliverDue` sends the due
 * rows (`FOR UPDATE SKIP LOCKED`, so processes sharing the database never send one row at the same
 * time), each with the run's summary as the JSON body and `Idempotency-Key: syncflow-run-<run>-<target>`,
 * and records the answer, or the error and the next attempt (backoff from 10 s doubling up to an hour,
 * 20 attempts). A process killed between a send and its record sends it again, under the same key.
 * The layer delivers every few seconds in the background.
 */
import { AdapterHttp, CurrentEndpoint, RetryPolicy } from "@syncflow/adapter-core"
import { Context, Duration, Effect, Layer, Schedule, Schema, type Scope } from "effect"
import { type HttpClient, HttpClientRequest } from "effect/http"
import { SqlClient, type SqlError } from "effect/sql"
import { NotificationTarget, type NotificationTargetSpec, RunNotification } from "./NotificationTarget.ts"

/** Notifications one pass claims at most. */
const BATCH = 20

/** Attempts before a notification is given up. */
export const MAX_ATTEMPTS = 20

const ENDPOINT = "notifications.deliver"

const decodeTargets = Schema.decodeUnknownEffect(Schema.Array(NotificationTarget))
const decodeNotifications = Schema.decodeUnknownEffect(Schema.Array(RunNotification))

const targetColumns = `id, connector_id AS "connectorId", definition_id AS "definitionId", webhook_url AS "webhookUrl", statuses`

/** What the notifier offers. */
export interface RunNotifierService {
  /** Subscribes a webhook to a connector's or a definition's run ends. */
  readonly subscribe: (
    spec: NotificationTargetSpec & { readonly id: string }
  ) => Effect.Effect<NotificationTarget, SqlError.SqlError | Schema.SchemaError>
  /** Every subscription. */
  readonly targets: Effect.Effect<ReadonlyArray<NotificationTarget>, SqlError.SqlError | Schema.SchemaError>
  /** Removes a subscription (and its undelivered notifications); whether it existed. */
  readonly unsubscribe: (id: string) => Effect.Effect<boolean, SqlError.SqlError>
  /** The notifications of a run, delivered or not. */
  readonly notificationsOf: (
    runId: string
  ) => Effect.Effect<ReadonlyArray<RunNotification>, SqlError.SqlError | Schema.SchemaError>
  /** Sends the due notifications once; how many were delivered. */
  readonly deliverDue: Effect.Effect<number, SqlError.SqlError | Schema.SchemaError>
}

const make = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  // Its own budgets and circuit breakers, for the life of the notifier.
  const memory = yield* Layer.build(AdapterHttp.layerMemory())
  const http = yield* AdapterHttp.make({
    retry: RetryPolicy.make({ maxAttempts: 3, retryUnsafeMethods: true, baseDelay: "200 millis" }),
    timeout: Duration.seconds(30)
  }).pipe(Effect.provideContext(memory))

  const subscribe = Effect.fn("RunNotifier.subscribe")(function* (
    spec: NotificationTargetSpec & { readonly id: string }
  ) {
    const rows = yield* sql.unsafe(
      `INSERT INTO syncflow.run_notification_targets (id, connector_id, definition_id, webhook_url, statuses)
       VALUES ($1, $2, $3, $4, $5::text[]) RETURNING ${targetColumns}`,
      [
        spec.id,
        spec.connectorId ?? null,
        spec.definitionId ?? null,
        spec.webhookUrl,
        `{${(spec.statuses ?? ["succeeded", "failed", "cancelled"]).join(",")}}`
      ]
    )
    const [target] = yield* decodeTargets(rows)
    if (target === undefined) return yield* Effect.die("the insert returned no row")
    return target
  })

  const send = (notification: RunNotification) =>
    Effect.gen(function* () {
      const request = HttpClientRequest.post(notification.webhookUrl).pipe(
        HttpClientRequest.setHeader("idempotency-key", `syncflow-run-${notification.runId}-${notification.targetId}`),
        HttpClientRequest.bodyText(JSON.stringify(notification.payload), "application/json")
      )
      const response = yield* http.execute(request).pipe(Effect.provideService(CurrentEndpoint, ENDPOINT))
      const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
      return { status: response.status, answer: text.slice(0, 2000) }
    })

  const deliverDue = Effect.gen(function* () {
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const rows = yield* sql.unsafe(
          `SELECT run_id::text AS "runId", target_id AS "targetId", webhook_url AS "webhookUrl", payload, attempts,
             delivered_at::text AS "deliveredAt", answer_status AS "answerStatus", answer, last_error AS "lastError"
           FROM syncflow.run_notifications
           WHERE delivered_at IS NULL AND next_attempt_at <= now() AND attempts < $1
           ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [MAX_ATTEMPTS]
        )
        const due = yield* decodeNotifications(rows)
        let delivered = 0
        for (const notification of due) {
          const outcome = yield* Effect.result(send(notification))
          if (outcome._tag === "Success") {
            delivered++
            yield* sql.unsafe(
              `UPDATE syncflow.run_notifications SET delivered_at = now(), attempts = attempts + 1,
                 answer_status = $3, answer = $4, last_error = NULL
               WHERE run_id = $1::uuid AND target_id = $2`,
              [notification.runId, notification.targetId, outcome.success.status, outcome.success.answer]
            )
          } else {
            const backoff = Math.min(3600, 10 * 2 ** notification.attempts)
            yield* sql.unsafe(
              `UPDATE syncflow.run_notifications SET attempts = attempts + 1, last_error = $3,
                 next_attempt_at = now() + make_interval(secs => $4)
               WHERE run_id = $1::uuid AND target_id = $2`,
              [notification.runId, notification.targetId, outcome.failure.message, backoff]
            )
            yield* Effect.logWarning("a run notification was not delivered").pipe(
              Effect.annotateLogs({
                runId: notification.runId,
                target: notification.targetId,
                attempt: notification.attempts + 1
              })
            )
          }
        }
        return delivered
      })
    )
  }).pipe(Effect.withSpan("RunNotifier.deliverDue"))

  return RunNotifier.of({
    subscribe,
    targets: sql
      .unsafe(`SELECT ${targetColumns} FROM syncflow.run_notification_targets ORDER BY id`)
      .pipe(Effect.flatMap(decodeTargets)),
    unsubscribe: (id) =>
      sql
        .unsafe("DELETE FROM syncflow.run_notification_targets WHERE id = $1 RETURNING 1", [id])
        .pipe(Effect.map((rows) => rows.length > 0)),
    notificationsOf: (runId) =>
      sql
        .unsafe(
          `SELECT run_id::text AS "runId", target_id AS "targetId", webhook_url AS "webhookUrl", payload, attempts,
             delivered_at::text AS "deliveredAt", answer_status AS "answerStatus", answer, last_error AS "lastError"
           FROM syncflow.run_notifications WHERE run_id::text = $1 ORDER BY target_id`,
          [runId]
        )
        .pipe(Effect.flatMap(decodeNotifications)),
    deliverDue
  })
})

/** Run-finished notifications: subscriptions and their durable delivery (see the module comment). */
export class RunNotifier extends Context.Service<RunNotifier, RunNotifierService>()("@syncflow/n8n/RunNotifier") {
  /** The notifier, without the background delivery. */
  static readonly make: Effect.Effect<
    RunNotifierService,
    never,
    SqlClient.SqlClient | HttpClient.HttpClient | Scope.Scope
  > = make

  /** The notifier, without the background delivery: a process that delivers with `deliverDue` itself. */
  static readonly layerWithoutDelivery: Layer.Layer<RunNotifier, never, SqlClient.SqlClient | HttpClient.HttpClient> =
    Layer.effect(RunNotifier, make)

  /** Delivers due notifications every `every` (2 seconds by default) while the layer lives: a server's part. */
  static readonly delivery = (every: Duration.Input = Duration.seconds(2)): Layer.Layer<never, never, RunNotifier> =>
    Layer.effectDiscard(
      Effect.gen(function* () {
        const notifier = yield* RunNotifier
        yield* notifier.deliverDue.pipe(
          Effect.catchCause((cause) => Effect.logWarning("run notifications: a delivery pass failed", cause)),
          Effect.repeat(Schedule.spaced(every)),
          Effect.forkScoped
        )
      })
    )

  /** The notifier, delivering due notifications every `every` (2 seconds by default) while the layer lives. */
  static readonly layer = (
    every: Duration.Input = Duration.seconds(2)
  ): Layer.Layer<RunNotifier, never, SqlClient.SqlClient | HttpClient.HttpClient> =>
    RunNotifier.delivery(every).pipe(Layer.provideMerge(RunNotifier.layerWithoutDelivery))
}
