/**
 * Reads each response body in full inside the HTTP stack, so a body cut off mid-transfer fails as
 * a transport error that timeouts and retries above can see, rather than later while decoding.
 */
import { Effect } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"

const noBody = (status: number) => status === 204 || status === 205 || status === 304 || status < 200

/** Middleware: responses come back with their body already read into memory (one page at a time). */
export const bufferBody = <E, R>(self: HttpClient.HttpClient.With<E, R>) =>
  HttpClient.transformResponse(self, (effect) =>
    Effect.flatMap(effect, (response) =>
      Effect.map(response.arrayBuffer, (bytes) =>
        HttpClientResponse.fromWeb(
          response.request,
          new Response(noBody(response.status) ? null : bytes, {
            status: response.status,
            headers: Object.entries(response.headers)
          })
        )
      )
    )
  )
