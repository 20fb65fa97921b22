/**
 * The admin API's request validation answers: a request whose path parameters, query, headers or
 * body fail decoding is a 400 `InvalidField` problem naming the first wrong field (`field`, e.g.
 * `cron` or `config.baseUrl`) and listing every issue (`errors`, each path led by its slot:
 * `payload`, `query`, `params`, `headers`). A response that fails encoding is reported and answered
 * as a 500 problem without details.
 */
import { Cause, Effect, ErrorReporter, SchemaIssue } from "effect"
import { HttpServerRespondable } from "effect/http"
import { HttpApiError, HttpApiMiddleware } from "effect/http-api"
import { InvalidField } from "./ApiErrors.ts"

/** The middleware turning request decoding failures into `InvalidField` problems. */
export class RequestProblems extends HttpApiMiddleware.Service<RequestProblems>()("@syncflow/server/RequestProblems", {
  error: [InvalidField, HttpApiError.InternalServerErrorProblem]
}) {}

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

const segmentOf = (segment: PropertyKey | { readonly key: PropertyKey }): string | number => {
  const key = typeof segment === "object" ? segment.key : segment
  return typeof key === "number" ? key : String(key)
}

/** A path as a user writes it: `config.baseUrl`, `entities[2]`. */
const fieldPath = (path: ReadonlyArray<string | number>): string =>
  path.reduce<string>(
    (out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : out === "" ? segment : `${out}.${segment}`),
    ""
  )

/** The `InvalidField` problem of a request that failed decoding. */
export const invalidRequest = (error: HttpApiError.HttpApiSchemaError): InvalidField => {
  const slot = error.kind.toLowerCase()
  const errors = formatIssues(error.cause.issue).issues.map((issue) => ({
    path: [slot, ...(issue.path ?? []).map(segmentOf)],
    message: issue.message
  }))
  const [first] = errors
  const field = first === undefined || first.path.length <= 1 ? slot : fieldPath(first.path.slice(1))
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: see errors)` : ""
  return new InvalidField({
    field,
    detail: `${field}: ${first?.message ?? "invalid"}${more}`,
    errors
  })
}

/** The middleware's implementation. */
export const layer = HttpApiMiddleware.layerSchemaErrorTransform(RequestProblems, (error) => {
  if (error.kind === "Body" || error.kind === "ResponseHeaders") {
    return Effect.andThen(
      ErrorReporter.report(Cause.fail(error)),
      HttpServerRespondable.toResponse(new HttpApiError.InternalServerErrorProblem())
    )
  }
  return Effect.fail(invalidRequest(error))
})
