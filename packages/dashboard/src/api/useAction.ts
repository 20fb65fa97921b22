/**
 * Runs an action of a page (create, test, retry...) with the session's client: whether it is
 * running, its outcome as a sentence, and the field a refused request named (`InvalidField`'s
 * `field`), so a form can mark that input. Signs out when the server refuses the key.
 */
import { Cause, Effect, Exit, Predicate } from "effect"
import { useCallback, useState } from "react"
import type { ApiClient } from "./ApiClient.ts"
import { useSession } from "./ApiContext.tsx"
import { describeError, isUnauthorized } from "./describeError.ts"

/** Where an action stands. */
export interface ActionState {
  readonly busy: boolean
  /** Why the last run failed, for a person. */
  readonly error: string | undefined
  /** The request field the server named (e.g. `config.baseUrl`), when it named one. */
  readonly field: string | undefined
}

/** The field an API problem names, if any. */
export const problemField = (error: unknown): string | undefined =>
  Predicate.hasProperty(error, "field") && Predicate.isString(error.field) ? error.field : undefined

/** An action: `run` resolves to the result, or `undefined` when it failed (see the state's `error`). */
export const useAction = () => {
  const { client, signOut } = useSession()
  const [state, setState] = useState<ActionState>({ busy: false, error: undefined, field: undefined })
  const run = useCallback(
    async <A, E>(action: (client: ApiClient) => Effect.Effect<A, E>): Promise<A | undefined> => {
      setState({ busy: true, error: undefined, field: undefined })
      const exit = await Effect.runPromiseExit(action(client))
      if (Exit.isSuccess(exit)) {
        setState({ busy: false, error: undefined, field: undefined })
        return exit.value
      }
      const error = Cause.squash(exit.cause)
      if (isUnauthorized(error)) {
        signOut("The server no longer accepts this API key: sign in again.")
        return undefined
      }
      setState({ busy: false, error: describeError(error), field: problemField(error) })
      return undefined
    },
    [client, signOut]
  )
  const clear = useCallback(() => setState({ busy: false, error: undefined, field: undefined }), [])
  return { ...state, run, clear }
}
