/**
 * An alert: one episode of a rule holding for an entity (or a connector), from the moment it fired
 * to the moment it resolved, as stored in `syncflow.alerts`. A rule that holds again later opens a
 * new alert, so the table is the alerts' history.
 */
import { Schema } from "effect"
import { AlertRule } from "./AlertRule.ts"

/** `firing` while the rule holds; `resolved` once it no longer does. */
export const AlertState = Schema.Literals(["firing", "resolved"])
/** Where an alert is. */
export type AlertState = typeof AlertState.Type

/** A stored alert, as read back (decoded) from `syncflow.alerts`. */
export const Alert = Schema.Struct({
  id: Schema.String,
  rule: AlertRule,
  connectorId: Schema.String,
  /** The entity; `null` for a connector's alert (`upstream_unreachable`). */
  entity: Schema.NullOr(Schema.String),
  state: AlertState,
  /** One line saying what holds, e.g. `erp/items: 3 failed runs in a row (last: ...)`. */
  summary: Schema.String,
  /** What was observed, in the rule's unit (see `alertRuleUnits`): the latest while firing. */
  value: Schema.Number,
  /** The threshold it crossed, in the same unit. */
  threshold: Schema.Number,
  firedAt: Schema.DateTimeUtcFromDate,
  resolvedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  updatedAt: Schema.DateTimeUtcFromDate
})
/** A stored alert. */
export type Alert = typeof Alert.Type

/** A rule holding now for an entity or a connector: what the evaluator found. */
export interface AlertViolation {
  readonly rule: AlertRule
  readonly connectorId: string
  /** `null` for a connector's rule. */
  readonly entity: string | null
  readonly value: number
  readonly threshold: number
  readonly summary: string
}

/** The key an alert is firing under: one firing alert per rule and entity (or connector). */
export const alertKey = (alert: {
  readonly rule: AlertRule
  readonly connectorId: string
  readonly entity: string | null
}): string => `${alert.rule}\u0000${alert.connectorId}\u0000${alert.entity ?? ""}`
