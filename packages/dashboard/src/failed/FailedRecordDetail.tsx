/**
 * One failed record (`/failed/records/:recordId`): where (connector, entity, run) and why (stage,
 * reason, message) it failed, what it looked like at each stage (raw, normalized, mapped), and
 * retry or discard it.
 */
import { useState } from "react"
import { Link, useLocation } from "wouter"
import { useAction } from "../api/useAction.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"

const DataBlock = ({ title, data }: { readonly title: string; readonly data: unknown }) => (
  <section className="data-block" aria-label={title}>
    <h2>{title}</h2>
    {data === null ? <p className="muted">None at this stage.</p> : <pre>{JSON.stringify(data, null, 2)}</pre>}
  </section>
)

/** The failed record page. */
export const FailedRecordDetail = ({ recordId }: { readonly recordId: string }) => {
  const record = useApi(`failed-record:${recordId}`, (client) => client.records.getFailed({ params: { recordId } }))
  const action = useAction()
  const [, navigate] = useLocation()
  const [outcome, setOutcome] = useState<string | undefined>(undefined)
  const [confirming, setConfirming] = useState(false)
  const retry = async () => {
    setOutcome(undefined)
    const done = await action.run((client) => client.records.retryFailed({ params: { recordId } }))
    if (done === undefined) return
    setOutcome(
      done.resolved > 0
        ? "Retried: the record was written."
        : done.stale > 0
          ? "Not written: the table holds a newer row (closed as stale)."
          : done.stillWaiting > 0
            ? "Still failing: see the message below."
            : "Retried."
    )
    record.reload()
  }
  const discard = async () => {
    if (!confirming) return setConfirming(true)
    const done = await action.run((client) => client.records.discardFailed({ params: { recordId } }))
    if (done !== undefined) navigate("/")
  }
  return (
    <section aria-labelledby="record-title">
      <p>
        <Link href="/">Failed records</Link> /
      </p>
      <h1 id="record-title">Failed record #{recordId}</h1>
      <PageState loaded={record}>
        {(found) => (
          <>
            <dl className="facts">
              <dt>Connector</dt>
              <dd>{found.connectorId}</dd>
              <dt>Entity</dt>
              <dd>{found.entity}</dd>
              <dt>Stage</dt>
              <dd>{found.stage}</dd>
              <dt>Reason</dt>
              <dd>
                <code>{found.errorType}</code>
              </dd>
              <dt>Message</dt>
              <dd>{found.message}</dd>
              <dt>Status</dt>
              <dd>{found.resolvedAt === null ? "open" : `closed (${found.resolution ?? "resolved"})`}</dd>
              <dt>Attempts</dt>
              <dd>
                {found.attempts}
                {found.nextAttemptAt === null ? "" : ` · next automatic retry ${found.nextAttemptAt}`}
              </dd>
              <dt>Run</dt>
              <dd>{found.runId === null ? "—" : <Link href={`~/runs/${found.runId}`}>{found.runId}</Link>}</dd>
              {found.businessKey === null ? null : (
                <>
                  <dt>Key</dt>
                  <dd>
                    <code>{found.businessKey}</code>
                  </dd>
                </>
              )}
            </dl>
            {found.resolvedAt === null ? (
              <div className="actions">
                <button type="button" disabled={action.busy} onClick={() => void retry()}>
                  Retry now
                </button>
                <button type="button" className="danger" disabled={action.busy} onClick={() => void discard()}>
                  {confirming ? "Confirm: discard" : "Discard"}
                </button>
              </div>
            ) : null}
            <div aria-live="polite">
              {outcome === undefined ? null : (
                <p role="status" className="ok">
                  {outcome}
                </p>
              )}
              {action.error === undefined ? null : (
                <p role="alert" className="error">
                  {action.error}
                </p>
              )}
            </div>
            <div className="data-grid">
              <DataBlock title="Raw (as the source sent it)" data={found.rawData} />
              <DataBlock title="Normalized" data={found.normalizedData} />
              <DataBlock title="Mapped" data={found.mappedData} />
            </div>
          </>
        )}
      </PageState>
    </section>
  )
}
