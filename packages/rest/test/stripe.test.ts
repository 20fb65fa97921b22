/**
 * A Stripe-style API described as a document: customers in `data[]`, paged by the last record's id
 * (`starting_after`) while `has_more`, listed incrementally with `created[gte]` in Unix seconds,
 * nested objects flattened. An answer of a shape the document did not declare is adapter-core's
 * `InvalidResponse` naming the field.
 */
import { assert, describe, it } from "@effect/vitest"
import { Basic } from "@syncflow/adapter-core"
import { Effect, Redacted, Stream } from "effect"
import { FakeStripe } from "../src/testing/index.ts"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const document = (baseUrl: string) => `
baseUrl: ${baseUrl}
auth: { type: basic }
streams:
  - name: customers
    path: /v1/customers
    records: data
    primaryKey: id
    incremental: { cursorField: created, param: "created[gte]", format: unix-seconds }
    pageSize: { max: 10 }
    pagination:
      style: cursor
      tokenParam: starting_after
      token: { lastRecord: id }
      hasMore: has_more
    exclude: [object]
    flatten: { separator: "_" }
`

const secretKey = (key: string) => new Basic({ username: key, password: Redacted.make("-") })

const flat = (customer: FakeStripe.FakeCustomer) => {
  const { object: _, address, metadata, ...rest } = customer
  return {
    ...rest,
    address_city: address.city,
    address_country: address.country,
    ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`metadata_${k}`, v]))
  }
}

describe("Stripe-style source", () => {
  it.live("every customer, paged by starting_after while has_more, flattened, equals the fake's", () =>
    Effect.gen(function* () {
      const stripe = yield* FakeStripe.make({ customers: 25, secretKey: "sk_test_1" })
      const { adapter } = yield* sourceOf(document(stripe.baseUrl), secretKey("sk_test_1"))
      const pages = yield* Stream.runCollect(adapter.streamPages("customers"))
      assert.deepStrictEqual(
        pages.map((page) => page.items.length),
        [10, 10, 5]
      )
      assert.deepStrictEqual(
        pages.flatMap((page) => page.items),
        stripe.customers.map(flat)
      )
      const after = (yield* stripe.requests).map((request) => request.url.searchParams.get("starting_after"))
      assert.deepStrictEqual(after, [null, stripe.customers[9]?.id, stripe.customers[19]?.id])
      // Resumed from the cursor saved after the first page.
      const saved = pages[0]?.next
      if (saved === undefined) return assert.fail("the first page has a next cursor")
      const resumed = yield* allRecords(adapter, "customers", { from: saved })
      assert.deepStrictEqual(resumed, stripe.customers.slice(10).map(flat))
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("an incremental listing sends created[gte] in Unix seconds", () =>
    Effect.gen(function* () {
      const stripe = yield* FakeStripe.make({ customers: 12 })
      const { adapter } = yield* sourceOf(document(stripe.baseUrl), secretKey("sk"))
      const fresh = stripe.addCustomer(1_800_000_000)
      const records = yield* allRecords(adapter, "customers", { since: "2027-01-15T08:00:00Z" })
      assert.deepStrictEqual(records, [flat(fresh)])
      const [request] = yield* stripe.requests
      assert.strictEqual(
        request?.url.searchParams.get("created[gte]"),
        String(Date.parse("2027-01-15T08:00:00Z") / 1000)
      )
      // A cursor value that is no time at all is refused before any request.
      const refused = yield* Effect.flip(allRecords(adapter, "customers", { since: "yesterday" }))
      assert.strictEqual(refused._tag, "InvalidRequest")
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("an answer of an undeclared shape is InvalidResponse naming the field", () =>
    Effect.gen(function* () {
      const stripe = yield* FakeStripe.make({ customers: 5 })
      const { adapter } = yield* sourceOf(document(stripe.baseUrl), secretKey("sk"))
      stripe.breakShape(true)
      const error = yield* Effect.flip(allRecords(adapter, "customers"))
      assert.strictEqual(error._tag, "InvalidResponse")
      if (error._tag === "InvalidResponse") {
        assert.strictEqual(error.endpoint, "streams.customers")
        assert.strictEqual(error.path, "data")
        assert.strictEqual(error.reason, "schema")
      }
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
