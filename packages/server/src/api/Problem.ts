/**
 * The problem vocabulary of SyncFlow's HTTP server (RFC 9457): every error answer, of the admin API,
 * the webhooks or an unknown route, is `application/problem+json` with a `type` made here.
 */
import type { Effect } from "effect"
import { HttpServerRespondable, type HttpServerResponse } from "effect/http"

/** The `type` URI of a SyncFlow problem, e.g. `urn:syncflow:problem:not-found`. */
export const problemType = <const Slug extends string>(slug: Slug): `urn:syncflow:problem:${Slug}` =>
  `urn:syncflow:problem:${slug}`

/** The response of a problem (any `HttpApiError.Problem` instance), for routes outside `HttpApi`. */
export const problemResponse = (
  problem: HttpServerRespondable.Respondable
): Effect.Effect<HttpServerResponse.HttpServerResponse> => HttpServerRespondable.toResponse(problem)
