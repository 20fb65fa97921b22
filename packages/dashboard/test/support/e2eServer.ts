/**
 * A real SyncFlow server for the dashboard's browser tests: the whole server (`serverAppLayer`, as
 * `syncflow serve` runs it) on a random loopback port over the test file's own PostgreSQL database,
 * serving the current dashboard build at `/`, with the fake ERP to sync from.
 */
import { FakeErp } from "@syncflow/apismith/testing"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { apiKey, call, TestServer, testServerLayer } from "../../../server/test/fixtures.ts"
import { builtDashboard } from "./dashboardBuild.ts"

export { apiKey, call, eventually, TestServer } from "../../../server/test/fixtures.ts"

/** The server (scheduler off: syncs start when a test asks), serving the current dashboard. */
export const dashboardServerLayer = Layer.unwrap(
  Effect.map(builtDashboard, (dir) =>
    testServerLayer.pipe(
      Layer.provide(ConfigProvider.layerAdd(ConfigProvider.fromUnknown({ SYNCFLOW_DASHBOARD_DIR: dir })))
    )
  )
)

/**
 * A fake ERP and a connector `erp` to it, discovered (its entities known), created through the API
 * as a user of the CLI or API would. `rows` sets the fake's table sizes.
 */
export const erpConnector = (options: { readonly seed?: number; readonly rows?: Record<string, number> } = {}) =>
  Effect.gen(function* () {
    const fake = yield* FakeErp.make({ seed: options.seed ?? 20, rows: options.rows ?? { items: 3_000 } })
    const created = yield* call("POST", "/api/v1/connectors", {
      body: {
        id: "erp",
        adapter: "apismith",
        name: "ERP",
        config: { baseUrl: fake.baseUrl, pageSize: 1000 },
        credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
      }
    })
    if (created.status !== 201) return yield* Effect.die(`creating the connector answered ${created.status}`)
    const discovered = yield* call("POST", "/api/v1/connectors/erp/discover")
    if (discovered.status !== 200) return yield* Effect.die(`discovery answered ${discovered.status}`)
    return fake
  })

/** The base URL of the running server (where the dashboard is). */
export const dashboardUrl = Effect.map(TestServer, (server) => server.baseUrl)

/** The admin API key the test server accepts. */
export const adminKey = apiKey
