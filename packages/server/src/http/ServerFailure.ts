/**
 * A defect while answering (a bug, never a user's mistake) is logged with its cause and answered
 * as a 500 `application/problem+json` without details, instead of an empty body.
 */
import { Cause, Effect } from "effect"
import { HttpRouter } from "effect/http"
import { HttpApiError } from "effect/http-api"
import { problemResponse } from "../api/Problem.ts"

/** The global middleware answering defects with a 500 problem. */
export const ServerFailure = HttpRouter.middleware(
  (httpEffect) =>
    Effect.catchDefect(httpEffect, (defect) =>
      Effect.logError("request failed").pipe(
        Effect.annotateLogs({ cause: Cause.pretty(Cause.die(defect)) }),
        Effect.andThen(problemResponse(new HttpApiError.InternalServerErrorProblem()))
      )
    ),
  { global: true }
)
