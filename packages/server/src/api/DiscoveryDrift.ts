/**
 * What a discovery found changed: per entity, whether it is new, unchanged, drifted (columns added,
 * removed or retyped, or another business key since the previous discovery) or no longer offered by
 * the source. The columns the table already holds with another type are the entity's
 * `typeMismatches`, as the latest sync found them.
 */
import { ColumnType, type EntityManifest } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** How an entity's source schema changed since the previous discovery. */
export const DiscoveryDrift = Schema.Struct({
  /**
   * `new`: first discovered now; `unchanged`; `drifted`: columns or key changed; `missing`: an
   * entity discovered before that the source no longer offers (its settings and table are kept).
   */
  status: Schema.Literals(["new", "unchanged", "drifted", "missing"]),
  addedColumns: Schema.Array(Schema.String),
  removedColumns: Schema.Array(Schema.String),
  retypedColumns: Schema.Array(Schema.Struct({ column: Schema.String, from: ColumnType, to: ColumnType })),
  /** Whether the business key's fields changed. */
  keyChanged: Schema.Boolean
})
/** How an entity's source schema changed since the previous discovery. */
export type DiscoveryDrift = typeof DiscoveryDrift.Type

const unchanged: DiscoveryDrift = {
  status: "unchanged",
  addedColumns: [],
  removedColumns: [],
  retypedColumns: [],
  keyChanged: false
}

/**
 * The drift of an entity between its `previous` manifest (absent: first discovered) and the
 * `current` one (absent: no longer offered). Sources that describe no columns drift only by key.
 */
export const discoveryDrift = (
  previous: EntityManifest | undefined,
  current: EntityManifest | undefined
): DiscoveryDrift => {
  if (current === undefined) return { ...unchanged, status: "missing" }
  if (previous === undefined) return { ...unchanged, status: "new" }
  const before = new Map((previous.columns ?? []).map((column) => [column.name, column.type]))
  const now = new Map((current.columns ?? []).map((column) => [column.name, column.type]))
  const addedColumns = [...now.keys()].filter((name) => !before.has(name))
  const removedColumns = [...before.keys()].filter((name) => !now.has(name))
  const retypedColumns = [...now.entries()].flatMap(([column, to]) => {
    const from = before.get(column)
    return from === undefined || from === to ? [] : [{ column, from, to }]
  })
  const keyChanged = previous.businessKey.join("\u0000") !== current.businessKey.join("\u0000")
  const drifted = addedColumns.length + removedColumns.length + retypedColumns.length > 0 || keyChanged
  return { status: drifted ? "drifted" : "unchanged", addedColumns, removedColumns, retypedColumns, keyChanged }
}
