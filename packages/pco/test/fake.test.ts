/**
 * The fake Planning Center itself, over raw HTTP: the behaviours of the spec's list that a client
 * depends on (pagination, filters, ordering, rate limits, versions, errors, mutations).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { TestClock } from "effect/testing"
import { FakePco } from "../src/testing/index.ts"
import { RawErrors, raw, rawList } from "./harness.ts"

const attributesOf = (resource: FakePco.FakeResource | undefined) =>
  typeof resource === "object" && resource !== null && "attributes" in resource ? resource.attributes : undefined

describe("FakePco data", () => {
  it.effect("is deterministic: the same seed gives the same records, another seed others", () =>
    Effect.gen(function* () {
      const a = yield* FakePco.make({ seed: 7, people: 30 })
      const b = yield* FakePco.make({ seed: 7, people: 30 })
      const c = yield* FakePco.make({ seed: 8, people: 30 })
      for (const type of ["Person", "Email", "Household", "FieldDatum"] as const) {
        assert.deepStrictEqual(a.truth.ids(type), b.truth.ids(type))
        assert.deepStrictEqual(Array.from(a.truth.all(type), attributesOf), Array.from(b.truth.all(type), attributesOf))
      }
      assert.notDeepEqual(
        Array.from(a.truth.all("Person"), attributesOf),
        Array.from(c.truth.all("Person"), attributesOf)
      )
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("serves 100,000 people generated on demand, with numeric (not lexical) id order", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 100_000 })
      assert.strictEqual(fake.truth.count("Person"), 100_000)
      const first = yield* rawList(fake, "/people/v2/people?per_page=100")
      const ids = first.body.data.map((p) => Number(p.id))
      assert.deepStrictEqual(
        ids,
        [...ids].sort((x, y) => x - y)
      )
      assert.isTrue(ids.some((id) => id < 100_000_000) && ids.some((id) => id >= 100_000_000))
      assert.notDeepEqual(ids.map(String), ids.map(String).sort())
      const last = yield* rawList(fake, "/people/v2/people?per_page=100&offset=99990")
      assert.strictEqual(last.body.data.length, 10)
      assert.isUndefined(last.body.links.next)
      assert.strictEqual(last.body.meta.total_count, 100_000)
      // Past offset 30,000 the budget is 75 requests per 20 seconds.
      assert.strictEqual(last.headers["x-pco-api-request-rate-limit"], "75")
      assert.strictEqual(first.headers["x-pco-api-request-rate-limit"], "100")
      const lastId = fake.truth.ids("Person").at(-1) ?? ""
      assert.strictEqual(last.body.data.at(-1)?.id, lastId)
      assert.deepStrictEqual<unknown>(last.body.data.at(-1)?.attributes, attributesOf(fake.truth.get("Person", lastId)))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})

describe("FakePco pagination", () => {
  it.effect("per_page defaults to 25, is capped at 100; the last page has no next; prev once past 0", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 130 })
      const first = yield* rawList(fake, "/people/v2/people")
      assert.strictEqual(first.body.data.length, 25)
      assert.isUndefined(first.body.links.prev)
      const capped = yield* rawList(fake, "/people/v2/people?per_page=500")
      assert.strictEqual(capped.body.data.length, 100)
      assert.strictEqual(new URL(capped.body.links.next ?? "").searchParams.get("per_page"), "100")
      assert.deepStrictEqual(capped.body.meta.next, { offset: 100 })
      const last = yield* rawList(fake, "/people/v2/people?per_page=100&offset=100")
      assert.strictEqual(last.body.data.length, 30)
      assert.isUndefined(last.body.links.next)
      assert.isUndefined(last.body.meta.next)
      assert.deepStrictEqual(last.body.meta.prev, { offset: 0 })
      const past = yield* rawList(fake, "/people/v2/people?offset=5000")
      assert.strictEqual(past.status, 200)
      assert.deepStrictEqual(past.body.data, [])
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("per_page=0 answers no records but a next link to the same offset (the trap)", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const trap = yield* rawList(fake, "/people/v2/people?per_page=0")
      assert.deepStrictEqual(trap.body.data, [])
      assert.strictEqual(new URL(trap.body.links.next ?? "").searchParams.get("offset"), "0")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("offsets are recomputed per request: a deletion between two pages skips a record", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 30 })
      const ids = fake.truth.ids("Person")
      const page1 = yield* rawList(fake, "/people/v2/people?per_page=10")
      assert.deepStrictEqual(
        page1.body.data.map((p) => p.id),
        ids.slice(0, 10)
      )
      yield* fake.mutate.destroy("Person", ids[0] ?? "")
      const page2 = yield* rawList(fake, "/people/v2/people?per_page=10&offset=10")
      // ids[10] moved to offset 9, on the page already read.
      assert.deepStrictEqual(
        page2.body.data.map((p) => p.id),
        ids.slice(11, 21)
      )
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})

describe("FakePco filters and order", () => {
  it.effect("where[updated_at][gte] with order=updated_at: ascending, ties broken by id", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 200 })
      const since = "2025-06-01T00:00:00Z"
      const page = yield* rawList(
        fake,
        `/people/v2/people?per_page=100&order=updated_at&where[updated_at][gte]=${since}`
      )
      const expected = fake.truth.changedSince("Person", since)
      assert.strictEqual(page.body.meta.total_count, expected.length)
      const keys = page.body.data.map((p) => [String(p.attributes.updated_at), Number(p.id)] as const)
      for (let i = 1; i < keys.length; i++) {
        const [at, id] = keys[i] ?? ["", 0]
        const [prevAt, prevId] = keys[i - 1] ?? ["", 0]
        assert.isTrue(prevAt < at || (prevAt === at && prevId < id), `${prevAt}/${prevId} before ${at}/${id}`)
      }
      assert.isTrue(keys.every(([at]) => at >= since))
      const descending = yield* rawList(fake, "/people/v2/people?per_page=5&order=-updated_at")
      assert.strictEqual(descending.body.data[0]?.attributes.updated_at, fake.truth.latestUpdate("Person"))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("bulk-imported people share an updated_at and come in id order", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 200 })
      const page = yield* rawList(fake, "/people/v2/people?per_page=100&order=updated_at")
      const byTime = new Map<string, Array<number>>()
      for (const person of page.body.data) {
        const at = String(person.attributes.updated_at)
        byTime.set(at, [...(byTime.get(at) ?? []), Number(person.id)])
      }
      const tied = [...byTime.values()].filter((ids) => ids.length > 1)
      assert.isAbove(tied.length, 0)
      for (const ids of tied)
        assert.deepStrictEqual(
          ids,
          [...ids].sort((x, y) => x - y)
        )
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("unknown keys and unsupported filters are ignored; an unconvertible value gives an empty result", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 40 })
      const all = yield* rawList(fake, "/people/v2/people?where[shoe_size]=9&order=shoe_size")
      assert.strictEqual(all.body.meta.total_count, 40)
      const addresses = yield* rawList(fake, "/people/v2/addresses?where[updated_at][gte]=2100-01-01T00:00:00Z")
      assert.strictEqual(addresses.body.meta.total_count, fake.truth.count("Address"))
      const nonsense = yield* rawList(fake, "/people/v2/people?where[updated_at][gte]=yesterday")
      assert.strictEqual(nonsense.status, 200)
      assert.strictEqual(nonsense.body.meta.total_count, 0)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("a date-only filter covers the whole day in the organization's time zone", () =>
    Effect.gen(function* () {
      // The fake's now is 2026-01-15T12:00:00Z, 06:00 in Chicago.
      const fake = yield* FakePco.make({ people: 10, timeZone: "America/Chicago" })
      const [a, b] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", a ?? "")
      yield* TestClock.adjust("13 hours") // 2026-01-16T01:00:00Z: still the 15th in Chicago
      yield* fake.mutate.update("Person", b ?? "")
      const onThe15th = yield* rawList(fake, "/people/v2/people?where[updated_at]=2026-01-15")
      assert.deepStrictEqual(onThe15th.body.data.map((p) => p.id).sort(), [a, b].sort())
      const onThe16th = yield* rawList(fake, "/people/v2/people?where[updated_at]=2026-01-16")
      assert.deepStrictEqual(onThe16th.body.data, [])
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("include side-loads each related record once (nested paths too); fields[Type] trims attributes", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 30 })
      const page = yield* rawList(
        fake,
        "/people/v2/people?per_page=30&include=emails,households.people&fields[Person]=first_name"
      )
      for (const person of page.body.data) assert.deepStrictEqual(Object.keys(person.attributes), ["first_name"])
      const keys = page.body.included.map((r) => `${r.type}:${r.id}`)
      assert.strictEqual(new Set(keys).size, keys.length)
      const primary = new Set(page.body.data.map((p) => `Person:${p.id}`))
      assert.isTrue(keys.every((key) => !primary.has(key)))
      assert.strictEqual(keys.filter((k) => k.startsWith("Email:")).length, fake.truth.count("Email"))
      assert.isAbove(keys.filter((k) => k.startsWith("Household:")).length, 0)
      const household = page.body.included.find((r) => r.type === "Household")
      assert.isArray(household?.relationships.people?.data)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})

describe("FakePco errors, versions and changes", () => {
  it.effect("404s for unknown ids and the top-level household_memberships path", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      for (const path of ["/people/v2/people/1", "/people/v2/household_memberships", "/people/v2/nope"]) {
        const response = yield* raw(fake, path)
        assert.strictEqual(response.status, 404, path)
        const body = Schema.decodeUnknownSync(RawErrors)(response.json)
        assert.strictEqual(body.errors[0]?.detail, "The resource you requested could not be found")
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("an API version before 2018-08-01 is refused; a later date is processed as the newest before it", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const old = yield* raw(fake, "/people/v2", { headers: { "X-PCO-API-Version": "2017-01-01" } })
      assert.strictEqual(old.status, 400)
      assert.strictEqual(Schema.decodeUnknownSync(RawErrors)(old.json).errors[0]?.code, "unsupported_version_error")
      const dated = yield* raw(fake, "/people/v2", { headers: { "X-PCO-API-Version": "2025-12-01" } })
      assert.strictEqual(dated.status, 200)
      assert.strictEqual(dated.headers["x-pco-api-processed-as-version"], "2025-03-20")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("deleted records vanish without a tombstone; a merge leaves a person_mergers row", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const [keep, remove, gone] = fake.truth.ids("Person")
      assert.isTrue(yield* fake.mutate.destroy("Person", gone ?? ""))
      assert.strictEqual((yield* raw(fake, `/people/v2/people/${gone}`)).status, 404)
      const people = yield* rawList(fake, "/people/v2/people")
      assert.isFalse(people.body.data.some((p) => p.id === gone))
      assert.strictEqual(people.body.meta.total_count, 9)
      yield* fake.mutate.mergePeople(keep ?? "", remove ?? "")
      const mergers = yield* rawList(fake, "/people/v2/person_mergers")
      assert.strictEqual(mergers.body.data.length, 1)
      assert.strictEqual(mergers.body.data[0]?.attributes.person_to_remove_id, Number(remove))
      assert.strictEqual((yield* raw(fake, `/people/v2/people/${remove}`)).status, 404)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("writes: create, update and delete through the API, with a 422 for a missing name", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const created = yield* raw(fake, "/people/v2/people", {
        method: "POST",
        body: { data: { type: "Person", attributes: { first_name: "Grace", last_name: "Hopper" } } }
      })
      assert.strictEqual(created.status, 201)
      const id = String(created.json.data.id)
      assert.strictEqual(fake.truth.count("Person"), 11)
      const patched = yield* raw(fake, `/people/v2/people/${id}`, {
        method: "PATCH",
        body: { data: { type: "Person", id, attributes: { nickname: "Amazing" } } }
      })
      assert.strictEqual(patched.json.data.attributes.name, "Amazing Hopper")
      const invalid = yield* raw(fake, "/people/v2/people", {
        method: "POST",
        body: { data: { type: "Person", attributes: { first_name: "Nobody" } } }
      })
      assert.strictEqual(invalid.status, 422)
      assert.strictEqual((yield* raw(fake, `/people/v2/people/${id}`, { method: "DELETE" })).status, 204)
      assert.strictEqual(fake.truth.count("Person"), 10)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})

describe("FakePco rate limit", () => {
  it.effect("request 101 in 20 seconds is a 429 with Retry-After; rejected requests count; the window rolls", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      for (let n = 1; n <= 100; n++) {
        const ok = yield* raw(fake, "/people/v2")
        assert.strictEqual(ok.headers["x-pco-api-request-rate-count"], String(n))
      }
      const refused = yield* raw(fake, "/people/v2")
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(refused.headers["retry-after"], "20")
      assert.strictEqual(refused.headers["x-pco-api-request-rate-limit"], "100")
      assert.strictEqual(refused.headers["x-pco-api-request-rate-period"], "20 seconds")
      assert.strictEqual(
        Schema.decodeUnknownSync(RawErrors)(refused.json).errors[0]?.detail,
        "Rate limit exceeded: 101 of 100 requests per 20 seconds"
      )
      const again = yield* raw(fake, "/people/v2")
      assert.strictEqual(again.headers["x-pco-api-request-rate-count"], "102")
      yield* TestClock.adjust("20 seconds")
      const later = yield* raw(fake, "/people/v2")
      assert.strictEqual(later.status, 200)
      assert.strictEqual(later.headers["x-pco-api-request-rate-count"], "1")
      assert.strictEqual(yield* fake.rateLimit.rejected, 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("the limit can drop without notice (10 per 20 seconds), and other integrations share it", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      yield* fake.rateLimit.setLimit(10)
      for (let n = 1; n <= 10; n++) assert.strictEqual((yield* raw(fake, "/people/v2")).status, 200)
      const refused = yield* raw(fake, "/people/v2")
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(refused.headers["x-pco-api-request-rate-limit"], "10")
      yield* TestClock.adjust("20 seconds")
      yield* fake.rateLimit.setLimit(undefined)
      yield* fake.rateLimit.consume(100)
      assert.strictEqual((yield* raw(fake, "/people/v2")).status, 429)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})
