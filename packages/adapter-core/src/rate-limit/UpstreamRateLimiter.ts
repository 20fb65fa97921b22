/**
 * The rate limiter in front of an upstream: spends a policy's budget through Effect's
 * `RateLimiter` (so any `RateLimiterStore` can hold it: memory by default, Redis or PostgreSQL to
 * share it between processes), and adapts to what the upstream says in its responses:
 *
 * - a 429 with `Retry-After` puts the budget in cooldown until then (recorded in the store through
 *   `adaptiveFeedback`, so every limiter sharing the store waits; after the cooldown the store
 *   learns the upstream's real limit from the next 429, see `RateLimiter.adaptiveConsume`);
 * - `remaining: 0` (or `limit - used <= 0`) makes the next requests wait until the reported reset
 *   (or, without a reset header, one reported window);
 * - an advertised limit below the policy's is adopted: the budget then runs at the lower of the two
 *   rates, with a bucket no larger than either limit, until the upstream advertises its old limit
 *   again.
 *
 * The last two are kept per limiter instance (each process reads them from its own responses).
 * A failing store never fails a request: the limiter logs a warning and lets the request through,
 * since the upstream enforces its limit anyway (a 429 becomes `RateLimited` and is retried).
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import type { Headers } from "effect/http"
import { RateLimiter } from "effect/persistence"
import type { RateLimitPolicy } from "./RateLimitPolicy.ts"
import * as UpstreamSignals from "./upstreamSignals.ts"

/** One admitted request, to hand back to `observe` with its response. */
export interface RateLimitPermit {
  readonly policy: RateLimitPolicy
  readonly tokens: number
  /** The adaptive epoch the store handed out, to correlate a 429 with the state it answers. */
  readonly epoch: number
  /** The admission's position in this limiter's count of requests sent for the key. */
  readonly sequence: number
}

/** The parts of a response the limiter learns from. */
export interface ObservedResponse {
  readonly status: number
  readonly headers: Headers.Headers
}

/** What the limiter currently believes about a budget, for tests and metrics. */
export interface RateLimitSnapshot {
  readonly key: string
  /** The limit in force: the policy's, or a lower one the upstream advertised. */
  readonly limit: number
  /** The window of `limit`. */
  readonly window: Duration.Duration
  /** Whether `limit` / `window` come from the upstream rather than the policy. */
  readonly adopted: boolean
  /** The remaining count the upstream last reported, if any. */
  readonly remaining: number | undefined
  /** How long the next request would wait because of the upstream's remaining / reset signals. */
  readonly blockedForMillis: number
}

interface Limits {
  readonly limit: number
  readonly windowMillis: number
}

interface Budget {
  adopted: Limits | undefined
  /** Tokens admitted for the key by this limiter. */
  sent: number
  /** The `sent` total of the request whose remaining count was last applied. */
  observed: number
  remaining: number | undefined
  /** When the upstream's budget resets, in epoch milliseconds (0: unknown). */
  resetAt: number
}

const inactive: RateLimiter.AdaptiveConsumeResult = { delay: Duration.zero, epoch: 0, phase: "inactive" }

const failOpen =
  <A>(fallback: A) =>
  (error: RateLimiter.RateLimiterError): Effect.Effect<A> =>
    Effect.as(
      Effect.logWarning("Rate limiter store failed; sending the request without limiting it").pipe(
        Effect.annotateLogs({ error: error.message })
      ),
      fallback
    )

/**
 * The limits to run at once the upstream advertised `upstream`: the lower of the two rates, with a
 * bucket no larger than either limit. `undefined` when the policy is already the stricter one.
 */
const combine = (policy: Limits, advertised: Limits): Limits | undefined => {
  const upstream = { limit: Math.max(1, Math.floor(advertised.limit)), windowMillis: advertised.windowMillis }
  // Compare rates by cross-multiplying, free of rounding.
  const upstreamSlower = upstream.limit * policy.windowMillis < policy.limit * upstream.windowMillis
  if (upstream.limit >= policy.limit && !upstreamSlower) return undefined
  if (upstream.limit <= policy.limit && upstreamSlower) return upstream
  return upstreamSlower
    ? { limit: policy.limit, windowMillis: Math.ceil((policy.limit * upstream.windowMillis) / upstream.limit) }
    : { limit: upstream.limit, windowMillis: Math.ceil((upstream.limit * policy.windowMillis) / policy.limit) }
}

