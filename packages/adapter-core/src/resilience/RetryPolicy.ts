/**
 * When and how long to retry a failed adapter call: transient failures only, exponential backoff
 * with jitter capped at a maximum delay, a maximum number of attempts, and the upstream's own
 * `Retry-After` taking the place of the backoff whenever a failure carries one.
 */
import { Duration, Effect, Predicate, Random, Schedule } from "effect"
import { isAdapterError, isTransient, RateLimited } from "../errors/AdapterError.ts"
import { countRetry } from "./upstreamRetries.ts"

/**
 * How backoff delays are randomised (with `d` the capped exponential delay): `full` waits a random
 * time in `[0, d)`, `equal` in `[d/2, d)`, `none` exactly `d`. Randomness comes from Effect's
 * `Random` service, so a test can seed or replace it.
 */
export type Jitter = "full" | "equal" | "none"

/** A resolved policy. Build one with {@link make}. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number
  /** The delay before the first retry, before jitter. */
  readonly baseDelay: Duration.Duration
  /** The growth of the delay per retry. */
  readonly factor: number
  /** The cap on a backoff delay, before jitter. */
  readonly maxDelay: Duration.Duration
  readonly jitter: Jitter
  /** A `Retry-After` longer than this is not waited for: the call fails with the error at once. */
  readonly maxRetryAfter: Duration.Duration
  /**
   * Whether to retry POST and PATCH after failures that may have reached the upstream (5xx,
   * network errors, timeouts). A 429 is always retried: the upstream did not process the request.
   */
  readonly retryUnsafeMethods: boolean
}

/** The options of {@link make}; each defaults to {@link defaults}. */
export interface Options {
  readonly maxAttempts?: number | undefined
  readonly baseDelay?: Duration.Input | undefined
  readonly factor?: number | undefined
  readonly maxDelay?: Duration.Input | undefined
  readonly jitter?: Jitter | undefined
  readonly maxRetryAfter?: Duration.Input | undefined
  readonly retryUnsafeMethods?: boolean | undefined
}

/** 4 attempts, 250 ms doubling up to 30 s with full jitter, `Retry-After` up to 2 minutes, no unsafe retries. */
export const defaults: RetryPolicy = {
  maxAttempts: 4,
  baseDelay: Duration.millis(250),
  factor: 2,
  maxDelay: Duration.seconds(30),
  jitter: "full",
  maxRetryAfter: Duration.minutes(2),
  retryUnsafeMethods: false
}

const finiteDuration = (name: string, input: Duration.Input): Duration.Duration => {
  const duration = Duration.fromInputUnsafe(input)
  if (!Duration.isFinite(duration) || Duration.isNegative(duration)) {
    throw new RangeError(`RetryPolicy: ${name} must be a finite, non-negative duration, got ${String(input)}`)
  }
  return duration
}

/** Resolves a policy. Throws a `RangeError` for nonsensical values (a programming error). */
export const make = (options: Options = {}): RetryPolicy => {
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`RetryPolicy: maxAttempts must be an integer >= 1, got ${maxAttempts}`)
  }
  const factor = options.factor ?? defaults.factor
  if (!(Number.isFinite(factor) && factor >= 1)) {
    throw new RangeError(`RetryPolicy: factor must be a finite number >= 1, got ${factor}`)
  }
  return {
    maxAttempts,
    baseDelay: finiteDuration("baseDelay", options.baseDelay ?? defaults.baseDelay),
    factor,
    maxDelay: finiteDuration("maxDelay", options.maxDelay ?? defaults.maxDelay),
    jitter: options.jitter ?? defaults.jitter,
    maxRetryAfter: finiteDuration("maxRetryAfter", options.maxRetryAfter ?? defaults.maxRetryAfter),
    retryUnsafeMethods: options.retryUnsafeMethods ?? defaults.retryUnsafeMethods
  }
}

/**
 * Whether a failure is worth retrying: `RateLimited`, `RequestTimeout`, and `UpstreamUnavailable`
 * from a status or the network. Not an open circuit (retrying would only hammer the breaker), not
 * 4xx (`Unauthorized`, `Forbidden`, `NotFound`, `RequestRejected`), not `InvalidResponse`, and no
 * error that is not an `AdapterError`.
 */
export const isRetryable = (error: unknown): boolean => isAdapterError(error) && isTransient(error)

/**
 * The wait the upstream asked for, in milliseconds: the `retryAfterMillis` of any failure that
 * carries one (`RateLimited`, or `UpstreamUnavailable` from a 503 with `Retry-After`), clamped at 0.
 */
export const retryAfterOf = (error: unknown): number | undefined =>
  Predicate.hasProperty(error, "retryAfterMillis") && Predicate.isNumber(error.retryAfterMillis)
    ? Math.max(0, error.retryAfterMillis)
    : undefined

const idempotentMethods: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"])

/** Whether `policy` retries `error` raised by a request with `method` (an HTTP method, or `undefined` for a non-HTTP call). */
export const shouldRetry = (policy: RetryPolicy, error: unknown, method?: string): boolean => {
  if (!isRetryable(error)) return false
  const retryAfter = retryAfterOf(error)
  if (retryAfter !== undefined && retryAfter > Duration.toMillis(policy.maxRetryAfter)) return false
  if (method === undefined || policy.retryUnsafeMethods || error instanceof RateLimited) return true
  return idempotentMethods.has(method.toUpperCase())
}

/**
 * The wait before retry number `retry` (1 for the first retry) after `error`: exactly the
 * upstream's `Retry-After` when the error carries one, else the jittered, capped backoff, in whole
 * milliseconds.
 */
export const delayFor = (policy: RetryPolicy, error: unknown, retry: number): Effect.Effect<Duration.Duration> => {
  const retryAfter = retryAfterOf(error)
  if (retryAfter !== undefined) return Effect.succeed(Duration.millis(retryAfter))
  const capped = Math.min(
    Duration.toMillis(policy.baseDelay) * policy.factor ** (retry - 1),
    Duration.toMillis(policy.maxDelay)
  )
  switch (policy.jitter) {
    case "none":
      return Effect.succeed(Duration.millis(Math.round(capped)))
    case "full":
      return Effect.map(Random.next, (r) => Duration.millis(Math.floor(capped * r)))
    case "equal":
      return Effect.map(Random.next, (r) => Duration.millis(Math.floor(capped / 2 + (capped / 2) * r)))
  }
}

/**
 * The policy as a `Schedule` for `Effect.retry`, fed the failures: it stops after
 * `maxAttempts - 1` retries or at the first failure {@link shouldRetry} rejects, and waits
 * {@link delayFor} between attempts. `method` is the HTTP method of the retried request, if any,
 * and `host` its upstream host, by which each retry is counted in `syncflow_upstream_retries_total`.
 */
export const schedule = (policy: RetryPolicy, method?: string, host?: string): Schedule.Schedule<number, unknown> =>
  Schedule.recurs(policy.maxAttempts - 1).pipe(
    Schedule.setInputType<unknown>(),
    Schedule.while(({ input }) => shouldRetry(policy, input, method)),
    Schedule.modifyDelay(({ input, attempt }) => delayFor(policy, input, attempt)),
    Schedule.tap(({ input, attempt, duration }) =>
      Effect.logDebug("Retrying after a transient failure").pipe(
        Effect.annotateLogs({
          retry: attempt,
          delayMillis: Duration.toMillis(duration),
          error: input instanceof Error ? input.message : String(input)
        }),
        Effect.andThen(countRetry(host, input))
      )
    )
  )
