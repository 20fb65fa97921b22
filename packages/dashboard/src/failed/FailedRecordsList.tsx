/**
 * The failed records (`/failed`): filters (connector, entity, stage, reason) kept in the address,
 * the open records they match, and retrying or discarding the selected ones or all matching.
 */
import { type FormEvent, useId, useState } from "react"
import { Link, useLocation, useSearch } from "wouter"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { BulkBar, type BulkScope } from "./BulkBar.tsx"
import { type FailedFilters, failedApiFilter, filtersSearch, readFailedFilters, stages } from "./failedFilters.ts"
import { useBulkActions } from "./useBulkActions.ts"
import { useSelection } from "./useSelection.ts"

const shown = 200

const FilterForm = ({ filters }: { readonly filters: FailedFilters }) => {
  const ids = { connector: useId(), entity: useId(), stage: useId(), reason: useId() }
  const [, navigate] = useLocation()
  const [draft, setDraft] = useState(filters)
  const connectors = useApi("connectors", (client) => client.connectors.list())
  const apply = (event: FormEvent) => {
    event.preventDefault()
    const search = filtersSearch(draft)
    navigate(search === "" ? "/" : `/?${search}`)
  }
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter failed records">
      <div className="field">
        <label htmlFor={ids.connector}>Connector</label>
        <select
          id={ids.connector}
          value={draft.connectorId}
          onChange={(e) => setDraft({ ...draft, connectorId: e.target.value })}
        >
          <option value="">Any</option>
          {(connectors.data ?? []).map((connector) => (
            <option key={connector.id} value={connector.id}>
              {connector.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.entity}>Entity</label>
        <input id={ids.entity} value={draft.entity} onChange={(e) => setDraft({ ...draft, entity: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={ids.stage}>Stage</label>
        <select id={ids.stage} value={draft.stage} onChange={(e) => setDraft({ ...draft, stage: e.target.value })}>
          <option value="">Any</option>
          {stages.map((stage) => (
            <option key={stage} value={stage}>
              {stage}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>Reason</label>
        <input
          id={ids.reason}
          value={draft.errorType}
          placeholder="e.g. UnstorableValue"
          onChange={(e) => setDraft({ ...draft, errorType: e.target.value })}
        />
      </div>
      <div className="actions">
        <button type="submit">Apply filters</button>
      </div>
    </form>
  )
}

/** The failed records list. */
export const FailedRecordsList = () => {
  const search = useSearch()
  const filters = readFailedFilters(search)
  const filter = failedApiFilter(filters)
  const records = useApi(`failed?${search}`, (client) =>
    client.records.listAllFailed({ query: { ...filter, limit: shown } })
  )
  const list = records.data ?? []
  const selection = useSelection(list.map((record) => record.id))
  const bulk = useBulkActions({
    body: (scope: BulkScope) => (scope === "selected" ? { ids: [...selection.ticked] } : { filter }),
    retry: (client, payload) => client.records.retryManyFailed({ payload }),
    discard: (client, payload) => client.records.discardManyFailed({ payload }),
    reload: records.reload
  })
  return (
    <>
      <FilterForm key={search} filters={filters} />
      <BulkBar selected={selection.ticked.size} {...bulk} />
      <PageState loaded={records}>
        {(rows) =>
          rows.length === 0 ? (
            <p>No open failed record{filtersSearch(filters) === "" ? "" : " matches these filters"}.</p>
          ) : (
            <div className="table-wrap">
              <table aria-label="Failed records">
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
                    <th scope="col">Record</th>
                    <th scope="col">Connector</th>
                    <th scope="col">Entity</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Message</th>
                    <th scope="col">Attempts</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((record) => (
                    <tr key={record.id}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select record ${record.id}`}
                          checked={selection.ticked.has(record.id)}
                          onChange={(e) => selection.toggle(record.id, e.target.checked)}
                        />
                      </td>
                      <td>
                        <Link href={`/records/${record.id}`}>#{record.id}</Link>
                      </td>
                      <td>{record.connectorId}</td>
                      <td>{record.entity}</td>
                      <td>{record.stage}</td>
                      <td>
                        <code>{record.errorType}</code>
                      </td>
                      <td className="message">{record.message}</td>
                      <td>{record.attempts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {rows.length === shown ? <p className="muted">The first {shown} are shown.</p> : null}
            </div>
          )
        }
      </PageState>
    </>
  )
}
