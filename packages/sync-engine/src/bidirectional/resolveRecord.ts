/**
 * The decision of a cycle for one record, as a pure function of the last agreed version (the
 * ledger's base), each side's current version and the settings: what the record becomes (the
 * agreed version both sides get, or deleted), and the conflict it was, if both sides changed it.
 *
 * A side changed when one of the fields that flow from it differs from the base (or it deleted the
 * record). Fields both sides changed to the same value agree. A record is a conflict when, besides
 * those, both sides still changed something (different fields, the same field differently, or one
 * deleted what the other edited); its policy then says which version each field takes.
 */
import { type FieldValue, type FieldValues, sameValue } from "./FieldValues.ts"
import {
  type ConflictPolicy,
  type MergeFallback,
  pulls,
  pushes,
  type SyncedField,
  type TwoWaySettings
} from "./TwoWaySettings.ts"

/** One side's current version of a record: its values and modification time, or deleted. */
export type SideVersion =
  | { readonly deleted: false; readonly values: FieldValues; readonly modifiedAt: number | null }
  | { readonly deleted: true }

/** What a conflict was and how it ended, for the conflict log. */
export interface ConflictFinding {
  /** The fields changed (either side) that made the conflict. */
  readonly fields: ReadonlyArray<string>
  /** The connector's version (`null`: deleted). */
  readonly source: FieldValues | null
  /** The table's version (`null`: deleted). */
  readonly table: FieldValues | null
  /** The policy that decided (the definition's, or `per_field` when fields have their own). */
  readonly policy: ConflictPolicy | "per_field"
  /** `source`, `target` (the table's version), `merged`, or `held` (manual: in the queue). */
  readonly outcome: "source" | "target" | "merged" | "held"
}

/** The decision for one record. */
export type RecordDecision =
  | { readonly _tag: "Unchanged" }
  | { readonly _tag: "Held"; readonly conflict: ConflictFinding }
  | {
      readonly _tag: "Agreed"
      /** What both sides get: the agreed values, or `deleted`. */
      readonly result: FieldValues | "deleted"
      readonly conflict: ConflictFinding | undefined
    }

interface Settings {
  readonly fields: ReadonlyArray<SyncedField>
  readonly policy: ConflictPolicy
  readonly mergeFallback: MergeFallback
}

/** The policy and fallback of a definition's settings, with their defaults. */
export const policiesOf = (
  settings: TwoWaySettings
): { readonly policy: ConflictPolicy; readonly mergeFallback: MergeFallback } => ({
  policy: settings.conflictPolicy ?? "latest_wins",
  mergeFallback: settings.mergeFallback ?? "source_wins"
})

const changedFields = (
  fields: ReadonlyArray<SyncedField>,
  flows: (field: SyncedField) => boolean,
  side: FieldValues,
  base: FieldValues
): Set<string> =>
  new Set(fields.filter((f) => flows(f) && !sameValue(side[f.field], base[f.field])).map((f) => f.field))

/** The side a `latest_wins` picks: the later modification; on a tie (or an unknown time) the source. */
const latestSide = (source: SideVersion, table: SideVersion): "source" | "target" => {
  if (source.deleted && !table.deleted) return "target"
  if (table.deleted && !source.deleted) return "source"
  const s = source.deleted ? null : source.modifiedAt
  const t = table.deleted ? null : table.modifiedAt
  return s !== null && t !== null && t > s ? "target" : "source"
}

/** A side's whole version: the record as that side has it (the other side's one-way fields kept). */
const wholeVersion = (
  fields: ReadonlyArray<SyncedField>,
  side: "source" | "target",
  source: FieldValues,
  table: FieldValues
): FieldValues => {
  const out: Record<string, FieldValue> = {}
  for (const f of fields) {
    const fromSource = side === "source" ? pulls(f) : !pushes(f)
    out[f.field] = (fromSource ? source[f.field] : table[f.field]) ?? null
  }
  return out
}

