/**
 * The credentials ScheduleHub accepts: `Authorization: Bearer <JWT>`, either a token you were given
 * (static) or an HS256 service token minted from the shared secret (`INTERNAL_SERVICE_JWT_SECRET`)
 * and re-minted before it expires by adapter-core's `TokenManager`.
 */
import { Bearer, ServiceJwt } from "@syncflow/adapter-core"
import { Redacted } from "effect"

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

/** Options of {@link serviceJwt}: the shared secret, and claims that default to {@link defaultClaims}. */
export interface ServiceJwtOptions {
  readonly secret: string | Redacted.Redacted<string>
  readonly issuer?: string | undefined
  readonly audience?: string | undefined
  readonly subject?: string | undefined
  readonly ttlSeconds?: number | undefined
}

const redact = (value: string | Redacted.Redacted<string>) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/** An HS256 service JWT minted from the shared secret (re-minted before expiry, and once after a 401). */
export const serviceJwt = (options: ServiceJwtOptions): ServiceJwt =>
  new ServiceJwt({
    secret: redact(options.secret),
    issuer: options.issuer ?? defaultClaims.issuer,
    audience: options.audience ?? defaultClaims.audience,
    subject: options.subject ?? defaultClaims.subject,
    ttlSeconds: options.ttlSeconds ?? defaultClaims.ttlSeconds
  })

/** A static bearer token (a JWT issued elsewhere): a 401 is final, as it cannot be renewed. */
export const bearer = (token: string | Redacted.Redacted<string>): Bearer => new Bearer({ token: redact(token) })
