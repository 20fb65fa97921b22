/**
 * The thresholds of the alert rules: global ones (the server's configuration, with defaults) and
 * an entity's own overrides (its `alerts` setting). `null` turns a rule off; an absent override
 * keeps the global threshold.
 */
import { Schema } from "effect"

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const PositiveNumber = Schema.Finite.check(Schema.isGreaterThan(0))

/** A threshold of every rule; `null`: the rule is off. */
export const AlertThresholds = Schema.Struct({
  /** `consecutive_failures`: fires after this many failed runs in a row (3 by default). */
  consecutiveFailures: Schema.NullOr(PositiveInt),
  /** `long_run`: fires when a run has been running this many minutes (60 by default). */
  longRunMinutes: Schema.NullOr(PositiveNumber),
  /** `not_synced`: fires when no sync succeeded within this many times the entity's interval (3 by default). */
  notSyncedFactor: Schema.NullOr(PositiveNumber),
  /** `upstream_unreachable`: fires when the upstream has been unreachable this many minutes (15 by default). */
  upstreamUnreachableMinutes: Schema.NullOr(PositiveNumber),
  /** `failed_records`: fires when the open failed records are more than this (100 by default). */
  failedRecords: Schema.NullOr(NonNegativeInt),
  /** `pending_children`: fires when a child row has waited this many minutes for its parent (60 by default). */
  pendingChildMinutes: Schema.NullOr(PositiveNumber)
})
/** A threshold of every rule; `null`: the rule is off. */
export type AlertThresholds = typeof AlertThresholds.Type

/** The thresholds when nothing is configured. */
export const defaultAlertThresholds: AlertThresholds = {
  consecutiveFailures: 3,
  longRunMinutes: 60,
  notSyncedFactor: 3,
  upstreamUnreachableMinutes: 15,
  failedRecords: 100,
  pendingChildMinutes: 60
}

/**
 * An entity's own thresholds (its `alerts` setting): each given key replaces the global threshold
 * for this entity, `null` turns the rule off for it. `upstreamUnreachableMinutes` is a connector's
 * and cannot be set per entity.
 */
export const AlertOverrides = Schema.Struct({
  consecutiveFailures: Schema.optionalKey(AlertThresholds.fields.consecutiveFailures),
  longRunMinutes: Schema.optionalKey(AlertThresholds.fields.longRunMinutes),
  notSyncedFactor: Schema.optionalKey(AlertThresholds.fields.notSyncedFactor),
  failedRecords: Schema.optionalKey(AlertThresholds.fields.failedRecords),
  pendingChildMinutes: Schema.optionalKey(AlertThresholds.fields.pendingChildMinutes)
})
/** An entity's own thresholds. */
export type AlertOverrides = typeof AlertOverrides.Type

/** The thresholds that apply to an entity: its overrides over the global ones. */
export const thresholdsFor = (global: AlertThresholds, overrides: AlertOverrides): AlertThresholds => ({
  ...global,
  ...overrides
})
