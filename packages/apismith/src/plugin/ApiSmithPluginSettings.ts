/**
 * What a user gives to create an APISmith connector: its settings (the instance, page size, an
 * optional request budget) and its credentials in a friendly form (a service JWT secret or a
 * static bearer token).
 */
import { HttpUrlInput, JwtCredentialsInput } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** The settings of an APISmith connector. */
export const ApiSmithSettings = Schema.Struct({
  /** The APISmith instance, e.g. `http://apismith:8007`. */
  baseUrl: HttpUrlInput.annotate({ description: "The APISmith instance, e.g. http://apismith:8007" }),
  /** Rows per page (1 to 1,000). */
  pageSize: Schema.optionalKey(
    Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })).annotate({ description: "Rows per page" })
  ),
  /**
   * At most `limit` requests per `windowSeconds` to this instance, shared by every runner (none by
   * default: APISmith publishes no limit).
   */
  rateLimit: Schema.optionalKey(
    Schema.Struct({
      limit: Schema.Int.check(Schema.isGreaterThan(0)),
      windowSeconds: Schema.Number.check(Schema.isGreaterThan(0))
    }).annotate({ description: "At most limit requests per windowSeconds, shared by every runner" })
  ),
  /**
   * How long discovered entities are reused before a sync rediscovers them (new upstream columns
   * reach the tables at the next sync after this); 600 (10 minutes) by default, 0 before every sync.
   */
  discoveryTtlSeconds: Schema.optionalKey(
    Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)).annotate({
      description: "Seconds discovered entities are reused before a sync rediscovers them (default 600)"
    })
  )
})

/** The credentials of an APISmith connector, as the API and CLI take them: a service JWT secret or a bearer token. */
export const ApiSmithCredentialsInput = JwtCredentialsInput
