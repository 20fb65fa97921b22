/**
 * Planning Center through the server: webhooks with good and bad signatures (a good delivery starts
 * a targeted sync of the changed person; a bad one is refused with 401 and nothing runs), a
 * `destroyed` delivery soft-deleting the person at once (table compared with the fake's truth), and the
 * OAuth2 authorization-code flow (start, the provider's redirect, callback, tokens stored).
 */
import { assert, layer } from "@effect/vitest"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { EntitySyncTriggered } from "../src/api/groups/EntitiesGroup.ts"
import { ConnectorView, EntityView, RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, TestServer, testServerLayer } from "./fixtures.ts"

/** Creates a Planning Center connector on `fake` with its personal access token and webhook secrets. */
const addPatConnector = (
  fake: FakePco.FakePco,
  id: string,
  name: string,
  webhookSecrets: Readonly<Record<string, string>>
) =>
  call("POST", "/api/v1/connectors", {
    body: {
      id,
      adapter: "pco",
      name,
      config: { baseUrl: fake.baseUrl },
      credentials: {
        type: "personalAccessToken",
        appId: fake.personalAccessToken.username,
        secret: Redacted.value(fake.personalAccessToken.password)
      },
      webhookSecrets
    }
  })

const runsOf = (connector: string, entity: string) =>
  Effect.map(call("GET", `/api/v1/runs?connector=${connector}&entity=${entity}`), (reply) =>
    bodyAs(reply, Schema.Array(RunView))
  )

const firstName = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ readonly first_name: string }>(`SELECT first_name FROM church.person WHERE id = $1`, [id])
  ).pipe(
    Effect.map(([row]) => row?.first_name),
    Effect.orElseSucceed(() => undefined)
  )

/** The ids of the live (not soft-deleted) people in the table, sorted. */
const livePeople = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql.unsafe<{ readonly id: string }>(`SELECT id FROM church_deletes.person WHERE NOT _deleted`)
).pipe(
  Effect.map((rows) => rows.map((row) => String(row.id)).sort()),
  Effect.orDie
)

