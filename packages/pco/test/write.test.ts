/**
 * The write side (`RecordWriter`) against the fake: people created, updated and deleted; a person's
 * emails, phone numbers and addresses created under the person (a missing person is
 * `parentMissing`); the fake's 422s as `invalid` naming the attribute; values the schemas refuse
 * caught before any request; a record read from the API written back as it is; 429s retried.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Adapter, RecordWriter, SourceRecord } from "@syncflow/adapter-core"
import { Effect, Layer, Stream } from "effect"
import { PcoAdapter } from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, clientOf, driveClock } from "./harness.ts"

const adapterOf = (fake: FakePco.FakePco) =>
  Effect.gen(function* () {
    return yield* PcoAdapter
  }).pipe(Effect.provide(PcoAdapter.layer.pipe(Layer.provide(clientOf(fake)))))

const writerOf = (adapter: Adapter): RecordWriter => {
  if (adapter.write === undefined) throw new Error("the PCO adapter has a write side")
  return adapter.write
}

describe("PcoRecordWriter", () => {
  it.effect("creates, updates and deletes a person; a second delete and an update of it are notFound", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, seed: 11 })
      const write = writerOf(yield* adapterOf(fake))
      assert.deepStrictEqual(write.entities, ["person", "email", "phone_number", "address", "field_datum", "household"])
      const created = yield* write.create("person", {
        id: "ignored",
        first_name: "Ada",
        last_name: "Lovelace",
        birthdate: "1815-12-10",
        grade: null,
        created_at: "ignored too"
      })
      if (created._tag !== "created") return assert.fail(`expected created, got ${created._tag}`)
      assert.deepInclude(created.record ?? {}, { id: created.id, first_name: "Ada", birthdate: "1815-12-10" })
      assert.deepInclude(fake.truth.get("Person", created.id)?.attributes ?? {}, {
        first_name: "Ada",
        last_name: "Lovelace",
        birthdate: "1815-12-10",
        status: "active"
      })
      const updated = yield* write.update("person", created.id, { gender: "Female", status: "inactive" })
      assert.strictEqual(updated._tag, "updated")
      assert.deepInclude(fake.truth.get("Person", created.id)?.attributes ?? {}, {
        gender: "Female",
        status: "inactive",
        first_name: "Ada"
      })
      assert.deepStrictEqual(yield* write.delete("person", created.id), { _tag: "deleted", id: created.id })
      assert.isUndefined(fake.truth.get("Person", created.id))
      assert.deepStrictEqual(yield* write.delete("person", created.id), { _tag: "notFound" })
      assert.deepStrictEqual(yield* write.update("person", created.id, { first_name: "A" }), { _tag: "notFound" })
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect(
    "creates a person's email, phone number and address under person_id; a missing person is parentMissing",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 10, seed: 12 })
        const write = writerOf(yield* adapterOf(fake))
        const [personId = ""] = fake.truth.ids("Person")
        const before = fake.truth.count("Email", { person: personId })
        const email = yield* write.create("email", { person_id: personId, address: "ada@example.org", primary: true })
        if (email._tag !== "created") return assert.fail(`expected created, got ${email._tag}`)
        assert.strictEqual(fake.truth.count("Email", { person: personId }), before + 1)
        assert.deepInclude(email.record ?? {}, { address: "ada@example.org", person_id: personId })
        const phone = yield* write.create("phone_number", { person_id: personId, number: "+1 555 0100" })
        assert.strictEqual(phone._tag, "created")
        const address = yield* write.create("address", {
          person_id: personId,
          street_line_1: "1 Main St",
          city: "Springfield",
          state: "IL",
          zip: "62701"
        })
        assert.strictEqual(address._tag, "created")
        assert.deepStrictEqual(yield* write.create("email", { person_id: "999999999", address: "x@example.org" }), {
          _tag: "parentMissing",
          parentEntity: "person",
          parentKey: "999999999"
        })
        assert.deepInclude(yield* write.create("email", { address: "x@example.org" }), {
          _tag: "invalid",
          field: "person_id"
        })
        assert.strictEqual((yield* write.update("email", email.id, { location: "Work" }))._tag, "updated")
        assert.strictEqual(fake.truth.get("Email", email.id)?.attributes.location, "Work")
        assert.deepStrictEqual(yield* write.delete("email", email.id), { _tag: "deleted", id: email.id })
      }).pipe(Effect.provide(ClientServices))
  )

  it.effect("answers invalid naming the attribute: the fake's 422s, and values the schemas refuse before sending", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, seed: 13 })
      const write = writerOf(yield* adapterOf(fake))
      const [personId = ""] = fake.truth.ids("Person")
      // refused by Planning Center (the fake): 422 with source.pointer
      assert.deepStrictEqual(yield* write.create("person", { first_name: "", last_name: "Blank" }), {
        _tag: "invalid",
        field: "first_name",
        message: "first name can't be blank"
      })
      assert.deepStrictEqual(yield* write.create("email", { person_id: personId, address: "not-an-address" }), {
        _tag: "invalid",
        field: "address",
        message: "address is invalid"
      })
      // refused by the attribute schemas, no request made
      const requests = (yield* fake.requests).length
      assert.deepInclude(yield* write.create("person", { first_name: "A", last_name: "B", gender: "X" }), {
        _tag: "invalid",
        field: "gender"
      })
      assert.deepInclude(yield* write.create("person", { first_name: "A" }), { _tag: "invalid", field: "last_name" })
      assert.deepInclude(yield* write.update("person", personId, { grade: 14 }), { _tag: "invalid", field: "grade" })
      assert.strictEqual((yield* fake.requests).length, requests)
      assert.strictEqual(fake.truth.ids("Person").length, 10)
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("writes back a person as the adapter read it; households are updated and deleted but not created", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, seed: 14 })
      const adapter = yield* adapterOf(fake)
      const write = writerOf(adapter)
      const people = yield* Stream.runCollect(
        Stream.flatMap(adapter.streamPages("person"), (page) => Stream.fromArray(page.items))
      )
      const [first] = people
      if (first === undefined) return assert.fail("no person")
      const before = fake.truth.get("Person", String(first.id))?.attributes ?? {}
      const again = yield* write.update("person", String(first.id), first)
      assert.strictEqual(again._tag, "updated")
      const after = fake.truth.get("Person", String(first.id))?.attributes ?? {}
      const { updated_at: _before, ...unchangedBefore } = before
      const { updated_at: _after, ...unchangedAfter } = after
      assert.deepStrictEqual(unchangedAfter, unchangedBefore)
      const [householdId = ""] = fake.truth.ids("Household")
      assert.strictEqual((yield* write.update("household", householdId, { name: "The Lovelaces" }))._tag, "updated")
      assert.strictEqual(fake.truth.get("Household", householdId)?.attributes.name, "The Lovelaces")
      assert.deepInclude(yield* write.create("household", { name: "New" }), { _tag: "refused", status: 405 })
      assert.deepInclude(yield* write.create("campus", { name: "North" } satisfies SourceRecord), {
        _tag: "refused",
        status: 405
      })
      assert.deepStrictEqual(yield* write.delete("household", householdId), { _tag: "deleted", id: householdId })
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("a write over the rate limit waits exactly the Retry-After and is made once", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, seed: 15 })
      const write = writerOf(yield* adapterOf(fake))
      const [personId = ""] = fake.truth.ids("Person")
      yield* write.update("person", personId, { nickname: "warm-up" })
      yield* fake.rateLimit.consume(120)
      const { result, waits } = yield* driveClock(write.create("person", { first_name: "Rate", last_name: "Limited" }))
      assert.strictEqual(result._tag, "created")
      assert.deepStrictEqual(waits, [20_000])
      assert.strictEqual(yield* fake.rateLimit.rejected, 1)
      assert.strictEqual(fake.truth.ids("Person").length, 11)
    }).pipe(Effect.provide(ClientServices))
  )
})
