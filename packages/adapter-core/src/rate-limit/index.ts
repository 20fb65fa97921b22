/** Rate limiting for adapter clients: policies, upstream signals, the limiter service and its middleware. */
export * as RateLimitPolicy from "./RateLimitPolicy.ts"
export * from "./UpstreamRateLimiter.ts"
export * as UpstreamSignals from "./upstreamSignals.ts"
export * from "./withRateLimit.ts"
