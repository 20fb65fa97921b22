/**
 * One conflict of a two-way definition: the record, the fields that conflict, each field's value in
 * the last agreed version, the connector's and the table's (conflicting rows marked), the policy,
 * the outcome; a held one is resolved by a side or by the merged record typed in.
 */
import { type FormEvent, useId, useState } from "react"
import { useAction } from "../api/useAction.ts"
import { conflictFields, type FieldValue, mergedRecord, showValue, type Version } from "./conflictValues.ts"

/** A conflict as the page uses it (the API's `ConflictView`). */
export interface ConflictShown {
  readonly id: string
  readonly recordKey: string
  readonly sourceId: string | null
  readonly fields: ReadonlyArray<string>
  readonly source: Version
  readonly table: Version
  readonly base: Version
  readonly policy: string
  readonly outcome: string
  readonly status: "held" | "resolved" | "closed"
  readonly resolution: { readonly record: Readonly<Record<string, FieldValue>> | null } | null
  readonly detectedAt: string
}

/** Props: the definition, the conflict, and what to do once it is resolved. */
export interface ConflictCardProps {
  readonly definitionId: string
  readonly conflict: ConflictShown
  readonly onResolved: () => void
}

/** The conflict's card. */
export const ConflictCard = ({ definitionId, conflict, onResolved }: ConflictCardProps) => {
  const formId = useId()
  const versions = [conflict.source, conflict.table]
  const fields = conflictFields(conflict.fields, [conflict.base, conflict.source, conflict.table])
  const [inputs, setInputs] = useState<Readonly<Record<string, string>>>(() =>
    Object.fromEntries(
      conflict.fields.map((field) => [field, showValue(conflict.table, field).replace(/^(—|null)$/, "")])
    )
  )
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const resolve = useAction()
  const send = async (
    payload: { readonly side: "source" | "target" } | { readonly record: Readonly<Record<string, FieldValue>> }
  ) => {
    const done = await resolve.run((client) =>
      client.conflicts.resolve({ params: { definitionId, conflictId: conflict.id }, payload })
    )
    if (done !== undefined) onResolved()
  }
  const merge = (event: FormEvent) => {
    event.preventDefault()
    const merged = mergedRecord(inputs, versions)
    if ("problem" in merged) return setProblem(merged.problem)
    setProblem(undefined)
    void send({ record: merged.record })
  }
  const conflicting = new Set(conflict.fields)
  return (
    <article className="card conflict" data-conflict={conflict.id} aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>
        Record <code>{conflict.sourceId ?? conflict.recordKey}</code>: {conflict.fields.join(", ")}
      </h3>
      <p className="muted">
        <span className={`badge ${conflict.status === "held" ? "firing" : "ok"}`}>{conflict.status}</span> · policy{" "}
        {conflict.policy} · outcome {conflict.outcome} · detected{" "}
        <time dateTime={conflict.detectedAt}>{new Date(conflict.detectedAt).toLocaleString()}</time>
      </p>
      <div className="table-wrap">
        <table aria-label={`Versions of ${conflict.sourceId ?? conflict.recordKey}`}>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Last agreed</th>
              <th scope="col">Connector</th>
              <th scope="col">Table</th>
              {conflict.resolution === null ? null : <th scope="col">Resolved to</th>}
            </tr>
          </thead>
          <tbody>
            {fields.map((field) => (
              <tr key={field} className={conflicting.has(field) ? "mismatch" : undefined}>
                <th scope="row">
                  <code>{field}</code>
                  {conflicting.has(field) ? <span className="badge failed">conflict</span> : null}
                </th>
                <td>{showValue(conflict.base, field)}</td>
                <td data-side="source">{showValue(conflict.source, field)}</td>
                <td data-side="table">{showValue(conflict.table, field)}</td>
                {conflict.resolution === null ? null : <td>{showValue(conflict.resolution.record, field)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {conflict.status !== "held" ? null : (
        <>
          <div className="actions">
            <button type="button" disabled={resolve.busy} onClick={() => void send({ side: "source" })}>
              Keep the connector's
            </button>
            <button type="button" disabled={resolve.busy} onClick={() => void send({ side: "target" })}>
              Keep the table's
            </button>
          </div>
          <form onSubmit={merge} aria-label={`Merge ${conflict.sourceId ?? conflict.recordKey}`}>
            <fieldset>
              <legend>Or merge: the values both sides get</legend>
              {conflict.fields.map((field) => (
                <div className="field" key={field}>
                  <label htmlFor={`${formId}-${field}`}>{field}</label>
                  <input
                    id={`${formId}-${field}`}
                    value={inputs[field] ?? ""}
                    onChange={(e) => setInputs({ ...inputs, [field]: e.target.value })}
                  />
                </div>
              ))}
              <button type="submit" disabled={resolve.busy}>
                Resolve with these values
              </button>
            </fieldset>
          </form>
        </>
      )}
      {[problem, resolve.error].map((error) =>
        error === undefined ? null : (
          <p key={error} className="error" role="alert">
            {error}
          </p>
        )
      )}
    </article>
  )
}
