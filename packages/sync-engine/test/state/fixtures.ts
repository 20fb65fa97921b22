/**
 * Shared fixtures of the state stores' tests: a test secret key, the stores on the file's test
 * database, and a connector to hang state on.
 */
import { PgTest } from "@syncflow/testing-pg"
import { Layer, Redacted } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { SecretBox } from "../../src/state/SecretBox.ts"
import * as StateStores from "../../src/state/StateStores.ts"

/** A 32-byte key, base64: what `SYNCFLOW_SECRET_KEY` would hold. */
export const testKey = (fill: number): Redacted.Redacted<string> =>
  Redacted.make(Base64.encode(new Uint8Array(32).fill(fill)))

/** The secret box of the tests. */
export const testSecretBox = SecretBox.layer({ key: testKey(7) })

/** Every store per aggregate (and the SecretBox, SqlClient and TestDatabase) on a fresh test database. */
export const stateStoresLayer = (options: StateStores.StateStoreOptions = {}) =>
  StateStores.layerWith(options).pipe(Layer.provideMerge(testSecretBox), Layer.provideMerge(PgTest.layer))

/** A new APISmith connector named `name`, to hang state on; each test uses its own. */
export const testConnector = (name: string) =>
  ConnectorStore.use((connectorStore) => connectorStore.createConnector({ adapter: "apismith", name }))

/** `n` seconds in milliseconds. */
export const seconds = (n: number) => n * 1000