/** Decides a record (see the module comment). `base` absent: the record is new on the side that has it. */
export const resolveRecord = (
  settings: Settings,
  base: FieldValues | undefined,
  source: SideVersion,
  table: SideVersion
): RecordDecision => {
  const { fields } = settings
  if (base === undefined) {
    if (!table.deleted) {
      return { _tag: "Agreed", result: wholeVersion(fields, "target", table.values, table.values), conflict: undefined }
    }
    if (!source.deleted) {
      return {
        _tag: "Agreed",
        result: wholeVersion(fields, "source", source.values, source.values),
        conflict: undefined
      }
    }
    return { _tag: "Unchanged" }
  }
  const sourceValues = source.deleted ? base : source.values
  const tableValues = table.deleted ? base : table.values
  const sourceChanged = changedFields(fields, pulls, sourceValues, base)
  const tableChanged = changedFields(fields, pushes, tableValues, base)
  // Both sides changed a field to the same value: it agrees.
  for (const field of [...sourceChanged]) {
    if (tableChanged.has(field) && sameValue(sourceValues[field], tableValues[field])) {
      sourceChanged.delete(field)
      tableChanged.delete(field)
    }
  }
  const sourceMoved = source.deleted || sourceChanged.size > 0
  const tableMoved = table.deleted || tableChanged.size > 0
  if (source.deleted && table.deleted) return { _tag: "Agreed", result: "deleted", conflict: undefined }
  if (!sourceMoved && !tableMoved) {
    // Both sides changed the same fields to the same values (e.g. a cycle killed between its writes).
    const agreed = wholeVersion(fields, "source", sourceValues, tableValues)
    return fields.some((f) => !sameValue(agreed[f.field], base[f.field]))
      ? { _tag: "Agreed", result: agreed, conflict: undefined }
      : { _tag: "Unchanged" }
  }
  if (!tableMoved) {
    return {
      _tag: "Agreed",
      result: source.deleted ? "deleted" : wholeVersion(fields, "source", sourceValues, tableValues),
      conflict: undefined
    }
  }
  if (!sourceMoved) {
    return {
      _tag: "Agreed",
      result: table.deleted ? "deleted" : wholeVersion(fields, "target", sourceValues, tableValues),
      conflict: undefined
    }
  }

  // A conflict.
  const conflictFields = [...new Set([...sourceChanged, ...tableChanged])].sort()
  const perField = fields.some((f) => f.policy !== undefined)
  const finding = (outcome: ConflictFinding["outcome"]): ConflictFinding => ({
    fields: conflictFields,
    source: source.deleted ? null : sourceValues,
    table: table.deleted ? null : tableValues,
    policy: perField && !source.deleted && !table.deleted ? "per_field" : settings.policy,
    outcome
  })
  const sideOf = (policy: ConflictPolicy | MergeFallback): "source" | "target" | "held" =>
    policy === "manual"
      ? "held"
      : policy === "source_wins"
        ? "source"
        : policy === "target_wins"
          ? "target"
          : policy === "latest_wins"
            ? latestSide(source, table)
            : sideOf(settings.mergeFallback)

  if (source.deleted || table.deleted) {
    // A delete against an edit: the record's policy (merge: its fallback) picks a whole version.
    const side = sideOf(settings.policy)
    if (side === "held") return { _tag: "Held", conflict: finding("held") }
    const deleted = side === "source" ? source.deleted : table.deleted
    return {
      _tag: "Agreed",
      result: deleted ? "deleted" : wholeVersion(fields, side, sourceValues, tableValues),
      conflict: finding(side)
    }
  }

  const result: Record<string, FieldValue> = {}
  for (const f of fields) {
    const policy = f.policy ?? settings.policy
    const inSource = sourceChanged.has(f.field)
    const inTable = tableChanged.has(f.field)
    let side: "source" | "target" | "held"
    if (!pushes(f)) side = "source"
    else if (!pulls(f)) side = "target"
    else if (policy === "merge")
      side = inSource && inTable ? sideOf(settings.mergeFallback) : inTable ? "target" : "source"
    else side = sideOf(policy)
    if (side === "held") return { _tag: "Held", conflict: finding("held") }
    result[f.field] = (side === "source" ? sourceValues[f.field] : tableValues[f.field]) ?? null
  }
  const equals = (values: FieldValues) => fields.every((f) => sameValue(result[f.field], values[f.field]))
  const outcome = equals(wholeVersion(fields, "source", sourceValues, tableValues))
    ? "source"
    : equals(wholeVersion(fields, "target", sourceValues, tableValues))
      ? "target"
      : "merged"
  return { _tag: "Agreed", result, conflict: finding(outcome) }
}
