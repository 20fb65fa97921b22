/**
 * One entity of a connector, opened: its columns and keys (drifted and mismatched columns marked),
 * its parents, and its schedule editor.
 */

import type { DiscoveryDrift, EntityInfo } from "./entityInfo.ts"
import { ScheduleEditor } from "./ScheduleEditor.tsx"

/** Props: the entity, its drift from the latest discovery (if one ran here), and what to do once changed. */
export interface EntityPanelProps {
  readonly connectorId: string
  readonly entity: EntityInfo
  readonly drift: DiscoveryDrift | undefined
  readonly onChanged: () => void
}

/** The opened entity. */
export const EntityPanel = ({ connectorId, entity, drift, onChanged }: EntityPanelProps) => {
  const columns = entity.manifest.columns ?? []
  const added = new Set(drift?.addedColumns ?? [])
  const retyped = new Map((drift?.retypedColumns ?? []).map((change) => [change.column, change]))
  const mismatched = new Map(entity.typeMismatches.map((mismatch) => [mismatch.column, mismatch]))
  return (
    <div className="entity-panel">
      <p>
        Key: <code>{entity.manifest.businessKey.join(", ")}</code>
        {entity.manifest.parents.length === 0 ? null : (
          <>
            {" "}
            · Parents:{" "}
            {entity.manifest.parents.map((parent) => `${parent.entity} (${parent.foreignKey.join(", ")})`).join("; ")}
          </>
        )}{" "}
        · Changes found by <code>{entity.manifest.deltaStrategy}</code>
      </p>
      {drift !== undefined && drift.removedColumns.length > 0 ? (
        <p className="drift">Columns gone from the source: {drift.removedColumns.join(", ")}</p>
      ) : null}
      {columns.length === 0 ? (
        <p className="muted">The source does not describe its columns: they are inferred from the rows.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label={`Columns of ${entity.entity}`}>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Type</th>
                <th scope="col">Source type</th>
                <th scope="col">Key</th>
                <th scope="col">Nullable</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {columns.map((column) => {
                const change = retyped.get(column.name)
                const mismatch = mismatched.get(column.name)
                const notes = [
                  added.has(column.name) ? "new at the source" : "",
                  change === undefined ? "" : `retyped from ${change.from} to ${change.to}`,
                  mismatch === undefined
                    ? ""
                    : `table column is ${mismatch.actual}, the source's is ${mismatch.expected}: values it cannot hold are failed records`
                ].filter((note) => note !== "")
                const flagged = mismatch !== undefined ? "mismatch" : notes.length > 0 ? "drift" : undefined
                return (
                  <tr key={column.name} className={flagged}>
                    <td>
                      <code>{column.name}</code>
                    </td>
                    <td>{column.type}</td>
                    <td>{column.sourceType ?? "—"}</td>
                    <td>{column.businessKey ? "yes" : ""}</td>
                    <td>{column.nullable ? "yes" : "no"}</td>
                    <td>{notes.join("; ")}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <ScheduleEditor
        connectorId={connectorId}
        entity={entity.entity}
        schedule={{ intervalSeconds: entity.settings.intervalSeconds, cron: entity.settings.cron }}
        onSaved={onChanged}
      />
    </div>
  )
}
