/**
 * The Adapter contract against the fake: every entity listed in full, incremental listing from
 * `since`, resumption from saved cursors (household memberships too), and typed failures.
 */
import { assert, describe, it } from "@effect/vitest"
import { type Adapter, Cursor, type SourceRecord } from "@syncflow/adapter-core"
import { Effect, Layer, Stream } from "effect"
import { manifests, PcoAdapter, PcoAuth, PcoClient, type PcoEntityName } from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, clientOf, driveClock } from "./harness.ts"

const fakeTypes: Readonly<Record<PcoEntityName, FakePco.FakeType>> = {
  campus: "Campus",
  person: "Person",
  email: "Email",
  phone_number: "PhoneNumber",
  address: "Address",
  household: "Household",
  household_membership: "HouseholdMembership",
  list: "List",
  field_definition: "FieldDefinition",
  field_datum: "FieldDatum",
  person_merger: "PersonMerger"
}

const adapterOf = (fake: FakePco.FakePco) =>
  Effect.gen(function* () {
    return yield* PcoAdapter
  }).pipe(Effect.provide(PcoAdapter.layer.pipe(Layer.provide(clientOf(fake)))))

const records = (adapter: Adapter, entity: string, options: Parameters<Adapter["streamPages"]>[1] = {}) =>
  Stream.runCollect(Stream.flatMap(adapter.streamPages(entity, options), (page) => Stream.fromArray(page.items)))

const idsOf = (items: ReadonlyArray<SourceRecord>) => items.map((record) => String(record.id))

/** The ids the API lists for a type: field definitions deleted are not listed. */
const listedIds = (fake: FakePco.FakePco, type: FakePco.FakeType) =>
  Array.from(fake.truth.all(type)).flatMap((resource) =>
    resource.attributes.deleted_at === undefined || resource.attributes.deleted_at === null ? [resource.id] : []
  )

