/**
 * Unknown routes: a request no route matches (path or method) is answered with a 404
 * `application/problem+json` naming the method and path, instead of an empty body.
 */
import { Effect } from "effect"
import { HttpRouter, HttpServerError, HttpServerRequest } from "effect/http"
import { NotFound } from "../api/ApiErrors.ts"
import { problemResponse } from "../api/Problem.ts"

/** The global middleware answering unknown routes with a problem. */
export const UnknownRoute = HttpRouter.middleware<{ handles: HttpServerError.HttpServerError }>()(
  (httpEffect) =>
    Effect.catch(httpEffect, (error) =>
      Effect.gen(function* () {
        if (!HttpServerError.isHttpServerError(error) || error.reason._tag !== "RouteNotFound") {
          return yield* Effect.fail(error)
        }
        const request = yield* HttpServerRequest.HttpServerRequest
        const path = request.url.split("?")[0] ?? request.url
        return yield* problemResponse(
          new NotFound({ detail: `No route ${request.method} ${path}: see /openapi.json or /docs` })
        )
      })
    ),
  { global: true }
)
