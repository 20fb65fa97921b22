/**
 * Which `RateLimiterStore` a deployment shares its upstream budgets through: Redis (Effect's Redis
 * store) when `REDIS_URL` is set, otherwise PostgreSQL (the database every runner already shares).
 * Provide it to adapter-core's `UpstreamRateLimiter.layer` at the edge. One runner without a cluster
 * may use `RateLimiter.layerStoreMemory` instead.
 */
import { NodeRedis } from "@effect/platform-node"
import { Config, Effect, Layer, Option } from "effect"
import { RateLimiter } from "effect/persistence"
import type { SqlClient } from "effect/sql"
import * as PgRateLimiterStore from "./PgRateLimiterStore.ts"

/** Where the budgets live and under which key prefix. */
export interface RateLimitStoreOptions {
  /** A Redis URL (`redis://host:6379`); PostgreSQL when absent. */
  readonly redisUrl?: string | undefined
  /** Prefixed to every key (default `ratelimiter:`). */
  readonly prefix?: string | undefined
}

/** The Redis store on its own connection. */
export const layerRedis = (
  url: string,
  prefix?: string | undefined
): Layer.Layer<RateLimiter.RateLimiterStore, never> =>
  Layer.effect(RateLimiter.RateLimiterStore, RateLimiter.makeStoreRedis({ prefix })).pipe(
    Layer.provide(Layer.orDie(NodeRedis.layer({ url })))
  )

/** Redis when `redisUrl` is given, else PostgreSQL over the ambient SQL client. */
export const layer = (
  options: RateLimitStoreOptions = {}
): Layer.Layer<RateLimiter.RateLimiterStore, never, SqlClient.SqlClient> =>
  options.redisUrl === undefined || options.redisUrl === ""
    ? PgRateLimiterStore.layer({ prefix: options.prefix })
    : layerRedis(options.redisUrl, options.prefix)

/** `layer` with the Redis URL read from `REDIS_URL` (optional). */
export const layerFromEnv = (
  prefix?: string | undefined
): Layer.Layer<RateLimiter.RateLimiterStore, never, SqlClient.SqlClient> =>
  Layer.unwrap(
    Config.option(Config.String("REDIS_URL")).pipe(
      Effect.orDie,
      Effect.map((url) => layer({ redisUrl: Option.getOrUndefined(url), prefix }))
    )
  )
