/**
 * The credentials of an API behind `Authorization: Bearer <JWT>` (APISmith, ScheduleHub), as the
 * API and CLI take them, and as adapter-core `Credentials`: a static token issued elsewhere, or an
 * HS256 service token minted from a shared secret and re-minted before it expires.
 */
import { Redacted, Schema } from "effect"
import { Bearer, ServiceJwt } from "../auth/Credentials.ts"
import { SecretInput } from "./SecretInput.ts"

/** An HS256 service JWT minted from the shared secret; claims default per API. */
export const ServiceJwtInput = Schema.Struct({
  type: Schema.Literal("serviceJwt"),
  secret: SecretInput,
  issuer: Schema.optionalKey(Schema.NonEmptyString),
  audience: Schema.optionalKey(Schema.NonEmptyString),
  subject: Schema.optionalKey(Schema.NonEmptyString),
  ttlSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0)))
})

/** A static bearer token. */
export const BearerInput = Schema.Struct({ type: Schema.Literal("bearer"), token: SecretInput })

/** Either, as a connector's credentials input. */
export const JwtCredentialsInput = Schema.Union([ServiceJwtInput, BearerInput])
/** Either, as a connector's credentials input. */
export type JwtCredentialsInput = typeof JwtCredentialsInput.Type

/** The claims an API's service tokens carry when the user names none. */
export interface ServiceJwtDefaults {
  readonly issuer: string
  readonly audience: string
  readonly subject: string
  readonly ttlSeconds: number
}

/** Options of {@link serviceJwtCredentials}: the shared secret, and claims that default to the API's. */
export interface ServiceJwtCredentialsOptions {
  readonly secret: string | Redacted.Redacted<string>
  readonly issuer?: string | undefined
  readonly audience?: string | undefined
  readonly subject?: string | undefined
  readonly ttlSeconds?: number | undefined
}

const redact = (value: string | Redacted.Redacted<string>) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/** An HS256 service JWT minted from the shared secret (re-minted before expiry, and once after a 401). */
export const serviceJwtCredentials = (
  options: ServiceJwtCredentialsOptions,
  defaults: ServiceJwtDefaults
): ServiceJwt =>
  new ServiceJwt({
    secret: redact(options.secret),
    issuer: options.issuer ?? defaults.issuer,
    audience: options.audience ?? defaults.audience,
    subject: options.subject ?? defaults.subject,
    ttlSeconds: options.ttlSeconds ?? defaults.ttlSeconds
  })

/** A static bearer token (a JWT issued elsewhere): a 401 is final, as it cannot be renewed. */
export const bearerToken = (token: string | Redacted.Redacted<string>): Bearer => new Bearer({ token: redact(token) })

/** The `Credentials` a {@link JwtCredentialsInput} stands for, with the API's default claims. */
export const jwtCredentials = (input: JwtCredentialsInput, defaults: ServiceJwtDefaults): Bearer | ServiceJwt =>
  input.type === "bearer" ? bearerToken(input.token) : serviceJwtCredentials(input, defaults)
