/**
 * The PostgreSQL TokenStore: token sets round-trip, are sealed at rest, and a wrong key, a tampered
 * row or a row copied to another connection is a typed error, never garbage.
 */
import { assert, layer } from "@effect/vitest"
import { TokenSet, TokenStore } from "@syncflow/adapter-core"
import { PgTest } from "@syncflow/testing-pg"
import { Cause, Effect, Exit, Layer, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import * as PostgresTokenStore from "../../src/state/PostgresTokenStore.ts"
import { SecretBox, SecretBoxError } from "../../src/state/SecretBox.ts"
import { testKey, testSecretBox } from "./fixtures.ts"

const tokens = new TokenSet({
  accessToken: Redacted.make("access-AAAA-1111"),
  refreshToken: Redacted.make("refresh-BBBB-2222"),
  expiresAt: 1_765_000_000_000,
  scope: "people services"
})

/** A second store on the same database with other keys (fresh: layers are memoized otherwise). */
const otherStore = (box: Layer.Layer<SecretBox, unknown>) =>
  Effect.provide(Layer.fresh(PostgresTokenStore.layer).pipe(Layer.provide(Layer.fresh(box))))

/** The reason of the `SecretBoxError` behind a failure, if any. */
const secretBoxReason = (exit: Exit.Exit<unknown, unknown>): string | undefined => {
  if (!Exit.isFailure(exit)) return undefined
  const error = Cause.squash(exit.cause) as { readonly _tag?: string; readonly cause?: unknown }
  return error._tag === "TokenStoreError" && error.cause instanceof SecretBoxError ? error.cause.reason : undefined
}

layer(PostgresTokenStore.layer.pipe(Layer.provideMerge(testSecretBox), Layer.provideMerge(PgTest.layer)))(
  "PostgresTokenStore",
  (it) => {
    it.effect("round-trips a token set and deletes it", () =>
      Effect.gen(function* () {
        const store = yield* TokenStore
        assert.deepStrictEqual(yield* store.get("conn-1"), Option.none())
        yield* store.set("conn-1", tokens)
        const read = Option.getOrThrow(yield* store.get("conn-1"))
        assert.strictEqual(Redacted.value(read.accessToken), "access-AAAA-1111")
        assert.strictEqual(read.refreshToken && Redacted.value(read.refreshToken), "refresh-BBBB-2222")
        assert.strictEqual(read.expiresAt, 1_765_000_000_000)
        assert.strictEqual(read.scope, "people services")

        const rotated = new TokenSet({ accessToken: Redacted.make("access-CCCC-3333") })
        yield* store.set("conn-1", rotated)
        const again = Option.getOrThrow(yield* store.get("conn-1"))
        assert.strictEqual(Redacted.value(again.accessToken), "access-CCCC-3333")
        assert.strictEqual(again.refreshToken, undefined)

        yield* store.delete("conn-1")
        assert.deepStrictEqual(yield* store.get("conn-1"), Option.none())
      })
    )

    it.effect("keeps only ciphertext in the table", () =>
      Effect.gen(function* () {
        const store = yield* TokenStore
        const sql = yield* SqlClient.SqlClient
        yield* store.set("conn-2", tokens)
        const [row] = yield* sql<{ readonly token_set: Uint8Array }>`
          SELECT token_set FROM syncflow.tokens WHERE connection_id = 'conn-2'`
        const stored = Buffer.from(row!.token_set).toString("latin1")
        for (const plaintext of ["access-AAAA-1111", "refresh-BBBB-2222", "accessToken", "people services"]) {
          assert.isFalse(stored.includes(plaintext), plaintext)
        }
        // version byte, key id, nonce, ciphertext, tag
        assert.isAbove(row!.token_set.length, 1 + 4 + 12 + 16)
      })
    )

    it.effect("fails with a typed error for a wrong key, a tampered row, or a row copied to another connection", () =>
      Effect.gen(function* () {
        const store = yield* TokenStore
        const sql = yield* SqlClient.SqlClient
        yield* store.set("conn-3", tokens)

        const wrongKey = yield* Effect.exit(
          TokenStore.use((other) => other.get("conn-3")).pipe(otherStore(SecretBox.layer({ key: testKey(9) })))
        )
        assert.strictEqual(secretBoxReason(wrongKey), "WrongKey")
        const failure = Exit.isFailure(wrongKey) ? String(Cause.squash(wrongKey.cause)) : ""
        assert.isFalse(failure.includes("access-AAAA-1111"))

        // Rotation: a store whose previous key is the old one still reads it.
        const rotated = yield* TokenStore.use((other) => other.get("conn-3")).pipe(
          otherStore(SecretBox.layer({ key: testKey(9), previousKeys: [testKey(7)] }))
        )
        assert.strictEqual(Redacted.value(Option.getOrThrow(rotated).accessToken), "access-AAAA-1111")

        yield* sql`INSERT INTO syncflow.tokens (connection_id, token_set)
          SELECT 'conn-4', token_set FROM syncflow.tokens WHERE connection_id = 'conn-3'`
        assert.strictEqual(secretBoxReason(yield* Effect.exit(store.get("conn-4"))), "Tampered")

        yield* sql`UPDATE syncflow.tokens SET token_set = set_byte(token_set, 30, get_byte(token_set, 30) # 1)
          WHERE connection_id = 'conn-3'`
        assert.strictEqual(secretBoxReason(yield* Effect.exit(store.get("conn-3"))), "Tampered")

        yield* sql`UPDATE syncflow.tokens SET token_set = '\\x00'::bytea WHERE connection_id = 'conn-3'`
        assert.strictEqual(secretBoxReason(yield* Effect.exit(store.get("conn-3"))), "Malformed")
      })
    )
  }
)

layer(Layer.empty)("SecretBox keys", (it) => {
  it.effect("rejects a key that is not 32 bytes of base64 or hex", () =>
    Effect.gen(function* () {
      for (const key of ["", "short", Buffer.alloc(16).toString("base64"), "zz".repeat(32)]) {
        const exit = yield* Effect.exit(Layer.build(SecretBox.layer({ key: Redacted.make(key) })).pipe(Effect.scoped))
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(
          Exit.isFailure(exit) ? (Cause.squash(exit.cause) as { _tag?: string })._tag : "",
          "SecretKeyError"
        )
      }
      const hex = yield* Effect.exit(
        Layer.build(SecretBox.layer({ key: Redacted.make("ab".repeat(32)) })).pipe(Effect.scoped)
      )
      assert.isTrue(Exit.isSuccess(hex))
    })
  )
})
