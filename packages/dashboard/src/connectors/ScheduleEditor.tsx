/**
 * An entity's schedule editor: an interval (in minutes) or a five-field cron expression (UTC), with
 * the next five times it fires as the server's scheduler reads it (`GET /schedules/next-runs`,
 * asked again as the draft changes), and Save.
 */
import { Effect } from "effect"
import { type FormEvent, useEffect, useId, useState } from "react"
import { useSession } from "../api/ApiContext.tsx"
import { describeError } from "../api/describeError.ts"
import { useAction } from "../api/useAction.ts"

/** A schedule as the entity stores it. */
export interface ScheduleSettings {
  readonly intervalSeconds: number
  readonly cron: string | null
}

/** The draft schedule as the API takes it, or why it is not one. */
export const scheduleDraft = (
  kind: "interval" | "cron",
  minutes: string,
  cron: string
): { readonly cron: string } | { readonly intervalSeconds: number } | { readonly problem: string } => {
  if (kind === "cron") return cron.trim() === "" ? { problem: "Enter a cron expression" } : { cron: cron.trim() }
  const value = Number(minutes)
  if (minutes.trim() === "" || !Number.isFinite(value) || value <= 0) return { problem: "Enter minutes above 0" }
  const seconds = Math.round(value * 60)
  return seconds < 1 ? { problem: "Enter minutes above 0" } : { intervalSeconds: seconds }
}

const formatTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })

/** Props: where the schedule is, what it is now, and what to do once saved. */
export interface ScheduleEditorProps {
  readonly connectorId: string
  readonly entity: string
  readonly schedule: ScheduleSettings
  readonly onSaved: () => void
}

/** The schedule editor. */
export const ScheduleEditor = ({ connectorId, entity, schedule, onSaved }: ScheduleEditorProps) => {
  const ids = { interval: useId(), cron: useId(), minutes: useId(), expression: useId(), times: useId() }
  const { client } = useSession()
  const [kind, setKind] = useState<"interval" | "cron">(schedule.cron === null ? "interval" : "cron")
  const [minutes, setMinutes] = useState(String(schedule.intervalSeconds / 60))
  const [cron, setCron] = useState(schedule.cron ?? "")
  const [next, setNext] = useState<{ readonly times: ReadonlyArray<string>; readonly problem: string | undefined }>({
    times: [],
    problem: undefined
  })
  const save = useAction()
  const [saved, setSaved] = useState(false)
  const draft = scheduleDraft(kind, minutes, cron)
  const draftKey = JSON.stringify(draft)

  // The next five times of the draft, from the server (debounced while typing).
  useEffect(() => {
    const current: ReturnType<typeof scheduleDraft> = JSON.parse(draftKey)
    if ("problem" in current) {
      setNext({ times: [], problem: current.problem })
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(() => {
      void Effect.runPromise(Effect.result(client.schedules.nextRuns({ query: { ...current, count: 5 } })), {
        signal: controller.signal
      }).then((result) => {
        if (controller.signal.aborted) return
        setNext(
          result._tag === "Success"
            ? { times: result.success.nextRuns, problem: undefined }
            : { times: [], problem: describeError(result.failure) }
        )
      })
    }, 250)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [client, draftKey])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    if ("problem" in draft) return
    const payload = "cron" in draft ? { cron: draft.cron } : { intervalSeconds: draft.intervalSeconds, cron: null }
    const done = await save.run((api) => api.entities.update({ params: { connectorId, entity }, payload }))
    if (done !== undefined) {
      setSaved(true)
      onSaved()
    }
  }

  return (
    <form className="schedule" onSubmit={submit} aria-label={`Schedule of ${entity}`}>
      <fieldset>
        <legend>Schedule</legend>
        <div className="choices">
          <label className="inline" htmlFor={ids.interval}>
            <input
              id={ids.interval}
              type="radio"
              name={`kind-${entity}`}
              checked={kind === "interval"}
              onChange={() => setKind("interval")}
            />{" "}
            Every
          </label>
          <label className="inline" htmlFor={ids.cron}>
            <input
              id={ids.cron}
              type="radio"
              name={`kind-${entity}`}
              checked={kind === "cron"}
              onChange={() => setKind("cron")}
            />{" "}
            Cron (UTC)
          </label>
        </div>
        {kind === "interval" ? (
          <div className="field">
            <label htmlFor={ids.minutes}>Minutes between syncs</label>
            <input
              id={ids.minutes}
              name="minutes"
              inputMode="decimal"
              value={minutes}
              aria-describedby={ids.times}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </div>
        ) : (
          <div className="field">
            <label htmlFor={ids.expression}>Cron expression (minute hour day month weekday, UTC)</label>
            <input
              id={ids.expression}
              name="cron"
              value={cron}
              placeholder="*/15 * * * *"
              spellCheck={false}
              aria-invalid={next.problem === undefined ? undefined : true}
              aria-describedby={ids.times}
              onChange={(e) => setCron(e.target.value)}
            />
          </div>
        )}
        <div id={ids.times} aria-live="polite">
          {next.problem !== undefined ? (
            <p className="error">{next.problem}</p>
          ) : (
            <>
              <p className="muted">Next five runs (UTC):</p>
              <ol className="next-runs" data-testid="next-runs">
                {next.times.map((time) => (
                  <li key={time}>
                    <time dateTime={time}>{formatTime(time)}</time>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
        {save.error === undefined ? null : (
          <p className="error" role="alert">
            {save.error}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={save.busy || "problem" in draft}>
            Save schedule
          </button>
          {saved ? (
            <span role="status" className="ok">
              Saved
            </span>
          ) : null}
        </div>
      </fieldset>
    </form>
  )
}
