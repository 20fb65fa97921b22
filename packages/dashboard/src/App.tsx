/**
 * The dashboard: the sign-in page until the server accepts a key, then the pages by path (client
 * routes, served by the server's SPA fallback): `/` overview, `/connectors`, `/runs`, `/runs/:id`,
 * `/failed`, `/conflicts`.
 */
import { Effect } from "effect"
import { useCallback, useEffect, useMemo, useState } from "react"
import { Route, Switch } from "wouter"
import { type ApiClient, makeApiClient } from "./api/ApiClient.ts"
import { type Session, SessionContext } from "./api/ApiContext.tsx"
import { SignIn } from "./auth/SignIn.tsx"
import { clearSessionKey, readSessionKey, storeSessionKey } from "./auth/session.ts"
import { ConflictsPage } from "./conflicts/ConflictsPage.tsx"
import { ConnectorsPage } from "./connectors/ConnectorsPage.tsx"
import { FailedPage } from "./failed/FailedPage.tsx"
import { Layout } from "./layout/Layout.tsx"
import { NotFoundPage } from "./layout/NotFoundPage.tsx"
import { OverviewPage } from "./overview/OverviewPage.tsx"
import { RunDetailPage } from "./runs/RunDetailPage.tsx"
import { RunsPage } from "./runs/RunsPage.tsx"

const clientOf = (key: string | null): ApiClient | null => (key === null ? null : Effect.runSync(makeApiClient(key)))

/** The whole dashboard. */
export const App = () => {
  const [client, setClient] = useState<ApiClient | null>(() => clientOf(readSessionKey()))
  const [notice, setNotice] = useState<string | null>(null)
  const signOut = useCallback((reason?: string) => {
    clearSessionKey()
    setNotice(reason ?? null)
    setClient(null)
  }, [])
  const signedIn = useCallback((key: string, accepted: ApiClient) => {
    storeSessionKey(key)
    setNotice(null)
    setClient(accepted)
  }, [])
  const session = useMemo<Session | null>(() => (client === null ? null : { client, signOut }), [client, signOut])
  useEffect(() => {
    document.title = session === null ? "Sign in · SyncFlow" : "SyncFlow"
  }, [session])
  if (session === null) return <SignIn onSignedIn={signedIn} notice={notice} />
  return (
    <SessionContext.Provider value={session}>
      <Layout onSignOut={() => signOut()}>
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/connectors" nest component={ConnectorsPage} />
          <Route path="/runs" component={RunsPage} />
          <Route path="/runs/:runId">{(params) => <RunDetailPage runId={params.runId} />}</Route>
          <Route path="/failed" nest component={FailedPage} />
          <Route path="/conflicts" nest component={ConflictsPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </Layout>
    </SessionContext.Provider>
  )
}
