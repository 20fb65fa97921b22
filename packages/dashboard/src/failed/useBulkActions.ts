/**
 * The bulk actions of a list (failed records, pending children): retry or discard the selected rows
 * or every row the filters match, the outcome as a sentence, then the list reloaded. What a scope
 * selects and which routes act are the list's; the rest is shared here, for `BulkBar`.
 */
import type { Effect } from "effect"
import { useState } from "react"
import type { ApiClient } from "../api/ApiClient.ts"
import { useAction } from "../api/useAction.ts"
import type { BulkScope } from "./BulkBar.tsx"
import { bulkSummary } from "./failedFilters.ts"

type Outcome = Parameters<typeof bulkSummary>[1]

/** What a list gives: the request body of a scope, the retry and discard routes, and its reload. */
export interface BulkActionsOptions<P, E1, E2> {
  readonly body: (scope: BulkScope) => P
  readonly retry: (client: ApiClient, payload: P) => Effect.Effect<Outcome, E1>
  readonly discard: (client: ApiClient, payload: P) => Effect.Effect<Outcome, E2>
  readonly reload: () => void
  /** How a retry's outcome names the rows still open (`bulkSummary`'s default: still failing). */
  readonly stillOpen?: string
}

/** The state and handlers of `BulkBar` (all but `selected`). */
export const useBulkActions = <P, E1, E2>(options: BulkActionsOptions<P, E1, E2>) => {
  const action = useAction()
  const [outcome, setOutcome] = useState<string | undefined>(undefined)
  const act = async (verb: "Retried" | "Discarded", scope: BulkScope) => {
    setOutcome(undefined)
    const payload = options.body(scope)
    const done = await action.run(
      (client): Effect.Effect<Outcome, E1 | E2> =>
        verb === "Retried" ? options.retry(client, payload) : options.discard(client, payload)
    )
    if (done !== undefined) setOutcome(bulkSummary(verb, done, options.stillOpen))
    options.reload()
  }
  return {
    busy: action.busy,
    error: action.error,
    outcome,
    onRetry: (scope: BulkScope) => void act("Retried", scope),
    onDiscard: (scope: BulkScope) => void act("Discarded", scope)
  }
}
