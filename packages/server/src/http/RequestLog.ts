/**
 * The request log of the HTTP server: one `Sent HTTP response` line per request (method, path and
 * status as annotations), at INFO, except for the requests that load balancers and scrapers repeat
 * all day (health probes and `/metrics`): those are logged at DEBUG and not traced.
 */
import { Effect, Layer, References } from "effect"
import { HttpMiddleware, HttpServerRequest } from "effect/http"

/** The paths probed or scraped over and over: `/api/v1/health...` and `/metrics`. */
export const isProbePath = (url: string): boolean => {
  const path = url.replace(/[?#].*$/, "")
  return path === "/metrics" || path === "/api/v1/health" || path.startsWith("/api/v1/health/")
}

/** The request logger: Effect's, with probe and scrape requests lowered to DEBUG. */
export const requestLogger = HttpMiddleware.make((httpApp) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const logged = HttpMiddleware.logger(httpApp)
    return yield* isProbePath(request.url)
      ? logged.pipe(Effect.provideService(References.CurrentLogLevel, "Debug"))
      : logged
  })
)

/** No server span for probe and scrape requests (a trace per probe is noise). */
export const probesUntraced: Layer.Layer<never> = Layer.succeed(HttpMiddleware.TracerDisabledWhen)((request) =>
  isProbePath(request.url)
)
