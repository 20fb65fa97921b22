/**
 * Admin authentication: every admin route needs `Authorization: Bearer <token>`, where the token is
 * the configured API key (`SYNCFLOW_API_KEY`) or an HS256 JWT signed with `SYNCFLOW_JWT_SECRET`
 * whose `exp` (if any) is in the future and `nbf` (if any) in the past. Comparisons are constant-time.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { Clock, Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpApiError, HttpApiMiddleware, HttpApiSecurity } from "effect/http-api"
import type { AdminCredentials } from "../config/ServerSecrets.ts"
import { problemType } from "./Problem.ts"

/** The request has no valid admin token. */
export class Unauthorized extends HttpApiError.Problem<Unauthorized>()(
  "Unauthorized",
  { type: problemType("unauthorized"), status: 401, title: "Unauthorized" },
  { detail: Schema.String }
) {}

/** The admin bearer-token middleware. */
export class AdminAuth extends HttpApiMiddleware.Service<AdminAuth>()("@syncflow/server/AdminAuth", {
  security: { bearer: HttpApiSecurity.bearer },
  error: Unauthorized
}) {}

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const JwtHeader = Schema.Struct({ alg: Schema.Literal("HS256") })
const JwtClaims = Schema.Struct({ exp: Schema.optional(Schema.Number), nbf: Schema.optional(Schema.Number) })
const decodeHeader = Schema.decodeUnknownOption(Schema.fromJsonString(JwtHeader))
const decodeClaims = Schema.decodeUnknownOption(Schema.fromJsonString(JwtClaims))

const base64UrlText = (part: string): string => Buffer.from(part, "base64url").toString("utf8")

/** Whether `token` is an HS256 JWT signed with `secret` and valid at `nowSeconds`. */
export const verifyJwt = (token: string, secret: Redacted.Redacted<string>, nowSeconds: number): boolean => {
  const parts = token.split(".")
  if (parts.length !== 3) return false
  const [header = "", payload = "", signature = ""] = parts
  if (Option.isNone(decodeHeader(base64UrlText(header)))) return false
  const expected = createHmac("sha256", Redacted.value(secret)).update(`${header}.${payload}`).digest("base64url")
  if (!sameText(expected, signature)) return false
  const claims = decodeClaims(base64UrlText(payload))
  if (Option.isNone(claims)) return false
  const { exp, nbf } = claims.value
  return (exp === undefined || nowSeconds < exp) && (nbf === undefined || nowSeconds >= nbf)
}

/** Signs an HS256 JWT (for tests and scripts minting admin tokens). */
export const signJwt = (claims: Record<string, unknown>, secret: Redacted.Redacted<string>): string => {
  const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url")
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url")
  const signature = createHmac("sha256", Redacted.value(secret)).update(`${header}.${payload}`).digest("base64url")
  return `${header}.${payload}.${signature}`
}

/** The middleware, accepting the configured API key or JWTs signed with the configured secret. */
export const layer = (credentials: AdminCredentials): Layer.Layer<AdminAuth> =>
  Layer.succeed(
    AdminAuth,
    AdminAuth.of({
      bearer: (httpEffect, { credential }) =>
        Effect.gen(function* () {
          const token = Redacted.value(credential)
          const nowSeconds = (yield* Clock.currentTimeMillis) / 1000
          const byKey = Option.exists(credentials.apiKey, (key) => sameText(Redacted.value(key), token))
          const byJwt = !byKey && Option.exists(credentials.jwtSecret, (secret) => verifyJwt(token, secret, nowSeconds))
          if (!byKey && !byJwt) {
            return yield* new Unauthorized({ detail: "A valid bearer token (API key or JWT) is required" })
          }
          return yield* httpEffect
        })
    })
  )