describe("PcoAdapter", () => {
  it.effect(
    "gives every page of a listing the collection's total (meta.total_count), none for nested memberships",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 60, seed: 5 })
        const adapter = yield* adapterOf(fake)
        const pages = (entity: string) =>
          Effect.map(Stream.runCollect(adapter.streamPages(entity, { pageSize: 25 })), (all) => Array.from(all))
        const { result } = yield* driveClock(
          Effect.all([pages("person"), pages("household_membership")], { concurrency: 1 })
        )
        const [people, memberships] = result
        assert.isAbove(people.length, 1)
        for (const page of people) assert.strictEqual(page.total, listedIds(fake, "Person").length)
        assert.isTrue(memberships.every((page) => page.total === undefined))
      }).pipe(Effect.provide(ClientServices))
  )

  it.effect("lists every entity of the manifest in full, flattened with its relationships", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 120, seed: 3 })
      const [keep, remove] = fake.truth.ids("Person")
      yield* fake.mutate.mergePeople(keep ?? "", remove ?? "")
      const adapter = yield* adapterOf(fake)
      assert.deepStrictEqual(
        (yield* adapter.manifests).map((m) => m.entity),
        manifests.map((m) => m.entity)
      )
      const { result } = yield* driveClock(
        Effect.forEach(manifests, (manifest) =>
          Effect.map(records(adapter, manifest.entity, { pageSize: 25 }), (items) => [manifest.entity, items] as const)
        )
      )
      for (const [entity, items] of result) {
        const expected = listedIds(fake, fakeTypes[entity])
        assert.isAbove(expected.length, 0, entity)
        assert.deepStrictEqual([...idsOf(items)].sort(), [...expected].sort(), entity)
      }
      const people = new Map(result.find(([entity]) => entity === "person")?.[1].map((r) => [String(r.id), r]))
      const someone = fake.truth.ids("Person")[5] ?? ""
      const truth = fake.truth.get("Person", someone)
      const record = people.get(someone)
      assert.isDefined(record)
      for (const key of ["first_name", "last_name", "birthdate", "gender", "status", "created_at", "updated_at"]) {
        assert.strictEqual(record?.[key], truth?.attributes[key], key)
      }
      assert.strictEqual(
        record?.primary_campus_id,
        (truth?.relationships.primary_campus?.data as { id?: string } | null)?.id ?? null
      )
      // An attribute the client's schema does not name is not carried into the record.
      assert.property(truth?.attributes ?? {}, "passed_background_check")
      assert.notProperty(record ?? {}, "passed_background_check")
      const emails = result.find(([entity]) => entity === "email")?.[1] ?? []
      assert.isTrue(emails.every((email) => people.has(String(email.person_id))))
      const memberships = result.find(([entity]) => entity === "household_membership")?.[1] ?? []
      assert.isTrue(memberships.every((m) => typeof m.household_id === "string" && people.has(String(m.person_id))))
      const fieldData = result.find(([entity]) => entity === "field_datum")?.[1] ?? []
      assert.isTrue(
        fieldData.every((d) => typeof d.field_definition_id === "string" && people.has(String(d.customizable_id)))
      )
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("lists incrementally: only records changed since the cursor, ordered by updated_at", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 150, seed: 4 })
      const adapter = yield* adapterOf(fake)
      const since = fake.truth.latestUpdate("Person") ?? ""
      const before = yield* records(adapter, "person", { since })
      assert.deepStrictEqual(idsOf(before), fake.truth.changedSince("Person", since))

      const [a, b] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", a ?? "", { membership: "Member" })
      const created = yield* fake.mutate.create("Person", { first_name: "Katherine", last_name: "Johnson" })
      yield* fake.mutate.update("Person", b ?? "")
      const after = yield* records(adapter, "person", { since })
      const ids = idsOf(after)
      assert.deepStrictEqual([...ids].sort(), [...fake.truth.changedSince("Person", since)].sort())
      for (const id of [a, b, created.id]) {
        assert.include(ids, id)
      }
      const times = after.map((r) => String(r.updated_at))
      assert.deepStrictEqual(times, [...times].sort())
      const requests = (yield* fake.requests).filter((r) => r.url.pathname === "/people/v2/people")
      const last = requests.at(-1)?.url.searchParams
      assert.strictEqual(last?.get("where[updated_at][gte]"), since)
      assert.strictEqual(last?.get("order"), "updated_at")
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("lists addresses (orderable, not filterable, by updated_at) newest first until the cursor", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 150, seed: 5 })
      const adapter = yield* adapterOf(fake)
      const since = fake.truth.latestUpdate("Address") ?? ""
      const [address] = fake.truth.ids("Address")
      yield* fake.mutate.update("Address", address ?? "", { city: "Springfield" })
      const before = (yield* fake.requests).length
      const changed = yield* records(adapter, "address", { since, pageSize: 5 })
      assert.deepStrictEqual([...idsOf(changed)].sort(), [...fake.truth.changedSince("Address", since)].sort())
      assert.include(idsOf(changed), address)
      const sent = (yield* fake.requests).slice(before)
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(sent[0]?.url.searchParams.get("order"), "-updated_at")
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("resumes a listing from a saved cursor, after the last committed page", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 60 })
      const adapter = yield* adapterOf(fake)
      const firstTwo = yield* Stream.runCollect(Stream.take(adapter.streamPages("person", { pageSize: 10 }), 2))
      const saved = Cursor.toJson(firstTwo[1]?.next ?? Cursor.start)
      const from = yield* Cursor.fromJson(saved)
      const rest = yield* records(adapter, "person", { pageSize: 10, from })
      const seen = [...firstTwo.flatMap((page) => idsOf(page.items)), ...idsOf(rest)]
      assert.strictEqual(seen.length, 60)
      assert.deepStrictEqual([...seen].sort(), [...fake.truth.ids("Person")].sort())
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("lists household memberships household by household, resumable inside a household", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 30, seed: 9 })
      const adapter = yield* adapterOf(fake)
      const pages = yield* Stream.runCollect(adapter.streamPages("household_membership", { pageSize: 1 }))
      const all = pages.flatMap((page) => idsOf(page.items))
      assert.deepStrictEqual([...all].sort(), [...fake.truth.ids("HouseholdMembership")].sort())
      assert.isUndefined(pages.at(-1)?.next)
      assert.deepStrictEqual(
        pages.map((page) => page.index),
        pages.map((_, i) => i)
      )
      for (const k of [0, 3, pages.length - 2]) {
        const from = yield* Cursor.fromJson(Cursor.toJson(pages[k]?.next ?? Cursor.start))
        const rest = yield* records(adapter, "household_membership", { pageSize: 1, from })
        assert.deepStrictEqual(idsOf(rest), all.slice(k + 1), `resumed after page ${k}`)
      }
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("fails with typed errors: an unknown entity, a since that is not a date, bad credentials", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const adapter = yield* adapterOf(fake)
      const unknown = yield* Effect.flip(records(adapter, "sermon"))
      assert.strictEqual(unknown._tag, "InvalidRequest")
      const before = (yield* fake.requests).length
      const badSince = yield* Effect.flip(records(adapter, "person", { since: "last tuesday" }))
      assert.strictEqual(badSince._tag, "InvalidRequest")
      assert.strictEqual((yield* fake.requests).length, before)
      yield* adapter.testConnection
      const wrongToken = PcoAuth.personalAccessToken(fake.personalAccessToken.username, "not-the-secret")
      const refused = yield* Effect.flip(
        Effect.gen(function* () {
          return yield* (yield* PcoClient).testConnection
        }).pipe(Effect.provide(clientOf(fake, { connectionId: "other", credentials: wrongToken })))
      )
      assert.strictEqual(refused._tag, "Unauthorized")
      assert.notInclude(JSON.stringify(refused), "not-the-secret")
    }).pipe(Effect.provide(ClientServices))
  )
})
