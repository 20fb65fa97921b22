/**
 * Resilience for adapter clients: retries, per-request timeouts and per-host circuit breakers, and
 * the health probes that bypass them.
 */
export * as CircuitBreakerPolicy from "./CircuitBreakerPolicy.ts"
export * from "./HealthProbe.ts"
export * as RetryPolicy from "./RetryPolicy.ts"
export * from "./upstreamRetries.ts"
export * from "./withCircuitBreaker.ts"
export * from "./withRequestTimeout.ts"
export * from "./withRetry.ts"
