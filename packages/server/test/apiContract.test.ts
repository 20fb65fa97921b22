/**
 * One API contract, as a client meets it: every error is an RFC 9457 `application/problem+json`
 * naming the field or the cause (unknown routes, bad bodies, an invalid cron, auth); `/openapi.json`
 * lists every route with a summary and a description; `/docs` shows bearer examples and the real
 * version, served compressed.
 */
import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { call, type Reply, TestServer, testServerLayer } from "./fixtures.ts"

const serverVersion = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Struct({ version: Schema.String })))(
  readFileSync(new URL("../package.json", import.meta.url), "utf8")
).version

const Problem = Schema.Struct({
  type: Schema.String,
  title: Schema.String,
  status: Schema.Number,
  detail: Schema.String,
  field: Schema.optionalKey(Schema.String),
  errors: Schema.optionalKey(
    Schema.Array(Schema.Struct({ path: Schema.Array(Schema.Unknown), message: Schema.String }))
  )
})

/** The reply as a problem: its content type is `application/problem+json` and its status is the body's. */
const problemOf = (reply: Reply, status: number) => {
  assert.strictEqual(reply.status, status, JSON.stringify(reply.body))
  assert.match(reply.headers.get("content-type") ?? "", /^application\/problem\+json/)
  const problem = Schema.decodeUnknownSync(Problem)(reply.body)
  assert.strictEqual(problem.status, status)
  assert.isNotEmpty(problem.detail)
  return problem
}

const Operation = Schema.Struct({
  summary: Schema.optionalKey(Schema.String),
  description: Schema.optionalKey(Schema.String),
  security: Schema.optionalKey(Schema.Array(Schema.Record(Schema.String, Schema.Array(Schema.String)))),
  responses: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
})
const Document = Schema.Struct({
  info: Schema.Struct({ version: Schema.String }),
  paths: Schema.Record(Schema.String, Schema.Record(Schema.String, Operation)),
  components: Schema.Struct({
    securitySchemes: Schema.Record(
      Schema.String,
      Schema.Struct({ type: Schema.String, scheme: Schema.optionalKey(Schema.String) })
    )
  })
})

