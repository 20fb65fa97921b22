/**
 * The pending children (`/failed/pending`): child rows parked until their parent arrives (orphan
 * policy `park`), filtered by connector, entity and parent entity; retry (due now, written when the
 * parent is there) or discard the selected ones or all matching.
 */
import { type FormEvent, useId, useState } from "react"
import { useLocation, useSearch } from "wouter"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { BulkBar, type BulkScope } from "./BulkBar.tsx"
import { filtersSearch, type PendingFilters, pendingApiFilter, readPendingFilters } from "./failedFilters.ts"
import { useBulkActions } from "./useBulkActions.ts"
import { useSelection } from "./useSelection.ts"

const shown = 200

const childKey = (child: { readonly connectorId: string; readonly entity: string; readonly bkHash: string }) =>
  JSON.stringify([child.connectorId, child.entity, child.bkHash])

const FilterForm = ({ filters }: { readonly filters: PendingFilters }) => {
  const ids = { connector: useId(), entity: useId(), parent: useId() }
  const [, navigate] = useLocation()
  const [draft, setDraft] = useState(filters)
  const apply = (event: FormEvent) => {
    event.preventDefault()
    const search = filtersSearch(draft)
    navigate(search === "" ? "/pending" : `/pending?${search}`)
  }
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter pending children">
      <div className="field">
        <label htmlFor={ids.connector}>Connector</label>
        <input
          id={ids.connector}
          value={draft.connectorId}
          onChange={(e) => setDraft({ ...draft, connectorId: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.entity}>Entity</label>
        <input id={ids.entity} value={draft.entity} onChange={(e) => setDraft({ ...draft, entity: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={ids.parent}>Parent entity</label>
        <input
          id={ids.parent}
          value={draft.parentEntity}
          onChange={(e) => setDraft({ ...draft, parentEntity: e.target.value })}
        />
      </div>
      <div className="actions">
        <button type="submit">Apply filters</button>
      </div>
    </form>
  )
}

/** The pending children list. */
export const PendingChildrenList = () => {
  const search = useSearch()
  const filters = readPendingFilters(search)
  const filter = pendingApiFilter(filters)
  const children = useApi(`pending?${search}`, (client) =>
    client.records.listAllPending({ query: { ...filter, limit: shown } })
  )
  const list = children.data ?? []
  const selection = useSelection(list.map(childKey))
  const bulk = useBulkActions({
    body: (scope: BulkScope) =>
      scope === "selected"
        ? {
            children: list
              .filter((child) => selection.ticked.has(childKey(child)))
              .map((child) => ({
                connectorId: child.connectorId,
                entity: child.entity,
                bkHash: child.bkHash,
                definitionId: child.definitionId
              }))
          }
        : { filter },
    retry: (client, payload) => client.records.retryPending({ payload }),
    discard: (client, payload) => client.records.discardPending({ payload }),
    reload: children.reload,
    stillOpen: "still waiting for their parent"
  })
  return (
    <>
      <FilterForm key={search} filters={filters} />
      <BulkBar selected={selection.ticked.size} {...bulk} />
      <PageState loaded={children}>
        {(rows) =>
          rows.length === 0 ? (
            <p>No child waits for its parent{filtersSearch(filters) === "" ? "" : " among these filters"}.</p>
          ) : (
            <div className="table-wrap">
              <table aria-label="Pending children">
                <thead>
                  <tr>
                    <th scope="col">
                      <input
                        type="checkbox"
                        aria-label="Select all shown"
                        checked={selection.all}
                        onChange={(e) => selection.toggleAll(e.target.checked)}
                      />
                    </th>
                    <th scope="col">Connector</th>
                    <th scope="col">Entity</th>
                    <th scope="col">Waits for</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Next attempt</th>
                    <th scope="col">Row</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((child) => (
                    <tr key={childKey(child)}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${child.entity} ${child.bkHash.slice(0, 8)}`}
                          checked={selection.ticked.has(childKey(child))}
                          onChange={(e) => selection.toggle(childKey(child), e.target.checked)}
                        />
                      </td>
                      <td>{child.connectorId}</td>
                      <td>{child.entity}</td>
                      <td>
                        {child.parentEntity} <code>{child.parentBkHash.slice(0, 12)}</code>
                      </td>
                      <td>{child.attempts}</td>
                      <td>{child.nextAttemptAt}</td>
                      <td>
                        <details>
                          <summary>row</summary>
                          <pre className="row-data">{JSON.stringify(child.row, null, 2)}</pre>
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </PageState>
    </>
  )
}
