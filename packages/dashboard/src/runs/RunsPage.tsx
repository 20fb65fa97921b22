/** The runs page (`/runs`): live runs and the history. */
import { Link } from "wouter"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"

/** The runs page. */
export const RunsPage = () => {
  const runs = useApi("runs", (client) => client.runs.list({ query: {} }))
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <PageState loaded={runs}>
        {(list) => (
          <ul>
            {list.map((run) => (
              <li key={run.id}>
                <Link href={`/runs/${run.id}`}>
                  {run.connectorId}/{run.entity}
                </Link>{" "}
                {run.status}
              </li>
            ))}
          </ul>
        )}
      </PageState>
    </section>
  )
}
