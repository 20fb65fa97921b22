/**
 * The typed failures of an adapter call: one tagged error per failure class, each serializable
 * (so a durable workflow can persist it) and each naming the endpoint it came from.
 */
import { Schema } from "effect"

/** The upstream refused the credentials (401), or no valid credentials could be obtained. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  endpoint: Schema.String,
  message: Schema.String
}) {}

/** The credentials are valid but not allowed to do this (403). */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  endpoint: Schema.String,
  message: Schema.String
}) {}

/** The resource does not exist (404, or 410 Gone). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  endpoint: Schema.String,
  message: Schema.String
}) {}

/** The upstream asked us to slow down (429) and retries did not get through in time. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  endpoint: Schema.String,
  message: Schema.String,
  /** How long the upstream asked us to wait, in milliseconds, when it said so. */
  retryAfterMillis: Schema.optional(Schema.Number)
}) {}

/** The upstream rejected the request itself (400, 409, 422 and other 4xx): retrying will not help. */
export class RequestRejected extends Schema.TaggedError<RequestRejected>()("RequestRejected", {
  endpoint: Schema.String,
  status: Schema.Number,
  message: Schema.String,
  /** The start of the response body, to see what the upstream said. */
  sample: Schema.String
}) {}

/** The upstream could not be reached or failed (5xx, network error, or its circuit is open). */
export class UpstreamUnavailable extends Schema.TaggedError<UpstreamUnavailable>()("UpstreamUnavailable", {
  endpoint: Schema.String,
  reason: Schema.Literals(["status", "network", "circuit-open"]),
  message: Schema.String,
  status: Schema.optional(Schema.Number),
  /** How long the upstream asked us to wait (a 503 with `Retry-After`), in milliseconds. */
  retryAfterMillis: Schema.optional(Schema.Number)
}) {}

/** The upstream did not answer within the per-request timeout. */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
  endpoint: Schema.String,
  timeoutMillis: Schema.Number,
  message: Schema.String
}) {}

/** The upstream answered 2xx with a body that does not match the endpoint's schema. */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>()("InvalidResponse", {
  endpoint: Schema.String,
  /**
   * What is wrong: the body is not JSON at all (`malformed-body`, e.g. cut off), it does not match
   * the endpoint's schema (`schema`), or its pagination makes no sense (`pagination`).
   */
  reason: Schema.Literals(["malformed-body", "schema", "pagination"]),
  /** The path of the failing field in the body, such as `data[3].attributes.created_at`. */
  path: Schema.String,
  message: Schema.String,
  /** The start of the body, enough to recognise it. */
  sample: Schema.String
}) {}

/** The caller's request does not fit the endpoint (a path param or payload fails its schema). */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  endpoint: Schema.String,
  message: Schema.String
}) {}

/** Any failure of an adapter call. */
export type AdapterError =
  | Unauthorized
  | Forbidden
  | NotFound
  | RateLimited
  | RequestRejected
  | UpstreamUnavailable
  | RequestTimeout
  | InvalidResponse
  | InvalidRequest

/** The schema of {@link AdapterError}, for persisting and decoding failures. */
export const AdapterError = Schema.Union([
  Unauthorized,
  Forbidden,
  NotFound,
  RateLimited,
  RequestRejected,
  UpstreamUnavailable,
  RequestTimeout,
  InvalidResponse,
  InvalidRequest
])

/** Whether a value is one of the {@link AdapterError}s. */
export const isAdapterError: (u: unknown) => u is AdapterError = Schema.is(AdapterError)

/**
 * Whether a failure may go away by itself (rate limits, an unavailable upstream, timeouts), so a
 * later attempt is worth making. An open circuit is not: it is the answer to repeated failures.
 */
export const isTransient = (error: AdapterError): boolean =>
  error._tag === "RateLimited" ||
  error._tag === "RequestTimeout" ||
  (error._tag === "UpstreamUnavailable" && error.reason !== "circuit-open")

/** The first `max` characters of a body, for error messages. */
export const sampleOf = (body: string, max = 200): string => (body.length <= max ? body : `${body.slice(0, max)}…`)
