/**
 * The bulk actions of a list: retry or discard the selected rows, or every row the filters match
 * (a discard asks for a second click to confirm). Shows the outcome as a status line.
 */
import { useState } from "react"

/** What a bulk action acts on: the selected rows, or every row the filters match. */
export type BulkScope = "selected" | "matching"

/** Props: how many rows are selected, what the actions do, and the last outcome. */
export interface BulkBarProps {
  readonly selected: number
  readonly busy: boolean
  readonly outcome: string | undefined
  readonly error: string | undefined
  readonly onRetry: (scope: BulkScope) => void
  readonly onDiscard: (scope: BulkScope) => void
}

/** The bulk actions bar. */
export const BulkBar = ({ selected, busy, outcome, error, onRetry, onDiscard }: BulkBarProps) => {
  const [confirming, setConfirming] = useState<BulkScope | null>(null)
  const discard = (scope: BulkScope) => {
    if (confirming !== scope) return setConfirming(scope)
    setConfirming(null)
    onDiscard(scope)
  }
  return (
    <div className="bulk">
      <div className="actions">
        <button type="button" disabled={busy || selected === 0} onClick={() => onRetry("selected")}>
          Retry selected ({selected})
        </button>
        <button type="button" className="danger" disabled={busy || selected === 0} onClick={() => discard("selected")}>
          {confirming === "selected" ? `Confirm: discard ${selected}` : `Discard selected (${selected})`}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => onRetry("matching")}>
          Retry all matching
        </button>
        <button type="button" className="secondary danger-text" disabled={busy} onClick={() => discard("matching")}>
          {confirming === "matching" ? "Confirm: discard all matching" : "Discard all matching"}
        </button>
      </div>
      <div aria-live="polite">
        {outcome === undefined ? null : (
          <p role="status" className="ok">
            {outcome}
          </p>
        )}
        {error === undefined ? null : (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </div>
    </div>
  )
}
