/**
 * The settings of a two-way (`direction: "bidirectional"`) sync definition: the fields kept equal
 * on both sides with their direction, type and conflict policy, the definition's conflict policy,
 * and what a delete on either side does. See the package README ("Two-way sync") for the model.
 */
import { Schema } from "effect"

/**
 * How a conflict (a record changed on both sides since the last cycle) is resolved:
 * - `source_wins`: the connector's version of the record; `target_wins`: the table's version;
 * - `latest_wins`: the version modified last (the connector's `updated_at`, the table's
 *   `_modified_at`); on a tie the connector's (the source of record); an edit wins over a delete;
 * - `merge`: fields changed on one side only are taken from that side, fields changed on both
 *   follow `mergeFallback`;
 * - `manual`: the record is held in the conflict queue until a user resolves it.
 */
export const ConflictPolicy = Schema.Literals(["source_wins", "target_wins", "latest_wins", "merge", "manual"])
/** How a conflict is resolved. */
export type ConflictPolicy = typeof ConflictPolicy.Type

/** The policy fields changed on both sides follow under `merge`. */
export const MergeFallback = Schema.Literals(["source_wins", "target_wins", "latest_wins", "manual"])
/** The policy fields changed on both sides follow under `merge`. */
export type MergeFallback = typeof MergeFallback.Type

/** Which way a field flows: `pull` (connector -> table only), `push` (table -> connector only), `both`. */
export const FieldDirection = Schema.Literals(["pull", "push", "both"])
/** Which way a field flows. */
export type FieldDirection = typeof FieldDirection.Type

/** The column type of a field in the table (the connector's value is converted to it). */
export const FieldType = Schema.Literals(["text", "integer", "numeric", "boolean", "date"])
/** The column type of a field. */
export type FieldType = typeof FieldType.Type

/**
 * What a delete on one side does to the other: `propagate` (deleted there too), `ignore` (the other
 * side keeps the record, which is no longer synced), `soft` (the table row is kept with `_deleted`
 * true; a table delete sets the connector field `softDelete.field` to `softDelete.value`).
 */
export const DeletePolicy = Schema.Literals(["propagate", "ignore", "soft"])
/** What a delete on one side does to the other. */
export type DeletePolicy = typeof DeletePolicy.Type

/** One synced field's settings, by the connector's field name. */
export const TwoWayField = Schema.Struct({
  /** The table's column (default: the connector's field name). */
  column: Schema.optionalKey(Schema.NonEmptyString),
  /** Default `both`. */
  direction: Schema.optionalKey(FieldDirection),
  /** Default `text`. */
  type: Schema.optionalKey(FieldType),
  /** This field's own conflict policy (default: the definition's). */
  policy: Schema.optionalKey(ConflictPolicy)
})
/** One synced field's settings. */
export type TwoWayField = typeof TwoWayField.Type

/** The settings of a two-way definition. */
export const TwoWaySettings = Schema.Struct({
  /** The connector's fields kept equal on both sides, by name; only these are synced. */
  fields: Schema.Record(Schema.String, TwoWayField),
  /** Default `latest_wins`. */
  conflictPolicy: Schema.optionalKey(ConflictPolicy),
  /** Default `source_wins`. */
  mergeFallback: Schema.optionalKey(MergeFallback),
  /** Default `propagate`. */
  deletes: Schema.optionalKey(DeletePolicy),
  /** What a table delete sets on the connector under `deletes: "soft"` (absent: nothing). */
  softDelete: Schema.optionalKey(Schema.Struct({ field: Schema.NonEmptyString, value: Schema.Unknown }))
})
/** The settings of a two-way definition. */
export type TwoWaySettings = typeof TwoWaySettings.Type

/** A synced field with every default applied. */
export interface SyncedField {
  readonly field: string
  readonly column: string
  readonly direction: FieldDirection
  readonly type: FieldType
  readonly policy: ConflictPolicy | undefined
}

/** The fields of the settings with their defaults, in a stable order (by field name). */
export const syncedFields = (settings: TwoWaySettings): ReadonlyArray<SyncedField> =>
  Object.keys(settings.fields)
    .sort()
    .map((field) => {
      const spec = settings.fields[field] ?? {}
      return {
        field,
        column: spec.column ?? field,
        direction: spec.direction ?? "both",
        type: spec.type ?? "text",
        policy: spec.policy
      }
    })

/** Whether a field's connector changes reach the table. */
export const pulls = (field: SyncedField): boolean => field.direction !== "push"
/** Whether a field's table changes reach the connector. */
export const pushes = (field: SyncedField): boolean => field.direction !== "pull"
