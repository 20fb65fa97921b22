/**
 * Which rules hold, from what they look at (`AlertMeasures`), the thresholds and the time: a pure
 * function, so each rule's edge is plain to test.
 */
import { Cron, Result } from "effect"
import type { AlertViolation } from "./Alert.ts"
import type { ConnectorMeasure, EntityMeasure } from "./AlertMeasures.ts"
import { type AlertThresholds, thresholdsFor } from "./AlertThresholds.ts"

const minute = 60_000

/**
 * The seconds between an entity's scheduled syncs: its interval, or the period of its cron (the
 * time between its next two fires after `now`, UTC).
 */
export const scheduleSeconds = (entity: Pick<EntityMeasure, "intervalSeconds" | "cron">, now: number): number => {
  if (entity.cron === null) return entity.intervalSeconds
  const parsed = Cron.parse(entity.cron, "UTC")
  if (Result.isFailure(parsed)) return entity.intervalSeconds
  const first = Cron.next(parsed.success, new Date(now))
  const second = Cron.next(parsed.success, first)
  return Math.max(1, Math.round((second.getTime() - first.getTime()) / 1000))
}

const seconds = (millis: number) => Math.floor(millis / 1000)

const shortError = (error: string | null) =>
  error === null ? "" : ` (last: ${error.length > 200 ? `${error.slice(0, 200)}…` : error})`

/** The rules that hold for one enabled entity. */
export const entityViolations = (
  entity: EntityMeasure,
  global: AlertThresholds,
  now: number
): ReadonlyArray<AlertViolation> => {
  const thresholds = thresholdsFor(global, entity.overrides)
  const name = `${entity.connectorId}/${entity.entity}`
  const out: Array<AlertViolation> = []
  const add = (rule: AlertViolation["rule"], value: number, threshold: number, summary: string) =>
    out.push({ rule, connectorId: entity.connectorId, entity: entity.entity, value, threshold, summary })

  const failures = thresholds.consecutiveFailures
  if (failures !== null && entity.failures >= failures) {
    add(
      "consecutive_failures",
      entity.failures,
      failures,
      `${name}: ${entity.failures} failed runs in a row${shortError(entity.lastError)}`
    )
  }
  const longRun = thresholds.longRunMinutes
  if (longRun !== null && entity.runningSince !== null && now - entity.runningSince >= longRun * minute) {
    add(
      "long_run",
      seconds(now - entity.runningSince),
      longRun * 60,
      `${name}: run ${entity.runningRunId} has been running for ${Math.floor((now - entity.runningSince) / minute)} minutes`
    )
  }
  const factor = thresholds.notSyncedFactor
  if (factor !== null) {
    const since = entity.lastSuccessAt ?? entity.firstRunAt ?? entity.discoveredAt
    const allowed = factor * scheduleSeconds(entity, now)
    if (now - since > allowed * 1000) {
      add(
        "not_synced",
        seconds(now - since),
        allowed,
        entity.lastSuccessAt === null
          ? `${name}: never synced successfully in ${Math.floor((now - since) / minute)} minutes`
          : `${name}: no successful sync for ${Math.floor((now - since) / minute)} minutes (${factor} x its schedule)`
      )
    }
  }
  const failed = thresholds.failedRecords
  if (failed !== null && entity.openFailedRecords > failed) {
    add(
      "failed_records",
      entity.openFailedRecords,
      failed,
      `${name}: ${entity.openFailedRecords} open failed records (more than ${failed})`
    )
  }
  const pending = thresholds.pendingChildMinutes
  if (pending !== null && entity.oldestPendingAt !== null && now - entity.oldestPendingAt >= pending * minute) {
    add(
      "pending_children",
      seconds(now - entity.oldestPendingAt),
      pending * 60,
      `${name}: ${entity.pendingChildren} child rows waiting for their parent, the oldest for ${Math.floor(
        (now - entity.oldestPendingAt) / minute
      )} minutes`
    )
  }
  return out
}

/** Whether a connector's upstream has been unreachable long enough. */
export const connectorViolation = (
  connector: ConnectorMeasure,
  global: AlertThresholds,
  now: number
): AlertViolation | undefined => {
  const threshold = global.upstreamUnreachableMinutes
  if (threshold === null || now - connector.unreachableSince < threshold * minute) return undefined
  return {
    rule: "upstream_unreachable",
    connectorId: connector.connectorId,
    entity: null,
    value: seconds(now - connector.unreachableSince),
    threshold: threshold * 60,
    summary: `${connector.connectorId}: upstream unreachable for ${Math.floor(
      (now - connector.unreachableSince) / minute
    )} minutes, ${connector.failures} failed runs${shortError(connector.lastError)}`
  }
}

/** Every rule that holds now. */
export const alertViolations = (
  measures: {
    readonly entities: ReadonlyArray<EntityMeasure>
    readonly connectors: ReadonlyArray<ConnectorMeasure>
  },
  global: AlertThresholds,
  now: number
): ReadonlyArray<AlertViolation> => [
  ...measures.entities.flatMap((entity) => entityViolations(entity, global, now)),
  ...measures.connectors.flatMap((connector) => connectorViolation(connector, global, now) ?? [])
]
