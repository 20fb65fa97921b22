/**
 * Shared fixtures of the alert tests: the stores and the alert store on the file's test database, a
 * connector with entities at a TestClock's time, the evaluator at that time, and what the outbox holds.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Clock, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { type AlertPass, evaluate } from "../../src/alerts/AlertEvaluator.ts"
import { AlertOutbox } from "../../src/alerts/AlertOutbox.ts"
import { AlertStore } from "../../src/alerts/AlertStore.ts"
import type { AlertThresholds } from "../../src/alerts/AlertThresholds.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import type { EntitySettingsPatch } from "../../src/state/EntitySettings.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { stateStoresLayer } from "../state/fixtures.ts"

/** Every store, the alert store and its outbox on a fresh test database. */
export const alertsLayer = Layer.mergeAll(AlertStore.layer, AlertOutbox.layer).pipe(
  Layer.provideMerge(stateStoresLayer())
)

/** The tests' start: 1 June 2026, 12:00 UTC. */
export const t0 = Date.UTC(2026, 5, 1, 12, 0, 0)

/** A manifest of an entity without parents. */
export const manifest = (entity: string, parents: ReadonlyArray<string> = []): EntityManifest => ({
  entity,
  endpoint: `${entity}.list`,
  businessKey: ["id"],
  deltaStrategy: "hash",
  parents: parents.map((parent) => ({ entity: parent, foreignKey: [`${parent}_id`] }))
})

/** Thresholds with every rule off but `rule`, at `threshold`. */
export const only = <K extends keyof AlertThresholds>(key: K, threshold: AlertThresholds[K]): AlertThresholds => ({
  consecutiveFailures: null,
  longRunMinutes: null,
  notSyncedFactor: null,
  upstreamUnreachableMinutes: null,
  failedRecords: null,
  pendingChildMinutes: null,
  [key]: threshold
})

/** One outbox row, as the tests compare them. */
export interface OutboxRow {
  readonly rule: string
  readonly entity: string
  readonly change: string
  readonly webhook: string
}

/**
 * An empty alerts history and a connector `connectorId` with `entities` (and their settings), all at
 * a TestClock set to `t0`; `evaluate` runs one pass of the evaluator (webhooks `ops` and `chat`) at
 * that clock's time, `at` runs any effect at it.
 */
export const setup = (
  connectorId: string,
  thresholds: AlertThresholds,
  entities: ReadonlyArray<{ readonly manifest: EntityManifest; readonly settings?: EntitySettingsPatch }>
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`TRUNCATE syncflow.alerts, syncflow.connectors CASCADE`
    const clock = yield* TestClock.make()
    yield* clock.setTime(t0)
    const at = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, Clock.Clock, clock)
    const connectors = yield* ConnectorStore
    const manifests = yield* ManifestStore
    yield* at(connectors.createConnector({ id: connectorId, adapter: "apismith", name: connectorId }))
    yield* at(
      manifests.saveManifests(
        connectorId,
        entities.map((entity) => entity.manifest)
      )
    )
    for (const entity of entities) {
      if (entity.settings !== undefined) {
        yield* manifests.updateEntitySettings(connectorId, entity.manifest.entity, entity.settings)
      }
    }
    const pass: Effect.Effect<AlertPass, never, SqlClient.SqlClient | AlertStore> = at(
      evaluate({ thresholds, webhooks: ["ops", "chat"] })
    ).pipe(Effect.flatMap((done) => (done === undefined ? Effect.die("the evaluation failed") : Effect.succeed(done))))
    /** Moves the clock to `minutes` after t0 and evaluates: the rules and entities that fired and resolved. */
    const evaluateAt = (minutes: number) =>
      Effect.gen(function* () {
        yield* clock.setTime(t0 + minutes * 60_000)
        const done = yield* pass
        const names = (alerts: AlertPass["fired"]) => alerts.map((alert) => `${alert.rule} ${alert.entity ?? "-"}`)
        return { fired: names(done.fired), resolved: names(done.resolved), firing: done.firing }
      })
    return { clock, at, evaluateAt }
  })

/** The outbox's rows, in order. */
export const outbox = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  return yield* sql<OutboxRow>`
    SELECT a.rule, a.entity, d.change, d.webhook FROM syncflow.alert_deliveries d
    JOIN syncflow.alerts a ON a.id = d.alert_id ORDER BY d.id`
})

/** Minutes after t0, as a Date. */
export const minutesAfter = (minutes: number): Date => new Date(t0 + minutes * 60_000)