/** A person's row: whether it is soft-deleted, and when. */
const personRow = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ readonly deleted: boolean; readonly deletedAt: Date | null }>(
      `SELECT _deleted AS deleted, _deleted_at AS "deletedAt" FROM church_deletes.person WHERE id = $1`,
      [id]
    )
  ).pipe(
    Effect.map(([row]) => row),
    Effect.orDie
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
      const created = yield* addPatConnector(fake, "church", "Church", {
        // Planning Center gives each subscription its own secret.
        "people.v2.events.person.updated": Redacted.value(subscription.secret)
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
        }).then(async (response) => ({
          status: response.status,
          contentType: response.headers.get("content-type"),
          body: await response.json()
        }))
      )
      // A refusal is a problem (RFC 9457) saying why.
      assert.strictEqual(badSignature.status, 401)
      assert.match(badSignature.contentType ?? "", /^application\/problem\+json/)
      assert.deepInclude(badSignature.body, { type: "urn:syncflow:problem:unauthorized", status: 401 })
      assert.include(JSON.stringify(badSignature.body), "Webhook signature refused")
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
      const nobody = yield* call("POST", "/webhooks/pco/nobody", { token: null, raw: "{}" })
      assert.strictEqual(nobody.status, 404)
      assert.match(nobody.headers.get("content-type") ?? "", /^application\/problem\+json/)
      assert.deepInclude(nobody.body, { type: "urn:syncflow:problem:not-found", status: 404 })
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
        sql.unsafe<{ readonly nickname: string | null }>(`SELECT nickname FROM church.person WHERE id = $1`, [someone])
      )
      assert.strictEqual(stored?.nickname, truth?.nickname)

      // Every Planning Center request waited for its rate-limit budget (a zero wait counts too).
      const metrics = String((yield* call("GET", "/metrics", { token: null })).body)
      assert.match(metrics, /^syncflow_rate_limit_wait_seconds_count\{.*adapter="pco".*\} [1-9]\d*$/m)
    }).pipe(Effect.scoped)
  )

  it.effect("a signed destroyed webhook soft-deletes the person at once; the table equals the fake's truth", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 20, seed: 6 })
      const { baseUrl } = yield* TestServer
      const destroyed = yield* fake.webhooks.subscribe({
        name: "people.v2.events.person.destroyed",
        url: `${baseUrl}/webhooks/pco/church-deletes`
      })
      const created = yield* addPatConnector(fake, "church-deletes", "Church (deletes)", {
        "people.v2.events.person.destroyed": Redacted.value(destroyed.secret)
      })
      assert.strictEqual(created.status, 201)
      const entities = bodyAs(
        yield* call("POST", "/api/v1/connectors/church-deletes/discover"),
        Schema.Array(EntityView)
      )
      for (const entity of entities) {
        yield* call("PATCH", `/api/v1/connectors/church-deletes/entities/${entity.entity}`, {
          body: { enabled: false }
        })
      }
      // Each entity synced on its own (parents first), as the scheduler does.
      const started = new Map<string, string>()
      for (const entity of ["campus", "person"]) {
        const sync = yield* call("POST", `/api/v1/connectors/church-deletes/entities/${entity}/sync`)
        assert.strictEqual(sync.status, 202)
        started.set(entity, bodyAs(sync, EntitySyncTriggered).executionId)
        yield* eventually(
          Effect.map(runsOf("church-deletes", entity), (runs) =>
            runs.length === 1 && runs[0]!.status === "succeeded" ? Option.some(runs) : Option.none()
          )
        )
      }
      const truthIds = () => [...fake.truth.ids("Person")].sort()
      assert.strictEqual(truthIds().length, 20)
      assert.deepStrictEqual(yield* livePeople, truthIds())

      // The person is destroyed upstream; the fake delivers the signed `destroyed` event.
      const [gone = "", ...kept] = truthIds()
      assert.isTrue(yield* fake.mutate.destroy("Person", gone))
      const attempts = yield* fake.webhooks.deliver
      assert.strictEqual(attempts.length, 1)
      assert.strictEqual(attempts[0]?.status, 202)
      // Soft-deleted by the time the delivery was answered: no sync, no waiting.
      assert.deepStrictEqual(yield* livePeople, truthIds())
      assert.deepStrictEqual(truthIds(), kept)
      const row = yield* personRow(gone)
      assert.isTrue(row?.deleted)
      assert.isNotNull(row?.deletedAt)
      assert.strictEqual((yield* runsOf("church-deletes", "person")).length, 1)

      // A redelivery (Planning Center delivers at least once) changes nothing.
      const attempt = attempts[0]!
      const again = yield* Effect.promise(() =>
        fetch(attempt.url, { method: "POST", headers: attempt.headers, body: attempt.body }).then(async (response) => ({
          status: response.status,
          body: await response.json()
        }))
      )
      assert.strictEqual(again.status, 202)
      assert.deepInclude(again.body, { deleted: [{ entity: "person", recordIds: [gone], deleted: 0 }] })
      assert.deepStrictEqual((yield* personRow(gone))?.deletedAt, row?.deletedAt)

      // A reconciliation finds nothing more to delete: the webhook deleted the very row the sync wrote.
      // (Asked again until the first sync's workflow has closed: a trigger joins a sync still running.)
      yield* eventually(
        Effect.map(call("POST", "/api/v1/connectors/church-deletes/entities/person/full-refresh"), (reply) => {
          const { executionId } = bodyAs(reply, EntitySyncTriggered)
          return executionId === started.get("person") ? Option.none() : Option.some(executionId)
        })
      )
      const runs = yield* eventually(
        Effect.map(runsOf("church-deletes", "person"), (runs) =>
          runs.length === 2 && runs.every((run) => run.status === "succeeded") ? Option.some(runs) : Option.none()
        )
      )
      assert.deepInclude(runs[0]?.counts, { deleted: 0, inserted: 0, fetched: kept.length })
      assert.deepStrictEqual(yield* livePeople, truthIds())
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
      // The same consent page as JSON, for a page that holds the admin token (the dashboard's button).
      const asJson = yield* call("GET", "/api/v1/oauth/pco/church-oauth/authorize-url")
      assert.strictEqual(asJson.status, 200)
      const jsonUrl = new URL(String((asJson.body as { readonly authorizeUrl: string }).authorizeUrl))
      assert.strictEqual(`${jsonUrl.origin}${jsonUrl.pathname}`, `${fake.baseUrl}/oauth/authorize`)
      assert.isNotEmpty(jsonUrl.searchParams.get("state"))
      const notOAuth = yield* call("GET", "/api/v1/oauth/pco/nope/authorize-url")
      assert.strictEqual(notOAuth.status, 404)
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
