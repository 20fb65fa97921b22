/**
 * The alert deliverer: one for the whole cluster (a cluster `Singleton`, like the evaluator). Every
 * few seconds it claims the due rows of the alerts' outbox (`AlertOutbox`), POSTs each to its
 * webhook (the generic JSON or the Slack payload, signed: see `AlertSignature`), and marks it
 * delivered on a 2xx. A 5xx, 408, 429, timeout or network error is retried with exponential backoff
 * (10 s doubling to 1 hour, 12 attempts by default); any other answer, or a webhook no longer
 * configured, gives it up. Each state change thus reaches each webhook once; only a deliverer that
 * dies between the webhook's answer and marking the row sends it again, with the same
 * `X-SyncFlow-Delivery` id.
 */
import { AlertOutbox } from "@syncflow/sync-engine"
import { Clock, Duration, Effect, type Layer, Redacted } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import { HttpClient, HttpClientRequest } from "effect/http"
import { deliveryHeader, eventHeader, signAlertDelivery, signatureHeader, timestampHeader } from "./AlertSignature.ts"
import type { AlertWebhook } from "./AlertWebhook.ts"
import { alertPayload, deliveryId, eventOf } from "./alertPayload.ts"

/** The deliverer's settings. */
export interface AlertDelivererOptions {
  readonly webhooks: ReadonlyArray<AlertWebhook>
  /** How often the outbox is looked at (every 5 seconds by default). */
  readonly every?: Duration.Input | undefined
  /** Attempts per delivery, the first included (12 by default). */
  readonly maxAttempts?: number | undefined
  /** The delay before the first retry; doubled for each next one (10 seconds by default). */
  readonly firstRetry?: Duration.Input | undefined
  /** The longest delay between attempts (1 hour by default). */
  readonly maxRetryDelay?: Duration.Input | undefined
  /** How long a webhook has to answer (10 seconds by default). */
  readonly timeout?: Duration.Input | undefined
  /** Called after every pass with what it did (for monitoring and tests). */
  readonly onPass?: ((pass: DeliveryPass) => Effect.Effect<void>) | undefined
}

/** What one pass did. */
export interface DeliveryPass {
  readonly delivered: number
  readonly retrying: number
  readonly givenUp: number
}

/** The outcome of one attempt. */
type Attempt =
  | { readonly _tag: "Delivered" }
  | { readonly _tag: "Retry"; readonly error: string }
  | { readonly _tag: "GiveUp"; readonly error: string }

const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429

/** The delay after the `attempts`-th failed attempt: `firstRetry` doubled per attempt, capped. */
export const retryDelay = (options: AlertDelivererOptions, attempts: number): Duration.Duration => {
  const first = Duration.toMillis(Duration.fromInputUnsafe(options.firstRetry ?? "10 seconds"))
  const max = Duration.toMillis(Duration.fromInputUnsafe(options.maxRetryDelay ?? "1 hour"))
  return Duration.millis(Math.min(max, first * 2 ** Math.max(0, attempts - 1)))
}

/** POSTs one delivery to its webhook, signed at the clock's time. */
const attempt = (webhook: AlertWebhook, body: string, headers: Record<string, string>, timeout: Duration.Input) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const timestamp = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const request = HttpClientRequest.post(Redacted.value(webhook.url)).pipe(
      HttpClientRequest.setHeaders({
        ...headers,
        [timestampHeader]: String(timestamp),
        [signatureHeader]: signAlertDelivery(webhook.secret, timestamp, body)
      }),
      HttpClientRequest.bodyText(body, "application/json")
    )
    const response = yield* client.execute(request).pipe(Effect.timeout(timeout))
    const outcome: Attempt =
      response.status >= 200 && response.status < 300
        ? { _tag: "Delivered" }
        : retryableStatus(response.status)
          ? { _tag: "Retry", error: `webhook answered ${response.status}` }
          : { _tag: "GiveUp", error: `webhook answered ${response.status}` }
    return outcome
  }).pipe(
    Effect.scoped,
    Effect.catch(
      (error): Effect.Effect<Attempt> =>
        // The request's URL may be a credential (Slack's): only the failure's kind is kept.
        Effect.succeed({
          _tag: "Retry",
          error:
            error._tag === "TimeoutError" ? "webhook did not answer in time" : `webhook unreachable (${error._tag})`
        })
    )
  )

/** One pass: every due delivery, attempted once. A pass that cannot use the outbox is logged. */
export const deliver = (
  options: AlertDelivererOptions
): Effect.Effect<DeliveryPass, never, AlertOutbox | HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const outbox = yield* AlertOutbox
    const maxAttempts = Math.max(1, options.maxAttempts ?? 12)
    let delivered = 0
    let retrying = 0
    let givenUp = 0
    for (;;) {
      const due = yield* outbox.claimDue({ limit: 20 })
      if (due.length === 0) break
      for (const delivery of due) {
        const webhook = options.webhooks.find((candidate) => candidate.name === delivery.webhook)
        const id = deliveryId(delivery)
        const outcome: Attempt =
          webhook === undefined
            ? { _tag: "GiveUp", error: `webhook ${delivery.webhook} is no longer configured` }
            : yield* attempt(
                webhook,
                alertPayload(webhook.format, delivery),
                { [deliveryHeader]: id, [eventHeader]: eventOf(delivery) },
                options.timeout ?? "10 seconds"
              )
        const annotations = { delivery: id, webhook: delivery.webhook, attempt: delivery.attempts + 1 }
        if (outcome._tag === "Delivered") {
          yield* outbox.delivered(delivery.id)
          delivered++
        } else if (outcome._tag === "Retry" && delivery.attempts + 1 < maxAttempts) {
          const delay = retryDelay(options, delivery.attempts + 1)
          yield* outbox.retryLater(delivery.id, outcome.error, delay)
          yield* Effect.logWarning("alert delivery failed; retrying").pipe(
            Effect.annotateLogs({
              ...annotations,
              error: outcome.error,
              retryInSeconds: Duration.toSeconds(delay)
            })
          )
          retrying++
        } else {
          yield* outbox.giveUp(delivery.id, outcome.error)
          yield* Effect.logError("alert delivery given up").pipe(
            Effect.annotateLogs({ ...annotations, error: outcome.error })
          )
          givenUp++
        }
      }
    }
    return { delivered, retrying, givenUp }
  }).pipe(
    Effect.catch((error) =>
      Effect.as(Effect.logWarning("alert delivery pass failed").pipe(Effect.annotateLogs({ error: error.message })), {
        delivered: 0,
        retrying: 0,
        givenUp: 0
      })
    ),
    Effect.withSpan("AlertDeliverer.deliver")
  )

/** The deliverer's loop: a pass now and every `every`. */
export const loop = (
  options: AlertDelivererOptions
): Effect.Effect<never, never, AlertOutbox | HttpClient.HttpClient> =>
  Effect.forever(
    Effect.gen(function* () {
      const pass = yield* deliver(options)
      if (options.onPass !== undefined) yield* options.onPass(pass)
      yield* Effect.sleep(options.every ?? Duration.seconds(5))
    })
  )

/** The cluster-wide deliverer: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: AlertDelivererOptions
): Layer.Layer<never, never, Sharding.Sharding | AlertOutbox | HttpClient.HttpClient> =>
  Singleton.make("syncflow/AlertDeliverer", loop(options))
