/**
 * The sign-in page: the admin API key (`./.data/api-key`, or `SYNCFLOW_API_KEY`) or an admin JWT,
 * checked against the server before it is kept; a refused one says so and is not kept.
 */
import { Effect } from "effect"
import { type FormEvent, useEffect, useId, useRef, useState } from "react"
import { type ApiClient, makeApiClient } from "../api/ApiClient.ts"
import { describeError, isUnauthorized } from "../api/describeError.ts"

/** Props: what to do with a key the server accepted, and why the last session ended (if it did). */
export interface SignInProps {
  readonly onSignedIn: (key: string, client: ApiClient) => void
  readonly notice: string | null
}

/** The sign-in form. */
export const SignIn = ({ onSignedIn, notice }: SignInProps) => {
  const inputId = useId()
  const hintId = useId()
  const [key, setKey] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const field = useRef<HTMLInputElement>(null)
  // The page's one field has the focus, and gets it back after a refusal.
  useEffect(() => {
    if (!busy) field.current?.focus()
  }, [busy])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const token = key.trim()
    if (token === "") return setError("Enter the admin API key.")
    setBusy(true)
    setError(null)
    const check = Effect.gen(function* () {
      const client = yield* makeApiClient(token)
      yield* client.connectors.list()
      return client
    })
    void Effect.runPromise(Effect.result(check)).then((result) => {
      setBusy(false)
      if (result._tag === "Success") return onSignedIn(token, result.success)
      setError(
        isUnauthorized(result.failure)
          ? "The server refused this API key. Use the admin key of this server (./.data/api-key or SYNCFLOW_API_KEY)."
          : describeError(result.failure)
      )
    })
  }
  return (
    <main className="signin" id="main">
      <form className="card signin-card" onSubmit={submit} aria-describedby={hintId}>
        <h1>SyncFlow</h1>
        <p id={hintId} className="muted">
          Sign in with the server's admin API key. It is kept in this browser tab only, until you sign out or close it.
        </p>
        {notice !== null && error === null ? <p className="notice">{notice}</p> : null}
        <label htmlFor={inputId}>Admin API key</label>
        <input
          id={inputId}
          name="apiKey"
          type="password"
          autoComplete="current-password"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-invalid={error !== null}
          ref={field}
        />
        {error !== null ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  )
}
