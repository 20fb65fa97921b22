/** What a page shows while its data loads or when loading failed (announced to screen readers). */
import type { ReactNode } from "react"
import type { Loaded } from "../api/useApi.ts"

/** Renders `children(data)` once loaded; a status line while loading; the error with a retry. */
export const PageState = <A,>({
  loaded,
  children
}: {
  readonly loaded: Loaded<A>
  readonly children: (data: A) => ReactNode
}) => {
  if (loaded.error !== undefined)
    return (
      <div className="error" role="alert">
        <p>{loaded.error}</p>
        <button type="button" onClick={loaded.reload}>
          Try again
        </button>
      </div>
    )
  if (loaded.data === undefined)
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    )
  return <>{children(loaded.data)}</>
}
