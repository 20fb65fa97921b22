/**
 * A trigger request that never answers "closing": when the running execution of the key has
 * closed but not yet ended, waits until it has ended and asks again. Every keyed workflow (an
 * entity's sync, a definition's run, a two-way cycle, a connector sync's claims) triggers through it.
 */
import { Effect, Schedule } from "effect"
import type { SqlError } from "effect/sql"
import type { SyncMode } from "../pipeline/SyncMode.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import type { TriggerAnswer, WorkflowTriggers } from "./WorkflowTriggers.ts"

/** A trigger's answer once the running execution has settled: started, running (joined) or queued. */
export type SettledAnswer = Exclude<TriggerAnswer, { readonly status: "closing" }>

/**
 * `triggers.request(key, mode, options)`; when the running execution is closing, waits (polling
 * `isRunning`, at most 30 seconds) until it has ended and asks again. Fails with a
 * `SyncWorkflowError` saying "the running `what` did not end" when it does not.
 */
export const requestSettled = <E, R, E2 = never, R2 = never>(
  triggers: WorkflowTriggers["Service"],
  key: string,
  mode: SyncMode,
  options: {
    readonly followUp?: boolean | undefined
    readonly isRunning: (seq: number) => Effect.Effect<boolean, E, R>
    readonly hasListed?: ((seq: number) => Effect.Effect<boolean, E2, R2>) | undefined
  },
  what: string
): Effect.Effect<SettledAnswer, E | E2 | SqlError.SqlError | SyncWorkflowError, R | R2> =>
  Effect.gen(function* () {
    const notEnded = () => new SyncWorkflowError({ message: `the running ${what} did not end` })
    const ask = triggers.request(key, mode, options)
    let answer = yield* ask
    if (answer.status === "closing") {
      yield* options
        .isRunning(answer.seq)
        .pipe(
          Effect.repeat({ until: (running) => !running, schedule: Schedule.spaced("50 millis") }),
          Effect.timeoutOrElse({ duration: "30 seconds", orElse: () => Effect.fail(notEnded()) })
        )
      answer = yield* ask
    }
    if (answer.status === "closing") return yield* notEnded()
    return answer
  })
