/**
 * How and when an entity is synced: whether it is enabled, its schedule (an interval, or a cron
 * expression that takes precedence), the mode a scheduled sync runs in, and its reconciliation
 * schedule: a complete listing (`reconcile`) beside the incremental one, so rows deleted upstream
 * are soft-deleted even when every scheduled sync is incremental (which cannot see deletes). On by
 * default, daily; off when both its interval and its cron are `null`.
 */
import { Schema } from "effect"
import { AlertOverrides } from "../alerts/AlertThresholds.ts"
import { SyncMode } from "../pipeline/SyncMode.ts"

/**
 * What happens to a child row whose parent is missing from the destination: `keep` writes it and
 * flags it (`_parent_missing`) until the parent arrives; `park` holds it in `pending_children`
 * (retried with backoff, then a failed record). Either way the row counts as seen by a reconcile.
 */
export const OrphanPolicy = Schema.Literals(["keep", "park"])
/** What happens to a child row whose parent is missing. */
export type OrphanPolicy = typeof OrphanPolicy.Type

/** The interval of an entity that was never configured: every 5 minutes. */
export const defaultIntervalSeconds = 300

/** The reconciliation interval of an entity that was never configured: daily. */
export const defaultReconcileIntervalSeconds = 86_400

/** An entity's sync settings, as stored beside its manifest in `syncflow.entities`. */
export const EntitySettings = Schema.Struct({
  enabled: Schema.Boolean,
  /** Seconds between scheduled syncs (ignored when `cron` is set). */
  intervalSeconds: Schema.Int.check(Schema.isGreaterThan(0)),
  /** A cron expression (five fields, UTC); when set it replaces the interval. */
  cron: Schema.NullOr(Schema.String),
  /** The mode scheduled syncs run in. */
  mode: SyncMode,
  /**
   * Seconds between scheduled reconciliations (complete listings that soft-delete what the source
   * no longer has); ignored when `reconcileCron` is set. `null` with no cron: never reconciled on
   * schedule.
   */
  reconcileIntervalSeconds: Schema.NullOr(Schema.Int.check(Schema.isGreaterThan(0))),
  /** A cron expression (five fields, UTC) for reconciliations; when set it replaces the interval. */
  reconcileCron: Schema.NullOr(Schema.String),
  /** What happens to rows whose parent is missing (`keep` by default). */
  orphans: OrphanPolicy,
  /** The entity's table in its connector's schema; `null`: the entity's name. */
  targetTable: Schema.NullOr(Schema.String),
  /** The entity's own alert thresholds over the global ones (`{}`: the global ones; `null` turns a rule off). */
  alerts: AlertOverrides
})
/** An entity's sync settings. */
export type EntitySettings = typeof EntitySettings.Type

/** The settings of an entity nobody has configured yet. */
export const defaultEntitySettings: EntitySettings = {
  enabled: true,
  intervalSeconds: defaultIntervalSeconds,
  cron: null,
  mode: "incremental",
  reconcileIntervalSeconds: defaultReconcileIntervalSeconds,
  reconcileCron: null,
  orphans: "keep",
  targetTable: null,
  alerts: {}
}

/** What `updateEntitySettings` changes: absent fields are kept. */
export type EntitySettingsPatch = Partial<EntitySettings>
