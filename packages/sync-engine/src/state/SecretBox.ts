/**
 * Encryption at rest for secrets SyncFlow keeps in PostgreSQL (connector credentials, OAuth2 token
 * sets): AES-256-GCM from `effect/crypto` (WebCrypto), with a random 96-bit nonce per message and a
 * context string (e.g. `token:<connection id>`) as associated data, so a sealed value copied to
 * another row does not open there.
 *
 * Sealed layout: `0x01 | key id (4 bytes) | nonce (12 bytes) | ciphertext | tag (16 bytes)`. The key
 * id (the first bytes of SHA-256 of the key) lets `open` tell "sealed with a key we do not have"
 * from "tampered with", and lets keys rotate: seal with the current key, open with it or any
 * previous one.
 *
 * Keys are 32 bytes, configured as base64 or hex in a `Redacted` string, e.g. from
 * `SYNCFLOW_SECRET_KEY` (`openssl rand -base64 32`).
 */
import { Config, Context, Effect, Layer, Redacted, Result, Schema } from "effect"
import { Aead, Digest, SecureRandom } from "effect/crypto"
import * as Base64 from "effect/encoding/Base64"
import * as Hex from "effect/encoding/Hex"

/** The configured key is not 32 bytes of base64 or hex. The message never contains the key. */
export class SecretKeyError extends Schema.TaggedError<SecretKeyError>()("SecretKeyError", {
  message: Schema.String
}) {}

/** A sealed value could not be opened. */
export class SecretBoxError extends Schema.TaggedError<SecretBoxError>()("SecretBoxError", {
  /**
   * `WrongKey`: sealed with a key that is not configured. `Tampered`: the key is known but the value,
   * its context or its tag does not match. `Malformed`: not a sealed value at all.
   */
  reason: Schema.Literals(["WrongKey", "Tampered", "Malformed"]),
  message: Schema.String
}) {}

/** The keys of a {@link SecretBox}: the current one seals, every one opens. */
export interface SecretBoxKeys {
  readonly key: Redacted.Redacted<string>
  readonly previousKeys?: ReadonlyArray<Redacted.Redacted<string>> | undefined
}

const version = 1
const keyIdLength = 4
const nonceLength = 12
const headerLength = 1 + keyIdLength + nonceLength
const encoder = new TextEncoder()

/** The 32 key bytes of a base64 or hex key string. */
const keyBytes = (key: Redacted.Redacted<string>): Result.Result<Uint8Array, SecretKeyError> => {
  const text = Redacted.value(key).trim()
  const decoded = /^[0-9a-fA-F]{64}$/.test(text) ? Hex.decode(text) : Base64.decode(text)
  return Result.isSuccess(decoded) && decoded.success.length === 32
    ? Result.succeed(decoded.success)
    : Result.fail(new SecretKeyError({ message: "The secret key must be 32 bytes, written as base64 or hex" }))
}

/** WebCrypto AES-GCM, SHA-256 and randomness. */
const cryptoLayer = Layer.mergeAll(Aead.layerWebCrypto, Digest.layerWebCrypto).pipe(
  Layer.provideMerge(SecureRandom.layerWebCrypto)
)

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])

/** Seals and opens secrets with AES-256-GCM. */
export class SecretBox extends Context.Service<
  SecretBox,
  {
    /** Encrypts `plaintext`, bound to `context` (which must be given again to open it). */
    readonly seal: (plaintext: Uint8Array, context: string) => Effect.Effect<Uint8Array>
    /** Decrypts a sealed value; fails when the key, the context or the bytes do not match. */
    readonly open: (sealed: Uint8Array, context: string) => Effect.Effect<Uint8Array, SecretBoxError>
  }
>()("@syncflow/sync-engine/state/SecretBox") {
  /** A box with the given keys. */
  static readonly layer = (keys: SecretBoxKeys): Layer.Layer<SecretBox, SecretKeyError> =>
    Layer.effect(
      SecretBox,
      Effect.gen(function* () {
        const aead = yield* Aead.Aead
        const random = yield* SecureRandom.SecureRandom
        const digest = yield* Digest.Digest
        const all = [keys.key, ...(keys.previousKeys ?? [])]
        const loaded = yield* Effect.forEach(all, (key) =>
          Effect.gen(function* () {
            const bytes = yield* Effect.fromResult(keyBytes(key))
            const id = (yield* digest.digest(Digest.sha256, bytes)).slice(0, keyIdLength)
            const aeadKey = yield* Aead.key(Aead.aes256Gcm, bytes).pipe(
              Effect.mapError(() => new SecretKeyError({ message: "The secret key is not a valid AES-256 key" }))
            )
            return { id, key: aeadKey }
          })
        )
        const current = loaded[0]!

        const seal = Effect.fn("SecretBox.seal")(function* (plaintext: Uint8Array, context: string) {
          const nonce = yield* random.randomBytes(nonceLength)
          const ciphertext = yield* aead
            .encrypt(current.key, plaintext, { nonce, aad: encoder.encode(context) })
            .pipe(Effect.orDie)
          const sealed = new Uint8Array(headerLength + ciphertext.length)
          sealed[0] = version
          sealed.set(current.id, 1)
          sealed.set(nonce, 1 + keyIdLength)
          sealed.set(ciphertext, headerLength)
          return sealed
        })

        const open = Effect.fn("SecretBox.open")(function* (sealed: Uint8Array, context: string) {
          if (sealed.length < headerLength + 16 || sealed[0] !== version) {
            return yield* new SecretBoxError({ reason: "Malformed", message: "Not a value sealed by SyncFlow" })
          }
          const id = sealed.subarray(1, 1 + keyIdLength)
          const match = loaded.find((candidate) => sameBytes(candidate.id, id))
          if (match === undefined) {
            return yield* new SecretBoxError({
              reason: "WrongKey",
              message: "Sealed with a key that is not configured (wrong or rotated-out secret key)"
            })
          }
          return yield* aead
            .decrypt(match.key, sealed.subarray(headerLength), {
              nonce: sealed.subarray(1 + keyIdLength, headerLength),
              aad: encoder.encode(context)
            })
            .pipe(
              Effect.mapError(
                () =>
                  new SecretBoxError({
                    reason: "Tampered",
                    message: "The sealed value or its context does not match its authentication tag"
                  })
              )
            )
        })

        return SecretBox.of({ seal, open })
      })
    ).pipe(Layer.provide(cryptoLayer))

  /** A box whose key comes from configuration, by default `SYNCFLOW_SECRET_KEY`. */
  static readonly layerConfig = (
    key: Config.Config<Redacted.Redacted<string>> = Config.Redacted("SYNCFLOW_SECRET_KEY")
  ): Layer.Layer<SecretBox, SecretKeyError | Config.ConfigError> =>
    Layer.unwrap(Effect.map(key, (resolved) => SecretBox.layer({ key: resolved })))
}
