/**
 * Loads data from the admin API for a page: runs `request` with the session's client whenever `key`
 * changes (or `reload` is called), cancels it when the page goes away, and signs out when the
 * server refuses the key.
 */
import { Cause, Effect, Exit } from "effect"
import { useCallback, useEffect, useRef, useState } from "react"
import type { ApiClient } from "./ApiClient.ts"
import { useSession } from "./ApiContext.tsx"
import { describeError, isUnauthorized } from "./describeError.ts"

/** What a page shows while, and after, it loads. */
export interface Loaded<A> {
  readonly data: A | undefined
  readonly error: string | undefined
  readonly loading: boolean
  readonly reload: () => void
}

/** Runs `request` now and whenever `key` changes. */
export const useApi = <A, E>(key: string, request: (client: ApiClient) => Effect.Effect<A, E>): Loaded<A> => {
  const { client, signOut } = useSession()
  const latest = useRef(request)
  latest.current = request
  const [tick, setTick] = useState(0)
  const [state, setState] = useState<{
    data: A | undefined
    error: string | undefined
    loading: boolean
    request: string
  }>({ data: undefined, error: undefined, loading: true, request: "" })
  // Which request the state answers: a page keeps showing its data while it reloads.
  const requestId = `${key}#${tick}`
  useEffect(() => {
    const controller = new AbortController()
    setState((previous) => ({ ...previous, loading: true, request: requestId }))
    void Effect.runPromiseExit(latest.current(client), { signal: controller.signal }).then((exit) => {
      if (controller.signal.aborted) return
      if (Exit.isSuccess(exit))
        return setState({ data: exit.value, error: undefined, loading: false, request: requestId })
      const error = Cause.squash(exit.cause)
      if (isUnauthorized(error)) return signOut("The server no longer accepts this API key: sign in again.")
      setState((previous) => ({ ...previous, error: describeError(error), loading: false }))
    })
    return () => controller.abort()
  }, [client, signOut, requestId])
  const reload = useCallback(() => setTick((value) => value + 1), [])
  return { data: state.data, error: state.error, loading: state.loading, reload }
}
