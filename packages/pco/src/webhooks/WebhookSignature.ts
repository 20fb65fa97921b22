/**
 * Planning Center's delivery signature: the hex HMAC-SHA256 of the raw request body, keyed with the
 * subscription's `authenticity_secret`, sent as `X-PCO-Webhooks-Authenticity`. Verification compares
 * in constant time (`Mac.verify`).
 */
import { Effect, Redacted, Result } from "effect"
import { type CryptoError, Mac } from "effect/crypto"
import { Hex } from "effect/encoding"

const bytesOf = (body: string | Uint8Array): Uint8Array =>
  typeof body === "string" ? new TextEncoder().encode(body) : body

const keyOf = (secret: Redacted.Redacted<string>) =>
  Mac.key(Mac.hmacSha256, new TextEncoder().encode(Redacted.value(secret)))

/** The hex signature of `body` with `secret`, as Planning Center computes it. */
export const sign = Effect.fnUntraced(function* (
  secret: Redacted.Redacted<string>,
  body: string | Uint8Array
): Effect.fn.Return<string, CryptoError.CryptoError, Mac.Mac> {
  const mac = yield* Mac.Mac
  const key = yield* keyOf(secret)
  return Hex.encode(yield* mac.sign(key, bytesOf(body)))
})

/**
 * Whether `signature` (hex) is the signature of `body` with `secret`. A signature that is not hex,
 * of the wrong length or simply wrong is `false`; the comparison takes the same time either way.
 */
export const verify = Effect.fnUntraced(function* (
  secret: Redacted.Redacted<string>,
  body: string | Uint8Array,
  signature: string
): Effect.fn.Return<boolean, never, Mac.Mac> {
  const tag = Hex.decode(signature.trim().toLowerCase())
  if (Result.isFailure(tag)) return false
  const mac = yield* Mac.Mac
  return yield* keyOf(secret).pipe(
    Effect.flatMap((key) => mac.verify(key, tag.success, bytesOf(body))),
    Effect.orElseSucceed(() => false)
  )
})
