/**
 * Decoding Planning Center's documents: dates as date-times, enums as literals, unknown attributes
 * tolerated, and anything else an `InvalidResponse` naming the endpoint and the failing field path.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { AdapterClient, bufferBody, classifyResponse, type InvalidResponse } from "@syncflow/adapter-core"
import { TestServer } from "@syncflow/adapter-core/testing"
import { DateTime, Effect, Option, Schema, type Scope, Stream } from "effect"
import { HttpClient } from "effect/http"
import { CalendarDate, indexIncluded, ListPeople, PcoApi, Timestamp } from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, pcoClientOf } from "./harness.ts"

const person = (id: string, overrides: Record<string, unknown> = {}) => ({
  type: "Person",
  id,
  attributes: {
    first_name: "Ada",
    last_name: "Lovelace",
    given_name: null,
    middle_name: null,
    nickname: null,
    name: "Ada Lovelace",
    birthdate: "1815-12-10",
    anniversary: null,
    gender: "Female",
    grade: null,
    child: false,
    status: "active",
    inactivated_at: null,
    membership: "Member",
    remote_id: null,
    medical_notes: null,
    site_administrator: false,
    people_permissions: null,
    created_at: "2020-01-01T10:00:00Z",
    updated_at: "2025-06-01T10:00:00Z",
    ...overrides
  },
  relationships: { primary_campus: { data: null } },
  links: { self: `https://api.planningcenteronline.com/people/v2/people/${id}` }
})

/** Lists people from a server answering `body`, and returns the first page or the failure. */
const listFrom = (body: unknown) =>
  Effect.gen(function* () {
    const server = yield* TestServer.make(() => Effect.succeed({ body }))
    const httpClient = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
    const client = yield* AdapterClient.make(PcoApi, { baseUrl: server.baseUrl, httpClient })
    return yield* Stream.runHead(client.streamPages(ListPeople, { include: ["emails"] }))
  }).pipe(Effect.provide(NodeHttpClient.layerUndici))

/** The InvalidResponse a listing of `body` fails with (any other outcome fails the test). */
const failure = (body: unknown): Effect.Effect<InvalidResponse, never, Scope.Scope> =>
  listFrom(body).pipe(
    Effect.matchEffect({
      onSuccess: (page) => Effect.die(`expected an InvalidResponse, got ${JSON.stringify(page)}`),
      onFailure: (error) => (error._tag === "InvalidResponse" ? Effect.succeed(error) : Effect.die(error))
    })
  )

describe("resource schemas", () => {
  it.effect("decode timestamps and dates as DateTime.Utc; unknown attributes and relationships are tolerated", () =>
    Effect.gen(function* () {
      const page = yield* listFrom({
        data: [person("1", { shoe_size: 9, login_identifier: "ada" })],
        included: [{ type: "Workflow", id: "3", attributes: { name: "Onboarding" } }],
        links: {},
        meta: { total_count: 1, count: 1 }
      })
      const decoded = Option.getOrThrow(page).items[0]
      assert.isTrue(DateTime.isDateTime(decoded?.attributes.updated_at))
      assert.strictEqual(
        DateTime.formatIso(decoded?.attributes.birthdate ?? DateTime.makeUnsafe(0)),
        "1815-12-10T00:00:00.000Z"
      )
      assert.notProperty(decoded?.attributes ?? {}, "shoe_size")
      assert.deepStrictEqual(Option.getOrThrow(page).body.included, [
        { type: "Workflow", id: "3", attributes: { name: "Onboarding" } }
      ])
    })
  )

  it.effect("a bad date-time is an InvalidResponse naming the field path", () =>
    Effect.gen(function* () {
      const error = yield* failure({ data: [person("1"), person("2", { updated_at: "yesterday" })] })
      assert.strictEqual(error._tag, "InvalidResponse")
      assert.strictEqual(error.endpoint, "people.list")
      assert.strictEqual(error.path, "data[1].attributes.updated_at")
      assert.include(error.message, "yesterday")
      // Date.parse would accept "1" as the year 2001: the schema does not.
      const lenient = yield* failure({ data: [person("1", { created_at: "1" })] })
      assert.strictEqual(lenient.path, "data[0].attributes.created_at")
    })
  )

  it.effect("an impossible calendar date, an unknown enum value or a wrong type is an InvalidResponse", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        (yield* failure({ data: [person("1", { birthdate: "1990-02-30" })] })).path,
        "data[0].attributes.birthdate"
      )
      assert.strictEqual((yield* failure({ data: [person("1", { gender: "X" })] })).path, "data[0].attributes.gender")
      assert.strictEqual((yield* failure({ data: [person("1", { grade: 13 })] })).path, "data[0].attributes.grade")
      assert.strictEqual((yield* failure({ data: [person("1", { child: "no" })] })).path, "data[0].attributes.child")
    })
  )

  it.effect("an included record of a known type is decoded with its schema; a bad one names its path", () =>
    Effect.gen(function* () {
      const email = (createdAt: string) => ({
        type: "Email",
        id: "9",
        attributes: {
          address: "ada@example.org",
          location: "Home",
          primary: true,
          blocked: false,
          created_at: createdAt,
          updated_at: "2025-01-01T00:00:00Z"
        },
        relationships: { person: { data: { type: "Person", id: "1" } } }
      })
      const page = Option.getOrThrow(
        yield* listFrom({ data: [person("1")], included: [email("2024-01-01T00:00:00Z")] })
      )
      const included = indexIncluded(page.body).get("Email", "9")
      assert.isTrue(DateTime.isDateTime(included?.attributes.created_at))
      const error = yield* failure({ data: [person("1")], included: [email("01/02/2024")] })
      assert.strictEqual(error.path, "included[0].attributes.created_at")
    })
  )

  it.effect("a bad value in the fake's data fails the page with the path of the record on it", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 20 })
      const ids = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", ids[4] ?? "", { birthdate: "1990-02-30" })
      const pco = yield* pcoClientOf(fake)
      const error = yield* Effect.flip(Stream.runDrain(pco.streamPages(ListPeople, {})))
      assert.strictEqual(error._tag, "InvalidResponse")
      if (error._tag === "InvalidResponse") assert.strictEqual(error.path, "data[4].attributes.birthdate")
    }).pipe(Effect.provide(ClientServices))
  )

  it("Timestamp encodes in Planning Center's format; CalendarDate round-trips", () => {
    const decode = Schema.decodeUnknownSync(Timestamp)
    const encode = Schema.encodeSync(Timestamp)
    assert.strictEqual(encode(decode("2026-01-02T03:04:05-07:00")), "2026-01-02T10:04:05Z")
    assert.strictEqual(encode(decode("2026-01-02T03:04:05.250Z")), "2026-01-02T03:04:05Z")
    assert.throws(() => decode("2026-13-01T00:00:00Z"))
    assert.throws(() => decode("2026-01-01"))
    assert.strictEqual(
      Schema.encodeSync(CalendarDate)(Schema.decodeUnknownSync(CalendarDate)("2024-02-29")),
      "2024-02-29"
    )
    assert.throws(() => Schema.decodeUnknownSync(CalendarDate)("2023-02-29"))
  })
})
