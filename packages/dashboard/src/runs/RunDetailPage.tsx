/** One run (`/runs/:runId`): what it synced, how, how long, every stage's count and its errors. */
import { Link } from "wouter"
import type { RunView } from "../api/apiTypes.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { formatSeconds } from "./runProgress.ts"

// The counts every run has (`transformed` only with a field mapping).
const stages: ReadonlyArray<Exclude<keyof RunView["counts"], "transformed">> = [
  "fetched",
  "normalized",
  "validated",
  "mapped",
  "inserted",
  "updated",
  "unchanged",
  "deleted",
  "failed",
  "orphaned"
]

const RunDetail = ({ run }: { readonly run: RunView }) => (
  <>
    <dl className="facts">
      <dt>Connector / entity</dt>
      <dd>
        {run.connectorId} / {run.entity}
      </dd>
      <dt>Sync definition</dt>
      <dd>{run.definitionId ?? "the entity's default sync"}</dd>
      <dt>Status</dt>
      <dd>
        <span className={`badge ${run.status}`}>{run.status}</span>
      </dd>
      <dt>Mode</dt>
      <dd>{run.mode}</dd>
      <dt>Started</dt>
      <dd>{new Date(run.startedAt).toLocaleString()}</dd>
      <dt>Finished</dt>
      <dd>{run.finishedAt === null ? "still running" : new Date(run.finishedAt).toLocaleString()}</dd>
      <dt>Duration</dt>
      <dd>{formatSeconds(run.durationMs === null ? null : run.durationMs / 1000)}</dd>
    </dl>
    <h2>Stages</h2>
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {stages.map((stage) => (
              <th key={stage} scope="col" className="num">
                {stage}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {stages.map((stage) => (
              <td key={stage} className="num">
                {run.counts[stage].toLocaleString("en-US")}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
    <h2>Errors</h2>
    {run.error === null && run.counts.failed === 0 && run.typeMismatches.length === 0 ? <p>None.</p> : null}
    {run.error === null ? null : <pre className="error">{run.error}</pre>}
    {run.counts.failed > 0 ? (
      <p>
        {run.counts.failed.toLocaleString("en-US")} records failed:{" "}
        <Link
          href={`/failed?connector=${encodeURIComponent(run.connectorId)}&entity=${encodeURIComponent(run.entity)}&runId=${run.id}`}
        >
          see the failed records
        </Link>
        .
      </p>
    ) : null}
    {run.typeMismatches.length > 0 ? (
      <>
        <h3>Schema drift</h3>
        <pre>{JSON.stringify(run.typeMismatches, null, 2)}</pre>
      </>
    ) : null}
  </>
)

/** The run detail page. */
export const RunDetailPage = ({ runId }: { readonly runId: string }) => {
  const run = useApi(runId, (client) => client.runs.get({ params: { runId } }))
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">Run</h1>
      <p>
        <Link href="/runs">All runs</Link>
      </p>
      <PageState loaded={run}>{(found) => <RunDetail run={found} />}</PageState>
    </section>
  )
}