const blockedFor = (budget: Budget, tokens: number, now: number): number =>
  budget.remaining !== undefined && budget.resetAt > now && budget.remaining - (budget.sent - budget.observed) < tokens
    ? budget.resetAt - now
    : 0

const policyLimits = (policy: RateLimitPolicy): Limits => ({
  limit: policy.limit,
  windowMillis: Duration.toMillis(policy.window)
})

/** The options of `RateLimiter.consume` for the limits in force; the store key names them, so a change starts afresh. */
const consumeOptions = (policy: RateLimitPolicy, adopted: Limits | undefined, tokens: number) => {
  const limits = adopted ?? policyLimits(policy)
  if (policy.algorithm === "fixed-window") {
    return {
      algorithm: "fixed-window",
      onExceeded: "delay",
      key: `${policy.key}:fw:${limits.limit}/${limits.windowMillis}`,
      limit: limits.limit,
      window: Duration.millis(limits.windowMillis),
      tokens
    } as const
  }
  // Effect's token bucket holds `limit` tokens and refills one per `window / limit`.
  const capacity = adopted === undefined ? policy.burst : Math.min(policy.burst, limits.limit)
  return {
    algorithm: "token-bucket",
    onExceeded: "delay",
    key: `${policy.key}:tb:${limits.limit}/${limits.windowMillis}:${capacity}`,
    limit: capacity,
    window: Duration.millis((limits.windowMillis * capacity) / limits.limit),
    tokens
  } as const
}

/** A rate limiter for upstream budgets; see the module comment for how it adapts. */
export class UpstreamRateLimiter extends Context.Service<
  UpstreamRateLimiter,
  {
    /** Waits until the policy and the upstream's signals allow one more request, then counts it. */
    readonly acquire: (policy: RateLimitPolicy) => Effect.Effect<RateLimitPermit>
    /** Learns from the response to an admitted request (any status, 429 included). */
    readonly observe: (permit: RateLimitPermit, response: ObservedResponse) => Effect.Effect<void>
    /** What the limiter currently believes about the policy's budget. */
    readonly snapshot: (policy: RateLimitPolicy) => Effect.Effect<RateLimitSnapshot>
  }
