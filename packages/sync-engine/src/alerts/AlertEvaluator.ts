/**
 * The alert evaluator: one for the whole cluster (a cluster `Singleton`, like `RetryScheduler`, so
 * exactly one runner hosts it and another takes over when that runner dies). When it starts and
 * then every minute by default it reads what the rules look at (`AlertMeasures`), finds the rules
 * that hold at the clock's time (`alertViolations`) and records the changes (`AlertStore.record`:
 * alerts fired and resolved, each change with one outbox row per webhook, in one transaction).
 */
import { Clock, Duration, Effect, type Layer } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import { SqlClient } from "effect/sql"
import type { Alert } from "./Alert.ts"
import { measureAlerts } from "./AlertMeasures.ts"
import { AlertStore } from "./AlertStore.ts"
import { type AlertThresholds, defaultAlertThresholds } from "./AlertThresholds.ts"
import { alertViolations } from "./alertViolations.ts"

/** The evaluator's settings. */
export interface AlertEvaluatorOptions {
  /** The global thresholds (each absent one: its default, see `defaultAlertThresholds`). */
  readonly thresholds?: Partial<AlertThresholds> | undefined
  /** How often the rules are evaluated (every minute by default). */
  readonly every?: Duration.Input | undefined
  /** The webhooks each state change is delivered to, by name (none by default). */
  readonly webhooks?: ReadonlyArray<string> | undefined
  /** Called after every pass with what it changed (for monitoring and tests). */
  readonly onPass?: ((pass: AlertPass) => Effect.Effect<void>) | undefined
}

/** What one pass changed. */
export interface AlertPass {
  readonly fired: ReadonlyArray<Alert>
  readonly resolved: ReadonlyArray<Alert>
  /** Alerts firing after the pass. */
  readonly firing: number
}

/** One evaluation at the clock's time; a pass that cannot read or write is logged and changes nothing. */
export const evaluate = (
  options: AlertEvaluatorOptions = {}
): Effect.Effect<AlertPass | undefined, never, SqlClient.SqlClient | AlertStore> =>
  Effect.gen(function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const store = yield* AlertStore
    const thresholds = { ...defaultAlertThresholds, ...options.thresholds }
    const measures = yield* measureAlerts(sql)
    const at = yield* Clock.currentTimeMillis
    const changes = yield* store.record(alertViolations(measures, thresholds, at), options.webhooks ?? [])
    for (const alert of changes.fired) {
      yield* Effect.logWarning("alert firing").pipe(
        Effect.annotateLogs({
          alertId: alert.id,
          rule: alert.rule,
          connector: alert.connectorId,
          entity: alert.entity,
          summary: alert.summary
        })
      )
    }
    for (const alert of changes.resolved) {
      yield* Effect.logInfo("alert resolved").pipe(
        Effect.annotateLogs({
          alertId: alert.id,
          rule: alert.rule,
          connector: alert.connectorId,
          entity: alert.entity
        })
      )
    }
    return changes
  }).pipe(
    Effect.catch((error) =>
      Effect.as(
        Effect.logWarning("alert evaluation failed").pipe(Effect.annotateLogs({ error: error.message })),
        undefined
      )
    ),
    Effect.withSpan("AlertEvaluator.evaluate")
  )

/** The evaluator's loop: a pass now and every `every`. */
export const loop = (
  options: AlertEvaluatorOptions = {}
): Effect.Effect<never, never, SqlClient.SqlClient | AlertStore> =>
  Effect.forever(
    Effect.gen(function* () {
      const pass = yield* evaluate(options)
      if (pass !== undefined && options.onPass !== undefined) yield* options.onPass(pass)
      yield* Effect.sleep(options.every ?? Duration.minutes(1))
    })
  )

/** The cluster-wide evaluator: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: AlertEvaluatorOptions = {}
): Layer.Layer<never, never, Sharding.Sharding | SqlClient.SqlClient | AlertStore> =>
  Singleton.make("syncflow/AlertEvaluator", loop(options))
