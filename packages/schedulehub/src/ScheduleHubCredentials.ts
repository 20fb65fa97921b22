/**
 * The credentials ScheduleHub accepts: `Authorization: Bearer <JWT>`, either a token you were given
 * (static) or an HS256 service token minted from the shared secret (`INTERNAL_SERVICE_JWT_SECRET`)
 * and re-minted before it expires by adapter-core's `TokenManager`.
 */
import {
  type Bearer,
  bearerToken,
  type ServiceJwt,
  type ServiceJwtCredentialsOptions,
  serviceJwtCredentials
} from "@syncflow/adapter-core"

/** Credentials for a ScheduleHub connection. */
export type ScheduleHubCredentials = Bearer | ServiceJwt

/** The claims ScheduleHub's service tokens carry by default. */
export const defaultClaims = {
  issuer: "syncflow",
  audience: "schedulehub",
  subject: "syncflow",
  /** A short expiry, as ScheduleHub expects: five minutes. */
  ttlSeconds: 300
} as const

/** An HS256 service JWT minted from the shared secret, claims defaulting to {@link defaultClaims}. */
export const serviceJwt = (options: ServiceJwtCredentialsOptions): ServiceJwt =>
  serviceJwtCredentials(options, defaultClaims)

/** A static bearer token (a JWT issued elsewhere): a 401 is final, as it cannot be renewed. */
export const bearer = bearerToken
