/** Shared upstream rate-limit budgets: the PostgreSQL `RateLimiterStore` and the store selection. */
export * as PgRateLimiterStore from "./PgRateLimiterStore.ts"
export * as RateLimitStore from "./RateLimitStore.ts"
