/**
 * The failed records and pending children pages (`/failed/*`): the failed records with filters
 * (`/failed`), one record (`/failed/records/:recordId`) and the pending children (`/failed/pending`).
 */
import { Link, Route, Switch, useRoute } from "wouter"
import "../manage.css"
import { FailedRecordDetail } from "./FailedRecordDetail.tsx"
import { FailedRecordsList } from "./FailedRecordsList.tsx"
import { PendingChildrenList } from "./PendingChildrenList.tsx"

const Tabs = () => {
  const [pending] = useRoute("/pending")
  return (
    <nav className="tabs" aria-label="Failed records and pending children">
      <Link href="/" aria-current={pending ? undefined : "page"} className={pending ? undefined : "active"}>
        Failed records
      </Link>
      <Link href="/pending" aria-current={pending ? "page" : undefined} className={pending ? "active" : undefined}>
        Pending children
      </Link>
    </nav>
  )
}

/** The failed records pages, under `/failed`. */
export const FailedPage = () => (
  <Switch>
    <Route path="/records/:recordId">{(params) => <FailedRecordDetail recordId={params.recordId} />}</Route>
    <Route>
      <section aria-labelledby="failed-title">
        <h1 id="failed-title">Failed records</h1>
        <Tabs />
        <Switch>
          <Route path="/pending" component={PendingChildrenList} />
          <Route component={FailedRecordsList} />
        </Switch>
      </section>
    </Route>
  </Switch>
)
