/**
 * The run history's filter form: connector and entity (text) and status (a choice), filled from
 * the filters in the address; Filter writes the form's fields to the address (`runFilters.ts`
 * reads them back, dropping empty and unknown ones), Clear removes them.
 */
import { type FormEvent, useId } from "react"
import { useLocation } from "wouter"
import { filtersFromSearch, type RunFilters, runStatuses, searchOfFilters } from "./runFilters.ts"

const TextFilter = ({
  name,
  label,
  value
}: {
  readonly name: string
  readonly label: string
  readonly value: string
}) => {
  const id = useId()
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} defaultValue={value} />
    </div>
  )
}

/** Props: the filters in the address (the form is re-made when they change: give it `key={search}`). */
export const RunFiltersForm = ({ filters }: { readonly filters: RunFilters }) => {
  const [, navigate] = useLocation()
  const statusId = useId()
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const fields = new URLSearchParams()
    for (const [name, value] of new FormData(event.currentTarget))
      if (typeof value === "string") fields.set(name, value)
    navigate(`/runs${searchOfFilters(filtersFromSearch(`?${fields}`))}`)
  }
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter the history">
      <TextFilter name="connector" label="Connector" value={filters.connector ?? ""} />
      <TextFilter name="entity" label="Entity" value={filters.entity ?? ""} />
      <div>
        <label htmlFor={statusId}>Status</label>
        <select id={statusId} name="status" defaultValue={filters.status ?? ""}>
          <option value="">any</option>
          {runStatuses.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Filter</button>
      <button type="button" className="secondary" onClick={() => navigate("/runs")}>
        Clear
      </button>
    </form>
  )
}
