/**
 * Shared fixtures of the StateStore tests: a test secret key and layers on the file's test database.
 */
import { PgTest } from "@syncflow/testing-pg"
import { Layer, Redacted } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { SecretBox } from "../../src/state/SecretBox.ts"
import { StateStore, type StateStoreOptions } from "../../src/state/StateStore.ts"
import * as StateStores from "../../src/state/StateStores.ts"

/** A 32-byte key, base64: what `SYNCFLOW_SECRET_KEY` would hold. */
export const testKey = (fill: number): Redacted.Redacted<string> =>
  Redacted.make(Base64.encode(new Uint8Array(32).fill(fill)))

/** The secret box of the tests. */
export const testSecretBox = SecretBox.layer({ key: testKey(7) })

/** A StateStore (and its SecretBox, SqlClient and TestDatabase) on a fresh test database. */
export const stateStoreLayer = (options: StateStoreOptions = {}) =>
  StateStore.layerWith(options).pipe(Layer.provideMerge(testSecretBox), Layer.provideMerge(PgTest.layer))

/** Every store per aggregate (and the SecretBox, SqlClient and TestDatabase) on a fresh test database. */
export const stateStoresLayer = (options: StateStoreOptions = {}) =>
  StateStores.layerWith(options).pipe(Layer.provideMerge(testSecretBox), Layer.provideMerge(PgTest.layer))
