/** One run (`/runs/:runId`): its status, stage counts and errors. */
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"

/** The run detail page. */
export const RunDetailPage = ({ runId }: { readonly runId: string }) => {
  const run = useApi(runId, (client) => client.runs.get({ params: { runId } }))
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">Run</h1>
      <PageState loaded={run}>{(found) => <p>{found.status}</p>}</PageState>
    </section>
  )
}
