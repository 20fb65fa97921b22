/**
 * The connectors pages (`/connectors/*`): every connector with its adapter. Part B of issue #20
 * (branch dash20b) builds creating, testing, discovering and scheduling here.
 */
import { Link } from "wouter"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"

/** The connectors list. */
export const ConnectorsPage = () => {
  const connectors = useApi("connectors", (client) => client.connectors.list())
  return (
    <section aria-labelledby="connectors-title">
      <h1 id="connectors-title">Connectors</h1>
      <PageState loaded={connectors}>
        {(list) =>
          list.length === 0 ? (
            <p>No connector yet.</p>
          ) : (
            <ul className="plain-list">
              {list.map((connector) => (
                <li key={connector.id}>
                  <strong>{connector.name}</strong> <span className="muted">({connector.adapter})</span>{" "}
                  <Link href={`/runs?connector=${encodeURIComponent(connector.id)}`}>runs</Link>
                </li>
              ))}
            </ul>
          )
        }
      </PageState>
    </section>
  )
}
