/**
 * The dashboard's files at `/` (here a small built dashboard in a temporary directory named by
 * `SYNCFLOW_DASHBOARD_DIR`): hashed assets cached for a year and compressed when accepted, the page
 * revalidated and answering every client route, while the API, `/docs`, `/openapi.json` and
 * `/metrics` keep their own answers and a path under them that no route matches stays a 404 problem.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { TestServer, testServerLayer } from "./fixtures.ts"

const dir = mkdtempSync(join(tmpdir(), "syncflow-dashboard-"))
mkdirSync(join(dir, "assets"))
const page = `<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`
const script = `console.log(${JSON.stringify("the dashboard ".repeat(200))})`
writeFileSync(join(dir, "index.html"), page)
writeFileSync(join(dir, "assets", "index-abc123.js"), script)

const get = (path: string, headers: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const { baseUrl } = yield* TestServer
    return yield* Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers })
      return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) }
    })
  })

const text = (body: Uint8Array) => new TextDecoder().decode(body)

const dashboardServer = testServerLayer.pipe(
  Layer.provide(ConfigProvider.layerAdd(ConfigProvider.fromUnknown({ SYNCFLOW_DASHBOARD_DIR: dir })))
)

layer(dashboardServer, { timeout: 120_000, excludeTestServices: true })("the dashboard at /", (it) => {
  it.effect("serves the page and its assets with caching headers, and the page for client routes", () =>
    Effect.gen(function* () {
      const root = yield* get("/")
      assert.strictEqual(root.status, 200)
      assert.include(root.headers.get("content-type") ?? "", "text/html")
      assert.strictEqual(root.headers.get("cache-control"), "no-cache")
      assert.strictEqual(text(root.body), page)

      for (const route of ["/runs", "/runs/0b7c9a8e-1111-4222-8333-444455556666", "/connectors/erp"]) {
        const client = yield* get(route)
        assert.strictEqual(client.status, 200, route)
        assert.strictEqual(text(client.body), page, route)
      }

      const asset = yield* get("/assets/index-abc123.js", { "accept-encoding": "gzip" })
      assert.strictEqual(asset.status, 200)
      assert.include(asset.headers.get("content-type") ?? "", "text/javascript")
      assert.strictEqual(asset.headers.get("cache-control"), "public, max-age=31536000, immutable")
      // fetch decodes the body itself; the header says it was sent compressed.
      assert.strictEqual(asset.headers.get("content-encoding"), "gzip")
      assert.strictEqual(text(asset.body), script)

      const missing = yield* get("/assets/index-gone.js")
      assert.strictEqual(missing.status, 404)
      assert.include(missing.headers.get("content-type") ?? "", "application/problem+json")
    })
  )

  it.effect("leaves the API, docs, OpenAPI document and metrics their own answers", () =>
    Effect.gen(function* () {
      const unknownApi = yield* get("/api/v1/nothing-here")
      assert.strictEqual(unknownApi.status, 404)
      assert.include(unknownApi.headers.get("content-type") ?? "", "application/problem+json")
      assert.include(text(unknownApi.body), "GET /api/v1/nothing-here")
      const health = yield* get("/api/v1/health/live")
      assert.strictEqual(health.status, 200)
      assert.include(text(health.body), '"status":"ok"')
      const openapi = yield* get("/openapi.json")
      assert.strictEqual(openapi.status, 200)
      assert.include(text(openapi.body), '"openapi"')
      const docs = yield* get("/docs")
      assert.strictEqual(docs.status, 200)
      assert.notStrictEqual(text(docs.body), page)
      const metrics = yield* get("/metrics")
      assert.strictEqual(metrics.status, 200)
      assert.include(text(metrics.body), "syncflow_build_info")
      const webhook = yield* get("/webhooks/apismith/none")
      assert.strictEqual(webhook.status, 404)
      assert.include(webhook.headers.get("content-type") ?? "", "application/problem+json")
    })
  )
})
