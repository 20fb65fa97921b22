/**
 * Reads each response body in full inside the HTTP stack, so a body cut off mid-transfer fails as
 * a transport error that timeouts and retries above can see, rather than later while decoding.
 */
import { Effect } from "effect"
import { HttpClient } from "effect/http"

/**
 * Middleware: responses come back with their body already read into memory (one page at a time).
 * Effect's HTTP clients keep the bytes they read, so the response's `text` and `json` decode them
 * without copying or reading again.
 */
export const bufferBody = <E, R>(self: HttpClient.HttpClient.With<E, R>) =>
  HttpClient.transformResponse(self, (effect) =>
    Effect.flatMap(effect, (response) => Effect.as(response.arrayBuffer, response))
  )
