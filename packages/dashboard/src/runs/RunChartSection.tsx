/**
 * The runs page's chart section: pick an entity (those in the history, the filtered one first),
 * its latest runs are loaded and drawn by the chart, which is fetched only when this section shows
 * (the first load of the dashboard does not carry the charting library).
 */
import { lazy, Suspense, useId, useState } from "react"
import type { RunView } from "../api/apiTypes.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { chartEntities, runChartData } from "./runChartData.ts"

const RunsChart = lazy(() => import("./RunsChart.tsx"))

/** How many of an entity's latest runs the chart shows. */
const chartedRuns = 200

const EntityChart = ({ entity }: { readonly entity: string }) => {
  const [connector = "", name = ""] = entity.split("/")
  const runs = useApi(`chart:${entity}`, (client) =>
    client.runs.list({ query: { connector, entity: name, limit: chartedRuns } })
  )
  return (
    <PageState loaded={runs}>
      {(list) => {
        const data = runChartData(list)
        return data.times.length === 0 ? (
          <p>No ended run of {entity} to chart yet.</p>
        ) : (
          <Suspense
            fallback={
              <p className="muted" role="status">
                Loading the chart…
              </p>
            }
          >
            <RunsChart data={data} label={entity} />
          </Suspense>
        )
      }}
    </PageState>
  )
}

/** The chart section, over the entities of `runs`. */
export const RunChartSection = ({ runs }: { readonly runs: ReadonlyArray<RunView> }) => {
  const selectId = useId()
  const entities = chartEntities(runs)
  const [chosen, setChosen] = useState<string | null>(null)
  const entity = chosen !== null && entities.includes(chosen) ? chosen : entities[0]
  if (entity === undefined) return <p>No run to chart yet.</p>
  return (
    <div className="chart-section">
      <div className="field">
        <label htmlFor={selectId}>Entity charted</label>
        <select id={selectId} value={entity} onChange={(e) => setChosen(e.target.value)}>
          {entities.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate}
            </option>
          ))}
        </select>
      </div>
      <EntityChart key={entity} entity={entity} />
    </div>
  )
}
