/**
 * The rate-limit policy of one upstream budget: how many requests per window we allow ourselves
 * before the upstream has said anything, the algorithm, the key that names the budget (one per
 * adapter and connection, so two connections never share one), and which response headers carry
 * the upstream's own view of its limit.
 */
import { Duration } from "effect"
import { headersWith, type UpstreamSignalHeaders } from "./upstreamSignals.ts"

/** `token-bucket` spreads requests at a steady rate with a burst; `fixed-window` allows `limit` per window. */
export type Algorithm = "token-bucket" | "fixed-window"

/** A resolved policy, as the limiter uses it. Build one with {@link make}. */
export interface RateLimitPolicy {
  /** The budget's name in the store: `adapter/connection`. */
  readonly key: string
  /** Requests allowed per window. */
  readonly limit: number
  /** The window the limit counts in. */
  readonly window: Duration.Duration
  /** Token bucket only: how many requests may go at once after a quiet period (the bucket's size). */
  readonly burst: number
  readonly algorithm: Algorithm
  /** Where to read the upstream's signals. */
  readonly headers: UpstreamSignalHeaders
}

/** The options of {@link make}. */
export interface Options {
  /** The adapter, such as `pco`. */
  readonly adapter: string
  /** The connection (credentials / tenant) whose budget this is. */
  readonly connection: string
  readonly limit: number
  readonly window: Duration.Input
  /** Defaults to `limit`. */
  readonly burst?: number | undefined
  /** Defaults to `token-bucket`. */
  readonly algorithm?: Algorithm | undefined
  /** Header names replacing the defaults of `upstreamSignals.defaultHeaders`, per signal. */
  readonly headers?: Partial<UpstreamSignalHeaders> | undefined
}

/** The store key of a budget: one per adapter and connection. */
export const keyFor = (adapter: string, connection: string): string => `${adapter}/${connection}`

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`RateLimitPolicy: ${name} must be an integer >= 1, got ${value}`)
  }
  return value
}

/**
 * Resolves a policy. Throws a `RangeError` for a limit or burst that is not a positive integer or
 * a window that is not a positive finite duration (a programming error, not a runtime condition).
 */
export const make = (options: Options): RateLimitPolicy => {
  const window = Duration.fromInputUnsafe(options.window)
  if (!Duration.isFinite(window) || Duration.toMillis(window) <= 0) {
    throw new RangeError(`RateLimitPolicy: window must be a positive finite duration, got ${String(options.window)}`)
  }
  const limit = positiveInteger("limit", options.limit)
  return {
    key: keyFor(options.adapter, options.connection),
    limit,
    window,
    burst: positiveInteger("burst", options.burst ?? limit),
    algorithm: options.algorithm ?? "token-bucket",
    headers: headersWith(options.headers)
  }
}
