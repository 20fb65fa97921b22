/**
 * What this process measures of its upstream traffic, as it happens: every request by host and
 * outcome and its latency (by wrapping the platform HTTP client), every wait for a rate-limit budget
 * and how much of each budget this process used in its last window (by wrapping the
 * `UpstreamRateLimiter`), and the state of each host's circuit breaker (from the breaker's
 * transitions). Retries are counted by adapter-core's retry policy (`syncflow_upstream_retries_total`).
 */
import { UpstreamRateLimiter } from "@syncflow/adapter-core"
import { Clock, Duration, Effect, Layer, Metric, Stream } from "effect"
import { HttpClient } from "effect/http"
import { CircuitBreaker } from "effect/persistence"
import type { Family } from "./PrometheusText.ts"

const secondsBoundaries = Metric.exponentialBoundaries({ start: 0.005, factor: 2, count: 14 })

/** Upstream HTTP requests, by host and outcome (`ok`, `http_<status>`, `error`). */
export const upstreamRequests = Metric.counter("syncflow_upstream_requests_total", {
  description: "Requests SyncFlow made to upstream APIs, by host and outcome (ok, http_<status>, error)",
  incremental: true
})

/** How long upstream requests took, by host. */
export const upstreamLatency = Metric.histogram("syncflow_upstream_request_duration_seconds", {
  description: "Latency of upstream API requests, by host",
  boundaries: secondsBoundaries
})

/** How long requests waited for their rate-limit budget, by adapter (the budget key's first part). */
export const rateLimitWait = Metric.histogram("syncflow_rate_limit_wait_seconds", {
  description: "Time spent waiting for an upstream rate-limit budget before a request, by adapter",
  boundaries: secondsBoundaries
})

/** Each host's circuit: 0 closed, 1 half-open, 2 open. */
export const circuitState = Metric.gauge("syncflow_circuit_breaker_state", {
  description: "State of each upstream host's circuit breaker: 0 closed, 1 half-open, 2 open"
})

/** Transitions of each host's circuit, by the state entered. */
export const circuitTransitions = Metric.counter("syncflow_circuit_breaker_transitions_total", {
  description: "Circuit breaker transitions, by upstream host and the state entered (open, half_open, closed)",
  incremental: true
})

/** The platform HTTP client, timing every request into {@link upstreamLatency} and {@link upstreamRequests}. */
export const instrumentHttpClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (response, request) =>
    Effect.gen(function* () {
      const host = URL.canParse(request.url) ? new URL(request.url).host : "unknown"
      const start = yield* Clock.currentTimeMillis
      const observe = (outcome: string) =>
        Effect.gen(function* () {
          const elapsed = ((yield* Clock.currentTimeMillis) - start) / 1000
          yield* Metric.update(Metric.withAttributes(upstreamLatency, { host }), elapsed)
          yield* Metric.update(Metric.withAttributes(upstreamRequests, { host, outcome }), 1)
        })
      return yield* response.pipe(
        Effect.tap((res) => observe(res.status < 400 ? "ok" : `http_${res.status}`)),
        Effect.tapError(() => observe("error"))
      )
    })
  )

/** Replaces the ambient `HttpClient` with an instrumented one. */
export const layerInstrumentedHttpClient: Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient> =
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, instrumentHttpClient))

/** What this process knows of one rate-limit budget (`adapter/connector`). */
interface BudgetUsage {
  readonly adapter: string
  readonly connector: string
  limit: number
  windowMillis: number
  /** When this process's requests were admitted within the last window (oldest first). */
  admitted: Array<number>
  waits: number
  remaining: number | undefined
}

/**
 * The budgets this process spends, by key. Process-wide like Effect's own metric registry: every
 * limiter instance in the process (one per server) reports into it.
 */
const budgets = new Map<string, BudgetUsage>()

const usageOf = (key: string): BudgetUsage => {
  let usage = budgets.get(key)
  if (usage === undefined) {
    const slash = key.indexOf("/")
    usage = {
      adapter: slash < 0 ? key : key.slice(0, slash),
      connector: slash < 0 ? "" : key.slice(slash + 1),
      limit: 1,
      windowMillis: 1,
      admitted: [],
      waits: 0,
      remaining: undefined
    }
    budgets.set(key, usage)
  }
  return usage
}

