/**
 * The typed client against the fake: include resolution, single records, writes, the API version
 * header, and the page-size cap.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Stream } from "effect"
import {
  CreateAddress,
  CreateEmail,
  CreatePerson,
  DeleteEmail,
  GetEmail,
  GetPerson,
  indexIncluded,
  ListPeople,
  UpdatePerson
} from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, pcoClientOf } from "./harness.ts"

/** The ids of a person's records of a type, from the fake's ground truth. */
const ownedBy = (fake: FakePco.FakePco, type: FakePco.FakeType, personId: string) =>
  Array.from(fake.truth.all(type)).flatMap((record) => {
    const owner = record.relationships.person?.data
    return typeof owner === "object" && owner !== null && "id" in owner && owner.id === personId ? [record.id] : []
  })

describe("PcoClient", () => {
  it.effect("resolves included records by type and id: emails, households, campus, nested household people", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 40, seed: 11 })
      const pco = yield* pcoClientOf(fake)
      const pages = yield* Stream.runCollect(
        pco.streamPages(ListPeople, {
          include: ["emails", "households", "primary_campus", "households.people"],
          pageSize: 15
        })
      )
      assert.strictEqual(pages.length, 3)
      let resolvedEmails = 0
      for (const page of pages) {
        const included = indexIncluded(page.body)
        const onPage = new Map(page.items.map((p) => [p.id, p]))
        for (const person of page.items) {
          const emails = included.many(person.relationships.emails, "Email")
          const expected = ownedBy(fake, "Email", person.id)
          assert.deepStrictEqual(emails.map((e) => e.id).sort(), expected.sort(), `emails of ${person.id}`)
          for (const email of emails) assert.strictEqual(email.relationships.person?.data?.id, person.id)
          resolvedEmails += emails.length
          const campusId = person.relationships.primary_campus?.data?.id
          const campus = included.one(person.relationships.primary_campus, "Campus")
          assert.strictEqual(campus?.id, campusId)
          if (campus !== undefined) assert.isString(campus.attributes.name)
          for (const household of included.many(person.relationships.households, "Household")) {
            assert.isAbove(household.attributes.member_count, 0)
            const members = household.relationships.people?.data ?? []
            assert.isTrue(members.some((m) => m.id === person.id))
            // Every member is side-loaded, or is primary data of this page.
            for (const member of members) {
              assert.isTrue(onPage.has(member.id) || included.get("Person", member.id) !== undefined, member.id)
            }
          }
        }
      }
      assert.strictEqual(resolvedEmails, fake.truth.count("Email"))
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("gets single records, sends the pinned API version, and caps the page size at 100", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 120 })
      const pco = yield* pcoClientOf(fake)
      const id = fake.truth.ids("Person")[7] ?? ""
      const person = yield* pco.call(GetPerson, { params: { id } })
      assert.strictEqual(person.data.id, id)
      assert.strictEqual(person.data.type, "Person")
      const missing = yield* Effect.flip(pco.call(GetPerson, { params: { id: "1" } }))
      assert.strictEqual(missing._tag, "NotFound")
      yield* Stream.runDrain(pco.streamPages(ListPeople, { pageSize: 500 }))
      const requests = yield* fake.requests
      assert.isTrue(requests.every((r) => r.headers["x-pco-api-version"] === "2025-03-20"))
      const first = requests.find((r) => r.url.pathname === "/people/v2/people")
      assert.strictEqual(first?.url.searchParams.get("per_page"), "100")
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("creates, updates and deletes records; a refused write is RequestRejected", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const pco = yield* pcoClientOf(fake)
      const created = yield* pco.call(CreatePerson, {
        payload: { data: { type: "Person", attributes: { first_name: "Ada", last_name: "Lovelace", child: false } } }
      })
      assert.strictEqual(created.data.attributes.name, "Ada Lovelace")
      const id = created.data.id
      const updated = yield* pco.call(UpdatePerson, {
        params: { id },
        payload: { data: { type: "Person", id, attributes: { membership: "Member" } } }
      })
      assert.strictEqual(updated.data.attributes.membership, "Member")
      const email = yield* pco.call(CreateEmail, {
        params: { person_id: id },
        payload: { data: { type: "Email", attributes: { address: "ada@example.org", primary: true } } }
      })
      assert.strictEqual(email.data.relationships.person?.data?.id, id)
      assert.strictEqual(fake.truth.count("Email", { person: id }), 1)
      yield* pco.call(DeleteEmail, { params: { id: email.data.id } })
      const gone = yield* Effect.flip(pco.call(GetEmail, { params: { id: email.data.id } }))
      assert.strictEqual(gone._tag, "NotFound")
      const refused = yield* Effect.flip(
        pco.call(CreateAddress, {
          params: { person_id: id },
          payload: {
            data: { type: "Address", attributes: { street_line_1: "1 Main St", city: "", state: "IL", zip: "62701" } }
          }
        })
      )
      assert.strictEqual(refused._tag, "RequestRejected")
      if (refused._tag === "RequestRejected") assert.strictEqual(refused.status, 422)
      assert.notInclude(JSON.stringify(refused), Redacted.value(fake.personalAccessToken.password))
    }).pipe(Effect.provide(ClientServices))
  )
})
