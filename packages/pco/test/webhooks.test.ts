/**
 * Webhooks end to end: subscriptions made through the client, changes in the fake delivered signed
 * to a receiver that verifies and decodes them with `PcoWebhooks`; refusals are typed errors, and
 * the fake retries, duplicates, reorders and deactivates as Planning Center does.
 */
import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import {
  CreateWebhookSubscription,
  PcoWebhooks,
  type WebhookError,
  type WebhookEvent,
  type WebhookSecrets
} from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, pcoClientOf } from "./harness.ts"

/** A webhook receiver on 127.0.0.1: verifies each delivery, answers 200 or the error's status. */
const makeReceiver = Effect.fnUntraced(function* (initialSecrets: WebhookSecrets) {
  const webhooks = yield* PcoWebhooks
  const state = {
    secrets: initialSecrets,
    /** A status to answer even to valid deliveries (e.g. 410). */
    override: undefined as number | undefined,
    accepted: [] as Array<WebhookEvent>,
    refused: [] as Array<WebhookError>
  }
  const server = yield* TestServer.make((request) =>
    webhooks.verify({ body: request.body, headers: request.headers }, state.secrets).pipe(
      Effect.map((events): TestServer.TestResponse => {
        state.accepted.push(...events)
        return { status: state.override ?? 200 }
      }),
      Effect.catch((error) => {
        state.refused.push(error)
        return Effect.succeed<TestServer.TestResponse>({
          status: error._tag === "WebhookPayloadInvalid" ? 400 : 401,
          body: { error: error._tag }
        })
      })
    )
  )
  return { url: `${server.baseUrl}/hooks/pco`, state }
})

const Services = Layer.merge(ClientServices, PcoWebhooks.layer)

const sign = Effect.fnUntraced(function* (secret: string, body: string) {
  const webhooks = yield* PcoWebhooks
  return yield* Effect.orDie(webhooks.sign(Redacted.make(secret), body))
})

