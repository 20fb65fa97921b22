/**
 * A `RateLimiterStore` in PostgreSQL, so every runner of a cluster spends the same upstream budget
 * through the database they already share (no Redis needed). Each budget is one row of
 * `syncflow.rate_limits`, read and written under a row lock in one short transaction, with the
 * database's clock as the one time every runner agrees on. The algorithms are the same as Effect's
 * memory and Redis stores: `fixedWindow` counts tokens in a window that grows by the refill rate per
 * token, `tokenBucket` refills one token per refill period, and the adaptive state learns from 429s.
 */
import { PgTypes } from "@effect/sql-pg"
import { Duration, Effect, Layer } from "effect"
import { RateLimiter } from "effect/persistence"
import { SqlClient } from "effect/sql"
import { migrate } from "../state/StateMigrations.ts"

const adaptiveGraceMillis = 60_000
const adaptiveMaxWindowMillis = 60 * 60 * 1_000

const clampMillis = (millis: number): number =>
  Number.isNaN(millis) || millis <= 0 ? 1 : Math.min(millis, adaptiveMaxWindowMillis)

interface FixedState {
  readonly count: number
  readonly expiresAt: number
}

interface BucketState {
  readonly tokens: number
  readonly lastRefill: number
}

interface AdaptiveState {
  readonly phase: RateLimiter.AdaptivePhase
  readonly epoch: number
  readonly cooldownUntil: number
  readonly learningStartedAt: number
  readonly observedTokens: number
  readonly learnedLimit: number
  readonly learnedWindowMillis: number
  readonly expiresAt: number
}

const storeError = (message: string) => (cause: unknown) =>
  new RateLimiter.RateLimiterError({ reason: new RateLimiter.RateLimitStoreError({ message, cause }) })

/** Options of the PostgreSQL store. */
export interface PgRateLimiterStoreOptions {
  /** Prefixed to every key, to keep several deployments (or tests) apart in one database. */
  readonly prefix?: string | undefined
}

