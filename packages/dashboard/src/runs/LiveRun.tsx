/**
 * One running run, followed live through its event stream (`GET /runs/{id}/events`): a progress
 * bar, rows fetched, rows/s and ETA, and a button asking the run to stop at its next window.
 */
import { Effect, Stream } from "effect"
import { useEffect, useId, useState } from "react"
import { Link } from "wouter"
import { useSession } from "../api/ApiContext.tsx"
import type { RunView } from "../api/apiTypes.ts"
import { describeError } from "../api/describeError.ts"
import { applyRunEvent, formatRate, formatSeconds, type RunProgress, startingProgress } from "./runProgress.ts"

/** Props: the run as listed, the size of its entity's last successful run (for an estimate), and what to do when it ends. */
export interface LiveRunProps {
  readonly run: RunView
  readonly estimate: number | null
  readonly onFinished: () => void
}

/** A live run's card. */
export const LiveRun = ({ run, estimate, onFinished }: LiveRunProps) => {
  const { client } = useSession()
  const labelId = useId()
  const [progress, setProgress] = useState<RunProgress>(() => startingProgress(run.counts.fetched, estimate))
  const [cancelState, setCancelState] = useState<"idle" | "asking" | "asked">("idle")
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    const follow = Effect.gen(function* () {
      const events = yield* client.runs.events({ params: { runId: run.id } })
      yield* Stream.runForEach(events, (event) =>
        Effect.sync(() => setProgress((current) => applyRunEvent(current, event, estimate)))
      )
    })
    void Effect.runPromiseExit(follow, { signal: controller.signal }).then(() => {
      if (!controller.signal.aborted) onFinished()
    })
    return () => controller.abort()
  }, [client, run.id, estimate, onFinished])
  const cancel = () => {
    setCancelState("asking")
    void Effect.runPromise(Effect.result(client.runs.cancel({ params: { runId: run.id } }))).then((result) => {
      if (result._tag === "Success") return setCancelState("asked")
      setCancelState("idle")
      setError(describeError(result.failure))
    })
  }
  const percent = progress.percent
  const title = `${run.connectorId} / ${run.entity}${run.definitionId === null ? "" : ` (${run.definitionId})`}`
  return (
    <article className="card live-run" aria-labelledby={labelId} data-run-id={run.id}>
      <h3 id={labelId}>
        <Link href={`/runs/${run.id}`}>{title}</Link> <span className="muted">{run.mode}</span>
      </h3>
      <progress
        max={100}
        value={percent ?? undefined}
        aria-labelledby={labelId}
        aria-valuetext={percent === null ? "in progress" : `${Math.floor(percent)} %`}
      />
      <div className="stats" aria-live="polite">
        <span data-testid="percent">{percent === null ? "…" : `${Math.floor(percent)} %`}</span>
        <span>
          {progress.fetched.toLocaleString("en-US")}
          {progress.total === null
            ? ""
            : ` of ${progress.estimated ? "~" : ""}${progress.total.toLocaleString("en-US")}`}{" "}
          rows
        </span>
        <span>{formatRate(progress.rowsPerSecond)}</span>
        <span>ETA {formatSeconds(progress.etaSeconds)}</span>
        <span className={`badge ${progress.status}`}>{progress.status}</span>
      </div>
      {progress.status === "running" ? (
        <button type="button" className="danger" onClick={cancel} disabled={cancelState !== "idle"}>
          {cancelState === "asked" ? "Cancelling at the next window…" : "Cancel run"}
        </button>
      ) : null}
      {error !== null ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {progress.error !== null ? <p className="error">{progress.error}</p> : null}
    </article>
  )
}
