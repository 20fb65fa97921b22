/**
 * The signed-in session for the pages: the typed API client and signing out. Pages read it with
 * `useSession`; `useApi` runs a request with it.
 */
import { createContext, useContext } from "react"
import type { ApiClient } from "./ApiClient.ts"

/** What a page of a signed-in session can use. */
export interface Session {
  readonly client: ApiClient
  readonly signOut: (reason?: string) => void
}

/** The session's context (provided by `App` once signed in). */
export const SessionContext = createContext<Session | null>(null)

/** The current session; only under a signed-in `App`. */
export const useSession = (): Session => {
  const session = useContext(SessionContext)
  if (session === null) throw new Error("useSession outside a signed-in session")
  return session
}
