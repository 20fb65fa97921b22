/** The connectors list (`/connectors`): every connector with its adapter and schema, and a new one. */
import { Link } from "wouter"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"

/** The connectors list. */
export const ConnectorList = () => {
  const connectors = useApi("connectors", (client) => client.connectors.list())
  return (
    <section aria-labelledby="connectors-title">
      <div className="page-head">
        <h1 id="connectors-title">Connectors</h1>
        <Link href="/new" className="button">
          New connector
        </Link>
      </div>
      <PageState loaded={connectors}>
        {(list) =>
          list.length === 0 ? (
            <p>No connector yet: create one to sync its entities.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Adapter</th>
                    <th scope="col">Id</th>
                    <th scope="col">Tables in</th>
                    <th scope="col">Runs</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((connector) => (
                    <tr key={connector.id}>
                      <td>
                        <Link href={`/${encodeURIComponent(connector.id)}`}>{connector.name}</Link>
                      </td>
                      <td>{connector.adapter}</td>
                      <td>
                        <code>{connector.id}</code>
                      </td>
                      <td>
                        <code>{connector.schema ?? "—"}</code>
                      </td>
                      <td>
                        <Link href={`~/runs?connector=${encodeURIComponent(connector.id)}`}>runs</Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </PageState>
    </section>
  )
}