>()("@syncflow/adapter-core/rate-limit/UpstreamRateLimiter") {
  /** Builds a limiter over the current `RateLimiterStore`. */
  static readonly make: Effect.Effect<UpstreamRateLimiter["Service"], never, RateLimiter.RateLimiterStore> = Effect.gen(
    function* () {
      const limiter = yield* RateLimiter.make
      const budgets = new Map<string, Budget>()

      const budgetOf = (key: string): Budget => {
        let budget = budgets.get(key)
        if (budget === undefined) {
          budget = { adopted: undefined, sent: 0, observed: 0, remaining: undefined, resetAt: 0 }
          budgets.set(key, budget)
        }
        return budget
      }

      const consume = (policy: RateLimitPolicy, budget: Budget, tokens: number) =>
        limiter.consume(consumeOptions(policy, budget.adopted, tokens)).pipe(
          Effect.map((result) => result.delay),
          Effect.catch(failOpen(Duration.zero))
        )

      const waitForBudget = Effect.fnUntraced(function* (budget: Budget, tokens: number) {
        while (true) {
          const wait = blockedFor(budget, tokens, yield* Clock.currentTimeMillis)
          if (wait <= 0) return
          yield* Effect.sleep(Duration.millis(wait))
        }
      })

      const acquire = Effect.fnUntraced(function* (policy: RateLimitPolicy) {
        const tokens = 1
        const budget = budgetOf(policy.key)
        yield* waitForBudget(budget, tokens)
        const delay = yield* consume(policy, budget, tokens)
        if (!Duration.isZero(delay)) yield* Effect.sleep(delay)
        const limits = budget.adopted ?? policyLimits(policy)
        let epoch = 0
        while (true) {
          const adaptive = yield* limiter
            .adaptiveConsume({
              key: policy.key,
              tokens,
              fallbackLimit: limits.limit,
              fallbackWindow: Duration.millis(limits.windowMillis)
            })
            .pipe(Effect.catch(failOpen(inactive)))
          if (adaptive.phase === "cooldown" && !Duration.isZero(adaptive.delay)) {
            yield* Effect.sleep(adaptive.delay)
            continue
          }
          epoch = adaptive.epoch
          if (!Duration.isZero(adaptive.delay)) yield* Effect.sleep(adaptive.delay)
          break
        }
        // A response that arrived while this request waited may have exhausted the budget.
        yield* waitForBudget(budget, tokens)
        budget.sent += tokens
        return { policy, tokens, epoch, sequence: budget.sent } satisfies RateLimitPermit
      })

      const adoptLimit = Effect.fnUntraced(function* (
        permit: RateLimitPermit,
        budget: Budget,
        signals: UpstreamSignals.UpstreamSignals
      ) {
        if (signals.limit === undefined) return
        const policy = policyLimits(permit.policy)
        const next = combine(policy, {
          limit: signals.limit,
          windowMillis: signals.windowMillis ?? policy.windowMillis
        })
        const current = budget.adopted
        if (current?.limit === next?.limit && current?.windowMillis === next?.windowMillis) return
        budget.adopted = next
        if (next === undefined) {
          yield* Effect.logInfo("Upstream rate limit back to the policy's").pipe(
            Effect.annotateLogs({ key: permit.policy.key, limit: policy.limit, windowMillis: policy.windowMillis })
          )
          return
        }
        yield* Effect.logInfo("Adopting the upstream's lower rate limit").pipe(
          Effect.annotateLogs({ key: permit.policy.key, limit: next.limit, windowMillis: next.windowMillis })
        )
        // The request that brought the news already counted against the new budget.
        yield* consume(permit.policy, budget, permit.tokens)
      })

      const observe = Effect.fnUntraced(function* (permit: RateLimitPermit, response: ObservedResponse) {
        const budget = budgetOf(permit.policy.key)
        const now = yield* Clock.currentTimeMillis
        const signals = UpstreamSignals.read(response.headers, permit.policy.headers, now)
        yield* adoptLimit(permit, budget, signals)
        const rejected = response.status === 429
        const remaining = rejected ? 0 : signals.remaining
        // Responses to earlier requests carry stale counts; a 429 is news whenever it comes.
        if (remaining !== undefined && (rejected || permit.sequence > budget.observed)) {
          budget.observed = Math.max(budget.observed, permit.sequence)
          budget.remaining = remaining
          const resetAfter = rejected
            ? (signals.retryAfterMillis ?? signals.resetAfterMillis ?? signals.windowMillis)
            : (signals.resetAfterMillis ?? signals.windowMillis)
          budget.resetAt = resetAfter === undefined ? 0 : now + resetAfter
        }
        const cooldown = rejected ? (signals.retryAfterMillis ?? signals.resetAfterMillis) : undefined
        if (cooldown !== undefined && cooldown > 0) {
          yield* limiter
            .adaptiveFeedback({
              key: permit.policy.key,
              epoch: permit.epoch,
              tokens: permit.tokens,
              status: 429,
              retryAfter: Duration.millis(cooldown)
            })
            .pipe(Effect.catch(failOpen(undefined)))
        }
      })

      const snapshot = Effect.fnUntraced(function* (policy: RateLimitPolicy) {
        const budget = budgetOf(policy.key)
        const limits = budget.adopted ?? policyLimits(policy)
        return {
          key: policy.key,
          limit: limits.limit,
          window: Duration.millis(limits.windowMillis),
          adopted: budget.adopted !== undefined,
          remaining: budget.remaining,
          blockedForMillis: blockedFor(budget, 1, yield* Clock.currentTimeMillis)
        } satisfies RateLimitSnapshot
      })

      return UpstreamRateLimiter.of({ acquire, observe, snapshot })
    }
  )

  /** A limiter over whatever `RateLimiterStore` is provided (Redis, PostgreSQL, a shared memory store). */
  static readonly layer: Layer.Layer<UpstreamRateLimiter, never, RateLimiter.RateLimiterStore> = Layer.effect(
    UpstreamRateLimiter,
    UpstreamRateLimiter.make
  )

  /** A limiter over its own process-local memory store. */
  static readonly layerMemory: Layer.Layer<UpstreamRateLimiter> = UpstreamRateLimiter.layer.pipe(
    Layer.provide(RateLimiter.layerStoreMemory)
  )
}
