/**
 * How and when an entity is synced: whether it is enabled, its schedule (an interval, or a cron
 * expression that takes precedence) and the mode a scheduled sync runs in.
 */
import { Schema } from "effect"
import { SyncMode } from "../pipeline/SyncMode.ts"

/** The interval of an entity that was never configured: every 5 minutes. */
export const defaultIntervalSeconds = 300

/** An entity's sync settings, as stored beside its manifest in `syncflow.entities`. */
export const EntitySettings = Schema.Struct({
  enabled: Schema.Boolean,
  /** Seconds between scheduled syncs (ignored when `cron` is set). */
  intervalSeconds: Schema.Int.check(Schema.isGreaterThan(0)),
  /** A cron expression (five fields, UTC); when set it replaces the interval. */
  cron: Schema.NullOr(Schema.String),
  /** The mode scheduled syncs run in. */
  mode: SyncMode
})
/** An entity's sync settings. */
export type EntitySettings = typeof EntitySettings.Type

/** The settings of an entity nobody has configured yet. */
export const defaultEntitySettings: EntitySettings = {
  enabled: true,
  intervalSeconds: defaultIntervalSeconds,
  cron: null,
  mode: "incremental"
}

/** What `updateEntitySettings` changes: absent fields are kept. */
export type EntitySettingsPatch = Partial<EntitySettings>
