/**
 * The errors of the admin API, each an RFC 9457 problem (`application/problem+json`): `type` (a
 * URI naming the kind of problem), `title`, `status`, `detail` (what happened, for a person) and,
 * for a wrong field, `field` (its path, e.g. `config.baseUrl`). Construct them with `detail`;
 * `message` reads it back.
 */
import { Schema } from "effect"
import { HttpApiError } from "effect/http-api"
import { problemType } from "./Problem.ts"

/** One issue of a request that failed decoding: the path of the value (slot first) and why. */
export const ProblemIssue = HttpApiError.ProblemIssue

/** The resource (or the route) does not exist (404). */
export class NotFound extends HttpApiError.Problem<NotFound>()(
  "NotFound",
  { type: problemType("not-found"), status: 404, title: "Not Found" },
  { detail: Schema.String }
) {}

/**
 * A field of the request is wrong (400); `field` is its path, e.g. `config.baseUrl` or `cron`.
 * A request that fails decoding also lists every issue in `errors`.
 */
export class InvalidField extends HttpApiError.Problem<InvalidField>()(
  "InvalidField",
  { type: problemType("invalid-field"), status: 400, title: "Invalid field" },
  {
    detail: Schema.String,
    field: Schema.String,
    errors: Schema.optionalKey(Schema.Array(ProblemIssue))
  }
) {}

/** The request conflicts with the current state, e.g. a connector name already taken (409). */
export class Conflict extends HttpApiError.Problem<Conflict>()(
  "Conflict",
  { type: problemType("conflict"), status: 409, title: "Conflict" },
  { detail: Schema.String, field: Schema.optionalKey(Schema.String) }
) {}

/** The upstream API failed or refused (502). */
export class UpstreamFailed extends HttpApiError.Problem<UpstreamFailed>()(
  "UpstreamFailed",
  { type: problemType("upstream-failed"), status: 502, title: "Upstream failed" },
  { detail: Schema.String }
) {}

/** SyncFlow could not do it now: a database failure, or syncs cannot be started (503). */
export class Unavailable extends HttpApiError.Problem<Unavailable>()(
  "Unavailable",
  { type: problemType("unavailable"), status: 503, title: "Unavailable" },
  { detail: Schema.String }
) {}
