/** The overview (`/`): every connector and sync definition with its health, and the alerts firing. */
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"

/** The overview page. */
export const OverviewPage = () => {
  const alerts = useApi("alerts", (client) => client.alerts.list({ query: { state: "firing" } }))
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <h2>Alerts firing</h2>
      <PageState loaded={alerts}>
        {(list) =>
          list.length === 0 ? (
            <p>No alert is firing.</p>
          ) : (
            <ul>
              {list.map((alert) => (
                <li key={alert.id}>{alert.summary}</li>
              ))}
            </ul>
          )
        }
      </PageState>
    </section>
  )
}
