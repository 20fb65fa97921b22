/**
 * The connectors pages (`/connectors/*`): the list, a new connector (`/connectors/new`) and a
 * connector with its entities (`/connectors/:connectorId`).
 */
import { Route, Switch } from "wouter"
import "../manage.css"
import { ConnectorDetailPage } from "./ConnectorDetailPage.tsx"
import { ConnectorList } from "./ConnectorList.tsx"
import { CreateConnectorPage } from "./CreateConnectorPage.tsx"

/** The connectors pages, under `/connectors`. */
export const ConnectorsPage = () => (
  <Switch>
    <Route path="/" component={ConnectorList} />
    <Route path="/new" component={CreateConnectorPage} />
    <Route path="/:connectorId">
      {(params) => <ConnectorDetailPage connectorId={decodeURIComponent(params.connectorId)} />}
    </Route>
  </Switch>
)
