/**
 * What an upstream says about its rate limit in a response's headers: its limit, how much is left,
 * when the budget resets, the window it counts in, and how long to wait after a 429. Header values
 * are untrusted text, decoded with Schema; an unreadable value counts as absent.
 */
import { Duration, Option, Result, Schema, SchemaTransformation } from "effect"
import { Headers } from "effect/http"

/** The header names to read each signal from, lowercase, first present wins. */
export interface UpstreamSignalHeaders {
  /** The number of requests allowed per window. */
  readonly limit: ReadonlyArray<string>
  /** The number of requests left in the current window. */
  readonly remaining: ReadonlyArray<string>
  /** The number of requests already counted in the current window (remaining = limit - used). */
  readonly used: ReadonlyArray<string>
  /** When the window resets: seconds from now, or an epoch timestamp in seconds or milliseconds. */
  readonly reset: ReadonlyArray<string>
  /** The length of the window: seconds (`20`) or a duration (`20 seconds`). */
  readonly window: ReadonlyArray<string>
  /** How long to wait before retrying: delay-seconds or an HTTP date. */
  readonly retryAfter: ReadonlyArray<string>
}

/** The common `X-RateLimit-*` / `RateLimit-*` headers, Planning Center's `X-PCO-API-Request-Rate-*` and `Retry-After`. */
export const defaultHeaders: UpstreamSignalHeaders = {
  limit: ["x-ratelimit-limit", "ratelimit-limit", "x-pco-api-request-rate-limit"],
  remaining: ["x-ratelimit-remaining", "ratelimit-remaining"],
  used: ["x-ratelimit-used", "x-pco-api-request-rate-count"],
  reset: ["x-ratelimit-reset", "ratelimit-reset"],
  window: ["x-ratelimit-window", "x-pco-api-request-rate-period"],
  retryAfter: ["retry-after"]
}

/** Replaces some of the {@link defaultHeaders} names; names are matched case-insensitively. */
export const headersWith = (overrides: Partial<UpstreamSignalHeaders> | undefined): UpstreamSignalHeaders => {
  const lower = (names: ReadonlyArray<string> | undefined, fallback: ReadonlyArray<string>) =>
    names === undefined ? fallback : names.map((name) => name.toLowerCase())
  return {
    limit: lower(overrides?.limit, defaultHeaders.limit),
    remaining: lower(overrides?.remaining, defaultHeaders.remaining),
    used: lower(overrides?.used, defaultHeaders.used),
    reset: lower(overrides?.reset, defaultHeaders.reset),
    window: lower(overrides?.window, defaultHeaders.window),
    retryAfter: lower(overrides?.retryAfter, defaultHeaders.retryAfter)
  }
}

/** The signals found in one response; `undefined` where the upstream said nothing readable. */
export interface UpstreamSignals {
  /** Requests allowed per window. */
  readonly limit: number | undefined
  /** Requests left in the current window (never negative). */
  readonly remaining: number | undefined
  /** Milliseconds until the current window resets. */
  readonly resetAfterMillis: number | undefined
  /** The length of the window in milliseconds. */
  readonly windowMillis: number | undefined
  /** Milliseconds to wait before retrying (a negative value is clamped to 0). */
  readonly retryAfterMillis: number | undefined
}

/** A number in a header: trimmed, non-empty, finite. */
const HeaderNumber = Schema.Trim.check(Schema.isNonEmpty()).pipe(Schema.decodeTo(Schema.FiniteFromString))

/** A window length: bare seconds (`20`) or a duration (`20 seconds`, as Planning Center sends it). */
const HeaderWindow = Schema.Union([
  HeaderNumber.pipe(
    Schema.decodeTo(
      Schema.Duration,
      SchemaTransformation.transform({
        decode: (seconds: number) => Duration.seconds(seconds),
        encode: (duration: Duration.Duration) => Duration.toSeconds(duration)
      })
    )
  ),
  Schema.DurationFromString
])

const decodeNumber = Schema.decodeUnknownOption(HeaderNumber)
const decodeWindow = Schema.decodeUnknownOption(HeaderWindow)

const first = (headers: Headers.Headers, names: ReadonlyArray<string>): string | undefined => {
  for (const name of names) {
    const value = headers[name]
    if (value !== undefined) return value
  }
  return undefined
}

const numberOf = (headers: Headers.Headers, names: ReadonlyArray<string>): number | undefined => {
  const raw = first(headers, names)
  return raw === undefined ? undefined : Option.getOrUndefined(decodeNumber(raw))
}

const windowOf = (headers: Headers.Headers, names: ReadonlyArray<string>): number | undefined => {
  const raw = first(headers, names)
  if (raw === undefined) return undefined
  const millis = Option.getOrUndefined(Option.map(decodeWindow(raw), Duration.toMillis))
  return millis !== undefined && Number.isFinite(millis) && millis > 0 ? millis : undefined
}

/** A reset value is seconds from now, or an epoch timestamp in seconds (> 1e9) or milliseconds (> 1e12). */
const resetAfterOf = (headers: Headers.Headers, names: ReadonlyArray<string>, nowMillis: number) => {
  const value = numberOf(headers, names)
  if (value === undefined || value < 0) return undefined
  if (value > 1e12) return Math.max(0, value - nowMillis)
  if (value > 1e9) return Math.max(0, value * 1000 - nowMillis)
  return Math.round(value * 1000)
}

const retryAfterOf = (headers: Headers.Headers, names: ReadonlyArray<string>, nowMillis: number) => {
  const raw = first(headers, names)
  if (raw === undefined) return undefined
  const seconds = Option.getOrUndefined(decodeNumber(raw))
  if (seconds !== undefined) return Math.max(0, Math.round(seconds * 1000))
  const date = Headers.parseHttpDate(raw)
  return Result.isSuccess(date)
    ? Duration.toMillis(Headers.retryAfterDelay({ _tag: "DateTime", dateTime: date.success }, nowMillis))
    : undefined
}

/** Reads the rate-limit signals of one response. */
export const read = (headers: Headers.Headers, names: UpstreamSignalHeaders, nowMillis: number): UpstreamSignals => {
  const rawLimit = numberOf(headers, names.limit)
  const limit = rawLimit !== undefined && rawLimit > 0 ? rawLimit : undefined
  const reported = numberOf(headers, names.remaining)
  const used = numberOf(headers, names.used)
  const remaining =
    reported !== undefined
      ? Math.max(0, reported)
      : used !== undefined && limit !== undefined
        ? Math.max(0, limit - used)
        : undefined
  return {
    limit,
    remaining,
    resetAfterMillis: resetAfterOf(headers, names.reset, nowMillis),
    windowMillis: windowOf(headers, names.window),
    retryAfterMillis: retryAfterOf(headers, names.retryAfter, nowMillis)
  }
}
