/**
 * HS256 JSON Web Tokens (RFC 7519) minted from a shared secret, for service-to-service calls, and
 * their verification for fakes and servers. Runs on Web Crypto through `effect/crypto`, so it works
 * on any platform; the secret and the tokens stay `Redacted`.
 */
import { Clock, Effect, Layer, Redacted, Result, Schema } from "effect"
import { Mac, SecureRandom } from "effect/crypto"
import { Base64Url } from "effect/encoding"
import type { ServiceJwt } from "./Credentials.ts"

/** A service JWT could not be minted or did not verify. The message never contains the token or secret. */
export class ServiceJwtError extends Schema.TaggedError<ServiceJwtError>()("ServiceJwtError", {
  message: Schema.String
}) {}

/** The JOSE header of the tokens minted here. */
const JwtHeader = Schema.Struct({
  alg: Schema.Literal("HS256"),
  typ: Schema.optional(Schema.String)
})

/** The claims of a service JWT: the registered ones plus any extra claims. */
export const ServiceJwtClaims = Schema.StructWithRest(
  Schema.Struct({
    iss: Schema.String,
    aud: Schema.Union([Schema.String, Schema.Array(Schema.String)]),
    sub: Schema.String,
    /** Issued at, in epoch seconds. */
    iat: Schema.Int,
    /** Expires at, in epoch seconds. */
    exp: Schema.Int,
    jti: Schema.String
  }),
  [Schema.Record(Schema.String, Schema.Json)]
)

/** The decoded {@link ServiceJwtClaims}. */
export type ServiceJwtClaims = typeof ServiceJwtClaims.Type

/** A base64url segment holding JSON, decoded by `schema`. */
const segment = <S extends Schema.Constraint>(schema: S) =>
  Schema.StringFromBase64Url.pipe(Schema.decodeTo(Schema.fromJsonString(schema)))

const HeaderSegment = segment(JwtHeader)
const ClaimsSegment = segment(ServiceJwtClaims)

/** A minted token and when it expires. */
export interface MintedServiceJwt {
  readonly token: Redacted.Redacted<string>
  /** Expiry in epoch milliseconds (the `exp` claim). */
  readonly expiresAt: number
}

const CryptoLive = Mac.layerWebCrypto.pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

const hmacKey = (secret: Redacted.Redacted<string>) =>
  Mac.key(Mac.hmacSha256, utf8(Redacted.value(secret))).pipe(
    Effect.mapError(() => new ServiceJwtError({ message: "the shared secret is not a usable HMAC key" }))
  )

/**
 * Mints a token for `credentials`: `iat` is now (from `Clock`), `exp` is `iat + ttlSeconds`, `jti`
 * is a random UUID; extra claims come first so they cannot override the registered ones.
 */
export const mintServiceJwt = Effect.fn("ServiceJwt.mint")(function* (
  credentials: ServiceJwt
): Effect.fn.Return<MintedServiceJwt, ServiceJwtError, Mac.Mac | SecureRandom.SecureRandom> {
  const nowMillis = yield* Clock.currentTimeMillis
  const iat = Math.floor(nowMillis / 1000)
  const exp = iat + credentials.ttlSeconds
  const jti = yield* (yield* SecureRandom.SecureRandom).uuidV4()
  const claims: ServiceJwtClaims = {
    ...credentials.claims,
    iss: credentials.issuer,
    aud: credentials.audience,
    sub: credentials.subject,
    iat,
    exp,
    jti
  }
  const encodeFailed = () => new ServiceJwtError({ message: "the claims could not be encoded as JSON" })
  const header = yield* Schema.encodeEffect(HeaderSegment)({ alg: "HS256", typ: "JWT" }).pipe(
    Effect.mapError(encodeFailed)
  )
  const payload = yield* Schema.encodeEffect(ClaimsSegment)(claims).pipe(Effect.mapError(encodeFailed))
  const signingInput = `${header}.${payload}`
  const key = yield* hmacKey(credentials.secret)
  const signature = yield* (yield* Mac.Mac)
    .sign(key, utf8(signingInput))
    .pipe(Effect.mapError(() => new ServiceJwtError({ message: "signing the token failed" })))
  return { token: Redacted.make(`${signingInput}.${Base64Url.encode(signature)}`), expiresAt: exp * 1000 }
}, Effect.provide(CryptoLive))

/** What {@link verifyServiceJwt} checks besides the signature and expiry. */
export interface VerifyServiceJwtOptions {
  /** The expected `iss`. */
  readonly issuer?: string | undefined
  /** The audience the verifier serves: `aud` must be it (or contain it). */
  readonly audience?: string | undefined
  /** Allowed clock difference in seconds when checking `exp` and `iat`; 0 by default. */
  readonly leewaySeconds?: number | undefined
}

/**
 * Verifies an HS256 token against the shared secret (a constant-time HMAC check), then its expiry
 * (by `Clock`), issuer and audience, and returns its claims. Any other algorithm, `none` included,
 * is rejected.
 */
export const verifyServiceJwt = Effect.fn("ServiceJwt.verify")(function* (
  token: string | Redacted.Redacted<string>,
  secret: Redacted.Redacted<string>,
  options?: VerifyServiceJwtOptions
): Effect.fn.Return<ServiceJwtClaims, ServiceJwtError, Mac.Mac> {
  const fail = (message: string) => Effect.fail(new ServiceJwtError({ message }))
  const parts = (Redacted.isRedacted(token) ? Redacted.value(token) : token).split(".")
  const [headerPart, payloadPart, signaturePart] = parts
  if (parts.length !== 3 || headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    return yield* fail("not a JWT: expected three dot-separated parts")
  }
  yield* Schema.decodeUnknownEffect(HeaderSegment)(headerPart).pipe(
    Effect.mapError(() => new ServiceJwtError({ message: "the JWT header is not an HS256 header" }))
  )
  const signature = Base64Url.decode(signaturePart)
  if (Result.isFailure(signature)) return yield* fail("the JWT signature is not base64url")
  const key = yield* hmacKey(secret)
  const valid = yield* (yield* Mac.Mac)
    .verify(key, signature.success, utf8(`${headerPart}.${payloadPart}`))
    .pipe(Effect.orElseSucceed(() => false))
  if (!valid) return yield* fail("the JWT signature does not match the shared secret")
  const claims = yield* Schema.decodeUnknownEffect(ClaimsSegment)(payloadPart).pipe(
    Effect.mapError((error) => new ServiceJwtError({ message: `the JWT claims are invalid: ${error.message}` }))
  )
  const leeway = options?.leewaySeconds ?? 0
  const nowSeconds = Math.floor((yield* Clock.currentTimeMillis) / 1000)
  if (nowSeconds >= claims.exp + leeway) return yield* fail("the JWT has expired")
  if (claims.iat > nowSeconds + leeway) return yield* fail("the JWT was issued in the future")
  if (options?.issuer !== undefined && claims.iss !== options.issuer) {
    return yield* fail(`the JWT issuer is not ${options.issuer}`)
  }
  if (options?.audience !== undefined) {
    const audiences = typeof claims.aud === "string" ? [claims.aud] : claims.aud
    if (!audiences.includes(options.audience)) return yield* fail(`the JWT audience is not ${options.audience}`)
  }
  return claims
}, Effect.provide(CryptoLive))
