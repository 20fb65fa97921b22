/**
 * The ConnectorStore on a real PostgreSQL: connectors and their credentials, sealed at rest by the
 * SecretBox. Times come from the TestClock.
 */
import { assert, layer } from "@effect/vitest"
import { Bearer } from "@syncflow/adapter-core"
import { DateTime, Effect, Exit, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { seconds, stateStoresLayer } from "./fixtures.ts"

layer(stateStoresLayer())("ConnectorStore", (it) => {
  it.effect("creates, reads, updates and deletes connectors; credentials are sealed at rest", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const sql = yield* SqlClient.SqlClient
      const created = yield* connectorStore.createConnector({
        adapter: "apismith",
        name: "erp",
        config: { baseUrl: "http://127.0.0.1:8007", pageSize: 1000 },
        credentials: new Bearer({ token: Redacted.make("s3cret-service-token") })
      })
      assert.strictEqual(created.name, "erp")
      assert.isTrue(created.hasCredentials)
      assert.deepStrictEqual(created.config, { baseUrl: "http://127.0.0.1:8007", pageSize: 1000 })
      assert.deepStrictEqual(yield* connectorStore.getConnector(created.id), Option.some(created))

      const [stored] = yield* sql<{ readonly credentials: Uint8Array }>`
        SELECT credentials FROM syncflow.connectors WHERE id = ${created.id}`
      assert.isFalse(Buffer.from(stored!.credentials).toString("latin1").includes("s3cret-service-token"))

      const credentials = yield* connectorStore.getCredentials(created.id)
      assert.isTrue(Option.isSome(credentials))
      const bearer = Option.getOrThrow(credentials)
      assert.strictEqual(bearer._tag, "Bearer")
      assert.strictEqual(bearer._tag === "Bearer" ? Redacted.value(bearer.token) : "", "s3cret-service-token")

      yield* TestClock.adjust(seconds(5))
      const renamed = yield* connectorStore.updateConnector(created.id, { name: "erp-main", credentials: null })
      assert.strictEqual(renamed.name, "erp-main")
      assert.deepStrictEqual(renamed.config, created.config)
      assert.isFalse(renamed.hasCredentials)
      assert.strictEqual(DateTime.toEpochMillis(renamed.updatedAt) - DateTime.toEpochMillis(created.updatedAt), 5000)
      assert.deepStrictEqual(yield* connectorStore.getCredentials(created.id), Option.none())

      yield* connectorStore.createConnector({ id: "pco-1", adapter: "pco", name: "church" })
      const names = (yield* connectorStore.listConnectors).map((row) => row.name)
      assert.includeMembers(names, ["church", "erp-main"])

      assert.isTrue(yield* connectorStore.deleteConnector(created.id))
      assert.isFalse(yield* connectorStore.deleteConnector(created.id))
      assert.deepStrictEqual(yield* connectorStore.getConnector(created.id), Option.none())
      const missing = yield* Effect.flip(connectorStore.updateConnector(created.id, { name: "x" }))
      assert.strictEqual(missing._tag, "ConnectorNotFound")
      const duplicate = yield* Effect.exit(
        connectorStore.createConnector({ id: "pco-1", adapter: "pco", name: "other" })
      )
      assert.isTrue(Exit.isFailure(duplicate))
    })
  )
})