const get = (path: string, headers: Record<string, string>) =>
  Effect.gen(function* () {
    const { baseUrl } = yield* TestServer
    return yield* Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers })
      return { status: response.status, headers: response.headers, text: await response.text() }
    })
  })

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("API contract", (it) => {
  it.effect("an unknown route or method is a problem+json 404 naming it", () =>
    Effect.gen(function* () {
      const unknown = problemOf(yield* call("GET", "/api/v1/nothing-here?x=1"), 404)
      assert.include(unknown.detail, "GET /api/v1/nothing-here")
      assert.strictEqual(unknown.type, "urn:syncflow:problem:not-found")
      problemOf(yield* call("DELETE", "/metrics", { token: null }), 404)
      problemOf(yield* call("DELETE", "/", { token: null }), 404)
    })
  )

  it.effect("a missing connector, a missing token and a bad body are problems naming the cause", () =>
    Effect.gen(function* () {
      const missing = problemOf(yield* call("GET", "/api/v1/connectors/nobody"), 404)
      assert.include(missing.detail, "nobody")
      const unauthorized = problemOf(yield* call("GET", "/api/v1/connectors", { token: null }), 401)
      assert.strictEqual(unauthorized.type, "urn:syncflow:problem:unauthorized")
      const badBody = problemOf(
        yield* call("POST", "/api/v1/connectors", {
          body: { adapter: "apismith", name: 5, credentials: { type: "bearer", token: "t" } }
        }),
        400
      )
      assert.strictEqual(badBody.field, "name")
      assert.include(badBody.detail, "name")
      assert.deepInclude(badBody.errors?.[0], { path: ["payload", "name"] })
      const notJson = problemOf(yield* call("POST", "/api/v1/connectors", { raw: "{not json" }), 400)
      assert.strictEqual(notJson.type, "urn:syncflow:problem:invalid-field")
      const badQuery = problemOf(yield* call("GET", "/api/v1/runs?limit=0"), 400)
      assert.strictEqual(badQuery.field, "limit")
    })
  )

  it.effect("an invalid cron or interval on an entity is a 400 naming the field", () =>
    Effect.gen(function* () {
      const path = "/api/v1/connectors/any/entities/customers"
      const cron = problemOf(yield* call("PATCH", path, { body: { cron: "61 * * * *" } }), 400)
      assert.strictEqual(cron.field, "cron")
      assert.include(cron.detail, "cron")
      const fields = problemOf(yield* call("PATCH", path, { body: { cron: "* * *" } }), 400)
      assert.strictEqual(fields.field, "cron")
      const reconcile = problemOf(yield* call("PATCH", path, { body: { reconcileCron: "0 25 * * *" } }), 400)
      assert.strictEqual(reconcile.field, "reconcileCron")
      const interval = problemOf(yield* call("PATCH", path, { body: { intervalSeconds: 0 } }), 400)
      assert.strictEqual(interval.field, "intervalSeconds")
      const huge = problemOf(yield* call("PATCH", path, { body: { intervalSeconds: 10 ** 12 } }), 400)
      assert.strictEqual(huge.field, "intervalSeconds")
      // A valid cron passes validation: the unknown connector is what is wrong.
      problemOf(yield* call("PATCH", path, { body: { cron: "*/15 * * * *" } }), 404)
    })
  )

  it.effect("/openapi.json lists every route, webhooks and metrics included, with a summary and a description", () =>
    Effect.gen(function* () {
      const reply = yield* call("GET", "/openapi.json", { token: null })
      assert.strictEqual(reply.status, 200)
      const document = Schema.decodeUnknownSync(Document)(reply.body)
      assert.strictEqual(document.info.version, serverVersion)
      for (const path of [
        "/webhooks/{adapter}/{connectorId}",
        "/metrics",
        "/api/v1/connectors",
        "/api/v1/health",
        "/api/v1/health/live",
        "/api/v1/health/ready",
        "/api/v1/health/connectors",
        "/api/v1/alerts",
        "/api/v1/definitions/{definitionId}/runs",
        "/api/v1/definitions/{definitionId}/failed-records",
        "/api/v1/definitions/{definitionId}/failed-records/{recordId}/retry"
      ]) {
        assert.property(document.paths, path)
      }
      // Liveness and readiness are open; the connectors' health needs the admin token; 503s are documented.
      const health = (path: string) => document.paths[path]?.get
      assert.isEmpty(health("/api/v1/health/live")?.security ?? [])
      assert.isEmpty(health("/api/v1/health/ready")?.security ?? [])
      assert.deepStrictEqual(health("/api/v1/health/connectors")?.security, [{ bearer: [] }])
      assert.property(health("/api/v1/health/ready")?.responses ?? {}, "503")
      assert.property(health("/api/v1/health/connectors")?.responses ?? {}, "503")
      assert.property(health("/api/v1/health/connectors")?.responses ?? {}, "401")
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          assert.isNotEmpty(operation.summary ?? "", `${method} ${path} has no summary`)
          assert.isNotEmpty(operation.description ?? "", `${method} ${path} has no description`)
        }
      }
      assert.deepInclude(document.components.securitySchemes.bearer, { type: "http", scheme: "bearer" })
    })
  )

  it.effect("/docs is served compressed and its examples use the bearer token and the real version", () =>
    Effect.gen(function* () {
      for (const encoding of ["br", "gzip"]) {
        const page = yield* get("/docs", { "accept-encoding": encoding })
        assert.strictEqual(page.status, 200)
        assert.strictEqual(page.headers.get("content-encoding"), encoding)
        assert.include(page.headers.get("vary") ?? "", "Accept-Encoding")
        assert.include(page.text, '"scheme":"bearer"')
        assert.notInclude(page.text, '"scheme":"Bearer"')
        assert.include(page.text, '"preferredSecurityScheme":"bearer"')
        assert.include(page.text, `"version":"${serverVersion}"`)
      }
      const plain = yield* get("/docs", { "accept-encoding": "identity" })
      assert.strictEqual(plain.status, 200)
      assert.isNull(plain.headers.get("content-encoding"))
    })
  )
})
