/**
 * Planning Center through the server: webhooks with good and bad signatures (a good delivery starts
 * a targeted sync of the changed person; a bad one is refused with 401 and nothing runs), and the
 * OAuth2 authorization-code flow (start, the provider's redirect, callback, tokens stored).
 */
import { assert, layer } from "@effect/vitest"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { ConnectorView, EntityView, RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, TestServer, testServerLayer } from "./fixtures.ts"

const runsOf = (connector: string, entity: string) =>
  Effect.map(call("GET", `/api/v1/runs?connector=${connector}&entity=${entity}`), (reply) =>
    bodyAs(reply, Schema.Array(RunView))
  )

const firstName = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ readonly first_name: string }>(`SELECT first_name FROM public.person WHERE id = $1`, [id])
  ).pipe(
    Effect.map(([row]) => row?.first_name),
    Effect.orElseSucceed(() => undefined)
  )

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("Planning Center", (it) => {
  it.effect("a signed webhook triggers a targeted sync; a bad signature is refused with nothing processed", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 15, seed: 4 })
      const { baseUrl } = yield* TestServer
      const subscription = yield* fake.webhooks.subscribe({
        name: "people.v2.events.person.updated",
        url: `${baseUrl}/webhooks/pco/church`
      })
      const created = yield* call("POST", "/api/v1/connectors", {
        body: {
          id: "church",
          adapter: "pco",
          name: "Church",
          config: { baseUrl: fake.baseUrl },
          credentials: {
            type: "personalAccessToken",
            appId: fake.personalAccessToken.username,
            secret: Redacted.value(fake.personalAccessToken.password)
          },
          // Planning Center gives each subscription its own secret.
          webhookSecrets: { "people.v2.events.person.updated": Redacted.value(subscription.secret) }
        }
      })
      assert.strictEqual(created.status, 201)
      assert.deepInclude(bodyAs(created, ConnectorView), { hasWebhookSecret: true })
      assert.notInclude(JSON.stringify(created.body), Redacted.value(subscription.secret))
      const entities = bodyAs(yield* call("POST", "/api/v1/connectors/church/discover"), Schema.Array(EntityView))
      for (const entity of entities) {
        yield* call("PATCH", `/api/v1/connectors/church/entities/${entity.entity}`, { body: { enabled: false } })
      }
      yield* call("POST", "/api/v1/connectors/church/sync", { body: { entities: ["campus", "person"] } })
      yield* eventually(
        Effect.map(runsOf("church", "person"), (runs) =>
          runs.length === 1 && runs[0]!.status === "succeeded" ? Option.some(runs) : Option.none()
        )
      )

      // A forged delivery: refused, and no sync starts.
      const forged = yield* call("POST", "/webhooks/pco/church", {
        token: null,
        raw: JSON.stringify({ data: [] })
      })
      assert.strictEqual(forged.status, 401)
      const { baseUrl: server } = yield* TestServer
      const badSignature = yield* Effect.promise(() =>
        fetch(`${server}/webhooks/pco/church`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-pco-webhooks-name": "people.v2.events.person.updated",
            "x-pco-webhooks-authenticity": "0".repeat(64)
          },
          body: JSON.stringify({ data: [] })
        }).then((response) => response.status)
      )
      assert.strictEqual(badSignature, 401)
      const unknownEvent = yield* Effect.promise(() =>
        fetch(`${server}/webhooks/pco/church`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-pco-webhooks-name": "people.v2.events.email.created",
            "x-pco-webhooks-authenticity": "0".repeat(64)
          },
          body: JSON.stringify({ data: [] })
        }).then((response) => response.status)
      )
      assert.strictEqual(unknownEvent, 401)
      assert.strictEqual((yield* call("POST", "/webhooks/pco/nobody", { token: null, raw: "{}" })).status, 404)
      assert.strictEqual((yield* runsOf("church", "person")).length, 1)

      // A real change, delivered signed by the fake: a sync of that person's entity runs.
      const [someone = ""] = fake.truth.ids("Person")
      // "" is a value in Planning Center (unlike Oracle): it reaches the table as "", not null.
      yield* fake.mutate.update("Person", someone, { first_name: "Webhooked", nickname: "" })
      const attempts = yield* fake.webhooks.deliver
      assert.isAbove(attempts.length, 0)
      for (const attempt of attempts) assert.strictEqual(attempt.status, 202)
      yield* eventually(
        Effect.map(firstName(someone), (name) => (name === "Webhooked" ? Option.some(name) : Option.none()))
      )
      const runs = yield* runsOf("church", "person")
      assert.strictEqual(runs.length, 2)
      const truth = fake.truth.get("Person", someone)?.attributes
      assert.strictEqual(truth?.nickname, "")
      const [stored] = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.unsafe<{ readonly nickname: string | null }>(`SELECT nickname FROM public.person WHERE id = $1`, [someone])
      )
      assert.strictEqual(stored?.nickname, truth?.nickname)

      // Every Planning Center request waited for its rate-limit budget (a zero wait counts too).
      const metrics = String((yield* call("GET", "/metrics", { token: null })).body)
      assert.match(metrics, /^syncflow_rate_limit_wait_seconds_count\{.*adapter="pco".*\} [1-9]\d*$/m)
    }).pipe(Effect.scoped)
  )

  it.effect("OAuth2: start redirects with a signed state; the callback exchanges the code and stores tokens", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, seed: 5 })
      const created = yield* call("POST", "/api/v1/connectors", {
        body: {
          id: "church-oauth",
          adapter: "pco",
          name: "Church (OAuth)",
          config: { baseUrl: fake.baseUrl },
          credentials: { type: "oauth2", clientId: "pco-fake-client", clientSecret: "pco-fake-client-secret" }
        }
      })
      assert.strictEqual(created.status, 201)
      // No tokens yet: the upstream refuses.
      assert.strictEqual((yield* call("POST", "/api/v1/connectors/church-oauth/test")).status, 502)

      const start = yield* call("GET", "/api/v1/oauth/pco/church-oauth/start")
      assert.strictEqual(start.status, 302)
      const authorize = new URL(start.headers.get("location") ?? "")
      assert.strictEqual(`${authorize.origin}${authorize.pathname}`, `${fake.baseUrl}/oauth/authorize`)
      const state = authorize.searchParams.get("state") ?? ""
      assert.isNotEmpty(state)
      // The provider sends the browser back with a code and the state.
      const back = yield* Effect.promise(() => fetch(authorize, { redirect: "manual" }))
      const callback = new URL(back.headers.get("location") ?? "")
      assert.strictEqual(callback.searchParams.get("state"), state)

      const tampered = yield* call(
        "GET",
        `/api/v1/oauth/pco/callback?code=${callback.searchParams.get("code")}&state=${state.slice(0, -2)}xx`,
        { token: null }
      )
      assert.strictEqual(tampered.status, 400)
      assert.deepInclude(tampered.body, { field: "state" })

      const done = yield* call("GET", `/api/v1/oauth/pco/callback${callback.search}`, { token: null })
      assert.strictEqual(done.status, 200)
      assert.deepStrictEqual(done.body, { connectorId: "church-oauth", connected: true })
      assert.deepStrictEqual((yield* call("POST", "/api/v1/connectors/church-oauth/test")).body, {
        ok: true,
        message: "connected"
      })
      // The tokens are sealed at rest.
      const rows = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.unsafe<{ readonly sealed: Uint8Array }>(
          `SELECT token_set AS sealed FROM syncflow.tokens WHERE connection_id = 'church-oauth'`
        )
      )
      assert.strictEqual(rows.length, 1)
      assert.notInclude(Buffer.from(rows[0]!.sealed).toString("latin1"), "access")

      // Deleting the connector deletes its tokens too.
      assert.strictEqual((yield* call("DELETE", "/api/v1/connectors/church-oauth")).status, 204)
      const left = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.unsafe(`SELECT 1 FROM syncflow.tokens WHERE connection_id = 'church-oauth'`)
      )
      assert.strictEqual(left.length, 0)
    }).pipe(Effect.scoped)
  )
})