describe("webhooks", () => {
  it.effect("accepted: subscribed changes arrive signed and decode into typed events", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 20 })
      const pco = yield* pcoClientOf(fake)
      const secrets = new Map<string, Redacted.Redacted<string>>()
      const receiver = yield* makeReceiver(secrets)
      for (const name of [
        "people.v2.events.person.updated",
        "people.v2.events.email.created",
        "people.v2.events.person.destroyed"
      ]) {
        const subscription = yield* pco.call(CreateWebhookSubscription, {
          payload: { data: { type: "WebhookSubscription", attributes: { name, url: receiver.url } } }
        })
        assert.strictEqual(subscription.data.attributes.active, true)
        secrets.set(name, subscription.data.attributes.authenticity_secret)
      }
      const [p1, p2, p3] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", p1 ?? "", { first_name: "Grace" })
      const email = yield* fake.mutate.create("Email", { address: "new@example.org" }, { person: p2 ?? "" })
      yield* fake.mutate.destroy("Person", p3 ?? "")
      yield* fake.mutate.update("Household", fake.truth.ids("Household")[0] ?? "") // nobody subscribed

      const attempts = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        attempts.map((a) => [a.name, a.status]),
        [
          ["people.v2.events.person.updated", 200],
          ["people.v2.events.email.created", 200],
          ["people.v2.events.person.destroyed", 200]
        ]
      )
      assert.deepStrictEqual(receiver.state.refused, [])
      const [updated, created, destroyed] = receiver.state.accepted
      assert.strictEqual(updated?._tag, "ResourceChanged")
      if (updated?._tag === "ResourceChanged" && updated.resource === "person") {
        assert.strictEqual(updated.action, "updated")
        assert.strictEqual(updated.data.id, p1)
        assert.strictEqual(updated.data.attributes.first_name, "Grace")
        assert.isTrue(DateTime.isDateTime(updated.data.attributes.updated_at))
        assert.isTrue(updated.eventTime !== undefined && DateTime.isDateTime(updated.eventTime))
        assert.isString(updated.idempotencyToken)
        assert.strictEqual(updated.organizationId, fake.organizationId)
        assert.strictEqual(updated.attempt, 1)
      } else assert.fail("expected a person update")
      if (created?._tag === "ResourceChanged" && created.resource === "email") {
        assert.strictEqual(created.data.id, email.id)
        assert.strictEqual(created.data.relationships.person?.data?.id, p2)
      } else assert.fail("expected an email creation")
      assert.deepStrictEqual(
        destroyed?._tag === "ResourceDestroyed" ? [destroyed.resource, destroyed.data] : undefined,
        ["person", { type: "Person", id: p3 }]
      )
      // The signature is the hex HMAC-SHA256 of the exact body with the subscription's secret.
      const first = attempts[0]
      const secret = Redacted.value(secrets.get("people.v2.events.person.updated") ?? Redacted.make(""))
      assert.strictEqual(first?.headers["x-pco-webhooks-authenticity"], yield* sign(secret, first?.body ?? ""))
    }).pipe(Effect.provide(Services))
  )

  it.effect("refused: a bad signature is WebhookSignatureInvalid, and the delivery is retried 30 s, 60 s later", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const receiver = yield* makeReceiver(Redacted.make("not-the-secret"))
      const subscription = yield* fake.webhooks.subscribe({
        name: "people.v2.events.person.updated",
        url: receiver.url
      })
      yield* fake.mutate.update("Person", fake.truth.ids("Person")[0] ?? "")

      const first = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        first.map((a) => [a.attempt, a.status, a.delivered]),
        [[1, 401, false]]
      )
      assert.strictEqual(receiver.state.refused[0]?._tag, "WebhookSignatureInvalid")
      yield* TestClock.adjust("29 seconds")
      assert.deepStrictEqual(yield* fake.webhooks.deliver, [])
      yield* TestClock.adjust("1 second")
      const second = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        second.map((a) => [a.attempt, a.headers["x-pco-webhooks-attempt"], a.status]),
        [[2, "2", 401]]
      )

      receiver.state.secrets = subscription.secret
      yield* TestClock.adjust("59 seconds")
      assert.deepStrictEqual(yield* fake.webhooks.deliver, [])
      yield* TestClock.adjust("1 second")
      const third = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        third.map((a) => [a.attempt, a.status]),
        [[3, 200]]
      )
      assert.strictEqual(receiver.state.accepted[0]?.attempt, 3)
      assert.strictEqual(yield* fake.webhooks.pending, 0)
    }).pipe(Effect.provide(Services))
  )

  it.effect("refused: malformed or unsigned deliveries are typed errors naming what is wrong", () =>
    Effect.gen(function* () {
      const webhooks = yield* PcoWebhooks
      const secret = "s3cret"
      const name = "people.v2.events.person.created"
      const delivery = (payload: string) =>
        JSON.stringify({
          data: [{ id: "evt-1", type: "EventDelivery", attributes: { name, attempt: 1, payload } }]
        })
      const payload = (createdAt: string) =>
        JSON.stringify({
          data: {
            type: "Person",
            id: "7",
            attributes: {
              first_name: "Ada",
              last_name: "Lovelace",
              given_name: null,
              middle_name: null,
              nickname: null,
              name: "Ada Lovelace",
              birthdate: null,
              anniversary: null,
              gender: null,
              grade: null,
              child: false,
              status: "active",
              inactivated_at: null,
              membership: null,
              remote_id: null,
              medical_notes: null,
              site_administrator: false,
              people_permissions: null,
              created_at: createdAt,
              updated_at: "2026-01-01T00:00:00Z"
            },
            relationships: {}
          },
          included: [],
          meta: { event_time: "2026-01-01T00:00:00Z", idempotency_token: "abc" }
        })
      const send = (body: string, headers: Record<string, string>) =>
        Effect.flip(webhooks.verify({ body, headers }, new Map([[name, Redacted.make(secret)]])))
      const signed = (body: string) =>
        Effect.flatMap(sign(secret, body), (signature) =>
          send(body, { "X-PCO-Webhooks-Authenticity": signature, "X-PCO-Webhooks-Name": name })
        )

      const badDate = yield* signed(delivery(payload("yesterday")))
      assert.strictEqual(badDate._tag, "WebhookPayloadInvalid")
      if (badDate._tag === "WebhookPayloadInvalid") {
        assert.strictEqual(badDate.path, "data[0].attributes.payload.data.attributes.created_at")
      }
      const notJson = yield* signed("{not json")
      assert.strictEqual(notJson._tag, "WebhookPayloadInvalid")
      const payloadNotJson = yield* signed(delivery("{"))
      assert.deepStrictEqual(
        payloadNotJson._tag === "WebhookPayloadInvalid" ? payloadNotJson.path : undefined,
        "data[0].attributes.payload"
      )
      const wrongShape = yield* signed(JSON.stringify({ data: [{ id: "1" }] }))
      assert.strictEqual(wrongShape._tag, "WebhookPayloadInvalid")

      const unsigned = yield* send(delivery(payload("2026-01-01T00:00:00Z")), { "X-PCO-Webhooks-Name": name })
      assert.strictEqual(unsigned._tag, "WebhookSignatureInvalid")
      const notHex = yield* send(delivery(payload("2026-01-01T00:00:00Z")), {
        "X-PCO-Webhooks-Authenticity": "zz-not-hex",
        "X-PCO-Webhooks-Name": name
      })
      assert.strictEqual(notHex._tag, "WebhookSignatureInvalid")
      const good = delivery(payload("2026-01-01T00:00:00Z"))
      const tampered = yield* send(good.replace("Ada", "Eve"), {
        "X-PCO-Webhooks-Authenticity": yield* sign(secret, good),
        "X-PCO-Webhooks-Name": name
      })
      assert.strictEqual(tampered._tag, "WebhookSignatureInvalid")
      const unknown = yield* send(good, {
        "X-PCO-Webhooks-Authenticity": yield* sign(secret, good),
        "X-PCO-Webhooks-Name": "people.v2.events.note.created"
      })
      assert.strictEqual(unknown._tag, "WebhookSecretUnknown")

      const events = yield* webhooks.verify(
        { body: good, headers: { "x-pco-webhooks-authenticity": yield* sign(secret, good) } },
        Redacted.make(secret)
      )
      assert.strictEqual(events[0]?._tag === "ResourceChanged" ? events[0].idempotencyToken : undefined, "abc")
    }).pipe(Effect.provide(Services))
  )

  it.effect("a 410 answer deactivates the subscription and drops its pending deliveries", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const receiver = yield* makeReceiver(Redacted.make(""))
      const subscription = yield* fake.webhooks.subscribe({
        name: "people.v2.events.person.updated",
        url: receiver.url
      })
      receiver.state.secrets = subscription.secret
      receiver.state.override = 410
      const [a, b] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", a ?? "")
      yield* fake.mutate.update("Person", b ?? "")
      const attempts = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        attempts.map((x) => x.status),
        [410]
      )
      assert.strictEqual((yield* fake.webhooks.subscription(subscription.id))?.active, false)
      assert.strictEqual(yield* fake.webhooks.pending, 0)
    }).pipe(Effect.provide(Services))
  )

  it.effect("at least once: duplicated, reordered deliveries deduplicate on the idempotency token", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, webhooks: { duplicateRate: 1, reorder: true } })
      const receiver = yield* makeReceiver(Redacted.make(""))
      const subscription = yield* fake.webhooks.subscribe({
        name: "people.v2.events.person.updated",
        url: receiver.url
      })
      receiver.state.secrets = subscription.secret
      const updated = fake.truth.ids("Person").slice(0, 3)
      for (const id of updated) yield* fake.mutate.update("Person", id)
      const attempts = yield* fake.webhooks.deliver
      assert.strictEqual(attempts.length, 6)
      const ids = receiver.state.accepted.map((e) => e.data.id)
      assert.notDeepEqual(
        ids,
        [...updated, ...updated].sort((x, y) => updated.indexOf(x) - updated.indexOf(y))
      )
      const unique = new Map(receiver.state.accepted.map((e) => [e.idempotencyToken, e.data.id]))
      assert.strictEqual(unique.size, 3)
      assert.deepStrictEqual([...unique.values()].sort(), [...updated].sort())
    }).pipe(Effect.provide(Services))
  )
})