const prune = (usage: BudgetUsage, now: number) => {
  const from = now - usage.windowMillis
  let first = 0
  while (first < usage.admitted.length && (usage.admitted[first] ?? 0) <= from) first += 1
  if (first > 0) usage.admitted = usage.admitted.slice(first)
}

/** Replaces the ambient `UpstreamRateLimiter` with one that times each wait and tracks each budget's use. */
export const layerInstrumentedRateLimiter: Layer.Layer<UpstreamRateLimiter, never, UpstreamRateLimiter> = Layer.effect(
  UpstreamRateLimiter,
  Effect.map(UpstreamRateLimiter, (limiter) =>
    UpstreamRateLimiter.of({
      ...limiter,
      acquire: (policy) =>
        Effect.gen(function* () {
          const start = yield* Clock.currentTimeMillis
          const permit = yield* limiter.acquire(policy)
          const now = yield* Clock.currentTimeMillis
          const usage = usageOf(policy.key)
          yield* Metric.update(Metric.withAttributes(rateLimitWait, { adapter: usage.adapter }), (now - start) / 1000)
          const snapshot = yield* limiter.snapshot(policy)
          usage.limit = snapshot.limit
          usage.windowMillis = Duration.toMillis(snapshot.window)
          usage.remaining = snapshot.remaining
          if (now > start) usage.waits += 1
          usage.admitted.push(now)
          prune(usage, now)
          return permit
        })
    })
  )
)

/**
 * The rate-limit budgets of the connectors that still exist, for the scrape: the limit in force,
 * its window, the share of it this process used in the last window, the upstream's last reported
 * remaining count, and how many requests had to wait.
 */
export const budgetFamilies = (connectors: ReadonlySet<string>, now: number): ReadonlyArray<Family> => {
  const live = [...budgets.values()].filter((usage) => connectors.has(usage.connector))
  for (const usage of live) prune(usage, now)
  const labels = (usage: BudgetUsage) => ({ adapter: usage.adapter, connector: usage.connector })
  return [
    {
      name: "syncflow_rate_limit_budget_limit",
      type: "gauge",
      help: "Requests a connector's rate-limit budget allows per window (the policy's, or a lower limit the upstream advertised)",
      samples: live.map((usage) => ({ labels: labels(usage), value: usage.limit }))
    },
    {
      name: "syncflow_rate_limit_budget_window_seconds",
      type: "gauge",
      help: "The window of a connector's rate-limit budget",
      samples: live.map((usage) => ({ labels: labels(usage), value: usage.windowMillis / 1000 }))
    },
    {
      name: "syncflow_rate_limit_budget_used_ratio",
      type: "gauge",
      help: "Share of a connector's rate-limit budget this process used in the last window (1 = all of it)",
      samples: live.map((usage) => ({ labels: labels(usage), value: usage.admitted.length / Math.max(1, usage.limit) }))
    },
    {
      name: "syncflow_rate_limit_upstream_remaining",
      type: "gauge",
      help: "Requests the upstream last reported remaining in its own rate limit, when it reports one",
      samples: live.flatMap((usage) =>
        usage.remaining === undefined ? [] : [{ labels: labels(usage), value: usage.remaining }]
      )
    },
    {
      name: "syncflow_rate_limit_waits_total",
      type: "counter",
      help: "Requests that waited for a connector's rate-limit budget before they were sent",
      samples: live.map((usage) => ({ labels: labels(usage), value: usage.waits }))
    }
  ]
}

const stateCode = { Closed: 0, HalfOpen: 1, Open: 2 } as const
const stateName = { Closed: "closed", HalfOpen: "half_open", Open: "open" } as const

/**
 * Follows the ambient circuit breaker's transitions into {@link circuitState} and
 * {@link circuitTransitions}, for the life of the layer.
 */
export const layerCircuitMetrics: Layer.Layer<never, never, CircuitBreaker.CircuitBreaker> = Layer.effectDiscard(
  Effect.gen(function* () {
    const breaker = yield* CircuitBreaker.CircuitBreaker
    yield* breaker.transitions.pipe(
      Stream.runForEach((transition) =>
        Effect.andThen(
          Metric.update(Metric.withAttributes(circuitState, { host: transition.key }), stateCode[transition.to]),
          Metric.update(
            Metric.withAttributes(circuitTransitions, { host: transition.key, to: stateName[transition.to] }),
            1
          )
        )
      ),
      Effect.forkScoped
    )
  })
)