/** Builds the store on the ambient `SqlClient`, applying the pending `syncflow` migrations first. */
export const make = Effect.fnUntraced(function* (options: PgRateLimiterStoreOptions = {}) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const prefix = options.prefix ?? "ratelimiter:"
  // Its table comes from the migrations (16): run them, so no path reaches a limiter before them.
  yield* migrate

  /**
   * Runs `step` on the key's state under a row lock, with the database's time in ms, and stores
   * the state it returns (kept until `expiresAt`, ms).
   */
  const withState = <S, A>(
    key: string,
    step: (state: S | undefined, now: number) => readonly [A, S | undefined, number]
  ) =>
    sql.withTransaction(
      Effect.gen(function* () {
        yield* sql.unsafe(
          `INSERT INTO syncflow.rate_limits (key, state) VALUES ($1, 'null'::jsonb) ON CONFLICT (key) DO NOTHING`,
          [key]
        )
        const [row] = yield* sql.unsafe<{ readonly state: unknown; readonly now: number; readonly expired: boolean }>(
          `SELECT state, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now,
             coalesce(expires_at <= clock_timestamp(), false) AS expired
           FROM syncflow.rate_limits WHERE key = $1 FOR UPDATE`,
          [key]
        )
        const now = Math.floor(row?.now ?? Date.now())
        const current = row === undefined || row.expired || row.state === null ? undefined : (row.state as S)
        const [result, next, expiresAt] = step(current, now)
        yield* sql.unsafe(
          // No state (e.g. an adaptive limit that is inactive) is stored as JSON null, not SQL NULL.
          `UPDATE syncflow.rate_limits SET state = coalesce($2, 'null'::jsonb), expires_at = to_timestamp($3::float8 / 1000)
           WHERE key = $1`,
          [key, PgTypes.jsonb(next ?? null), PgTypes.float8(expiresAt)]
        )
        return result
      })
    )

  return RateLimiter.RateLimiterStore.of({
    fixedWindow: (options) => {
      const refill = Duration.toMillis(options.refillRate)
      return withState<FixedState, readonly [number, number]>(`${prefix}fw:${options.key}`, (saved, now) => {
        const counter = saved === undefined || saved.expiresAt <= now ? { count: 0, expiresAt: now } : saved
        if (options.limit !== undefined && counter.count + options.tokens > options.limit) {
          return [[counter.count + options.tokens, counter.expiresAt - now], counter, counter.expiresAt]
        }
        const next = { count: counter.count + options.tokens, expiresAt: counter.expiresAt + refill * options.tokens }
        return [[next.count, next.expiresAt - now], next, next.expiresAt]
      }).pipe(Effect.mapError(storeError("Failed to execute fixedWindow rate limiting command")))
    },
    tokenBucket: (options) => {
      const refill = Duration.toMillis(options.refillRate)
      return withState<BucketState, readonly [number, number]>(`${prefix}tb:${options.key}`, (saved, now) => {
        let tokens = saved?.tokens ?? options.limit
        let lastRefill = saved?.lastRefill ?? now
        const add = Math.floor((now - lastRefill) / refill)
        if (add > 0) {
          tokens = Math.min(options.limit, tokens + add)
          lastRefill += add * refill
        }
        if (tokens >= options.limit) lastRefill = now
        const remaining = tokens - options.tokens
        const stored = options.allowOverflow || remaining >= 0 ? remaining : tokens
        const elapsed = Math.max(0, now - lastRefill)
        const ttl = Math.max(1, Math.ceil(Math.ceil(options.limit - stored) * refill - elapsed))
        return [[remaining, elapsed], { tokens: stored, lastRefill }, now + ttl]
      }).pipe(Effect.mapError(storeError("Failed to execute tokenBucket rate limiting command")))
    },
    adaptiveConsume: (options) =>
      withState<AdaptiveState, RateLimiter.AdaptiveConsumeResult>(`${prefix}ad:${options.key}`, (state, now) => {
        const fallbackMillis = Duration.toMillis(options.fallbackWindow)
        if (state === undefined) return [{ delay: Duration.zero, epoch: 0, phase: "inactive" }, undefined, now]
        if (state.phase === "cooldown") {
          if (state.cooldownUntil > now) {
            return [
              { delay: Duration.millis(state.cooldownUntil - now), epoch: state.epoch, phase: "cooldown" },
              state,
              state.expiresAt
            ]
          }
          const learning: AdaptiveState = {
            ...state,
            phase: "learning",
            epoch: state.epoch + 1,
            learningStartedAt: now,
            observedTokens: options.tokens,
            expiresAt: now + fallbackMillis + adaptiveGraceMillis
          }
          return [{ delay: Duration.zero, epoch: learning.epoch, phase: "learning" }, learning, learning.expiresAt]
        }
        if (state.phase === "learning") {
          const next = { ...state, observedTokens: state.observedTokens + options.tokens }
          return [{ delay: Duration.zero, epoch: state.epoch, phase: "learning" }, next, next.expiresAt]
        }
        if (state.phase === "learned") {
          const refill = state.learnedWindowMillis / state.learnedLimit
          const reset = state.cooldownUntil <= now
          const observed = (reset ? 0 : state.observedTokens) + options.tokens
          const cooldownUntil = (reset ? now : state.cooldownUntil) + refill * options.tokens
          const ttl = cooldownUntil - now
          const elapsed = observed * refill - ttl
          const windowNumber = Math.floor((observed - 1) / state.learnedLimit)
          const remaining = windowNumber * state.learnedWindowMillis - elapsed
          const next = { ...state, observedTokens: observed, cooldownUntil }
          return [
            {
              delay: remaining <= 0 ? Duration.zero : Duration.millis(remaining),
              epoch: state.epoch,
              phase: "learned"
            },
            next,
            next.expiresAt
          ]
        }
        return [{ delay: Duration.zero, epoch: state.epoch, phase: state.phase }, state, state.expiresAt]
      }).pipe(Effect.mapError(storeError("Failed to execute adaptiveConsume rate limiting command"))),
    adaptiveFeedback: (options) => {
      const retryAfter = options.retryAfter
      if (options.status !== 429 || retryAfter === undefined) return Effect.void
      const retryAfterMillis = clampMillis(Duration.toMillis(retryAfter))
      return withState<AdaptiveState, void>(`${prefix}ad:${options.key}`, (state, now) => {
        const cooldownUntil = now + retryAfterMillis
        const cooldown = (epoch: number, until: number): AdaptiveState => ({
          phase: "cooldown",
          epoch,
          cooldownUntil: until,
          learningStartedAt: 0,
          observedTokens: 0,
          learnedLimit: 0,
          learnedWindowMillis: 0,
          expiresAt: until + adaptiveGraceMillis
        })
        if (state === undefined) {
          if (options.epoch !== 0) return [undefined, undefined, now]
          const next = cooldown(0, cooldownUntil)
          return [undefined, next, next.expiresAt]
        }
        if (state.epoch !== options.epoch) return [undefined, state, state.expiresAt]
        if (state.phase === "cooldown") {
          const next = cooldown(state.epoch, Math.max(state.cooldownUntil, cooldownUntil))
          return [undefined, next, next.expiresAt]
        }
        if (state.phase === "learning") {
          const accepted = state.observedTokens - options.tokens
          if (accepted <= 0) {
            const next = cooldown(state.epoch, cooldownUntil)
            return [undefined, next, next.expiresAt]
          }
          const learnedWindowMillis = clampMillis(now - state.learningStartedAt + retryAfterMillis)
          const next: AdaptiveState = {
            phase: "learned",
            epoch: state.epoch + 1,
            cooldownUntil: state.learningStartedAt + learnedWindowMillis,
            learningStartedAt: state.learningStartedAt,
            observedTokens: accepted,
            learnedLimit: accepted,
            learnedWindowMillis,
            expiresAt: now + learnedWindowMillis + adaptiveGraceMillis
          }
          return [undefined, next, next.expiresAt]
        }
        const next = cooldown(state.epoch, cooldownUntil)
        return [undefined, next, next.expiresAt]
      }).pipe(Effect.mapError(storeError("Failed to execute adaptiveFeedback rate limiting command")))
    }
  })
})

/** The PostgreSQL store over the ambient SQL client. */
export const layer = (
  options: PgRateLimiterStoreOptions = {}
): Layer.Layer<RateLimiter.RateLimiterStore, never, SqlClient.SqlClient> =>
  Layer.effect(RateLimiter.RateLimiterStore, Effect.orDie(make(options)))
