import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { ScheduleHubCredentials } from "../src/index.ts"
import { FakeScheduleHub, isUuidV7 } from "../src/testing/index.ts"
import { ClientStack, clientOf, item, keyHash, order, orderLine } from "./support/harness.ts"

const withFake = <A, E>(
  f: (fake: FakeScheduleHub.FakeScheduleHub) => Effect.Effect<A, E, Effect.Services<ReturnType<typeof clientOf>>>,
  options: FakeScheduleHub.FakeScheduleHubOptions = {}
) =>
  Effect.gen(function* () {
    const fake = yield* FakeScheduleHub.make(options)
    return yield* f(fake)
  }).pipe(Effect.scoped, Effect.provide(ClientStack))

describe("ScheduleHubClient against the fake", () => {
  it.live("reads health and the schema, entities with their parents by via", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        assert.deepStrictEqual(yield* client.health, { status: "ok" })
        const schema = yield* client.schema
        assert.deepStrictEqual(
          schema.entities.map((e) => e.name),
          ["items", "customers", "orders", "order_lines", "units"]
        )
        assert.deepStrictEqual(schema.entities.find((e) => e.name === "order_lines")?.parents, [
          { entity: "orders", via: "order_key_hash" }
        ])
      })
    )
  )

  it.live("refuses a token signed with another secret with 401: Unauthorized", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake, { credentials: ScheduleHubCredentials.serviceJwt({ secret: "wrong" }) })
        const failure = yield* Effect.flip(client.schema)
        assert.strictEqual(failure._tag, "Unauthorized")
        assert.isAtLeast((yield* fake.stats).byStatus["401"] ?? 0, 1)
      })
    )
  )

  it.live("creates with a UUID v7 uid, updates by uid, deletes, and a second delete is notFound", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        const created = yield* client.create("items", item(1))
        assert.strictEqual(created._tag, "created")
        if (created._tag !== "created") return
        assert.isTrue(isUuidV7(created.id), created.id)
        assert.strictEqual(created.record?.part_no, "PART-0000001")
        const updated = yield* client.update("items", created.id, { list_price: 99.5, erp_data_hash: "f".repeat(64) })
        assert.deepStrictEqual(updated._tag, "updated")
        const [stored] = yield* fake.records("items")
        assert.strictEqual(stored?.list_price, 99.5)
        assert.strictEqual(stored?.part_no, "PART-0000001")
        assert.deepStrictEqual(yield* client.delete("items", created.id), { _tag: "deleted", id: created.id })
        assert.deepStrictEqual(yield* client.delete("items", created.id), { _tag: "notFound" })
        assert.deepStrictEqual(yield* client.update("items", created.id, { list_price: 1 }), { _tag: "notFound" })
        assert.deepStrictEqual(yield* fake.records("items"), [])
      })
    )
  )

  it.live("answers a second live record with the same erp_key_hash with conflict naming the uid", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        const first = yield* client.create("items", item(7))
        const second = yield* client.create("items", item(7, { list_price: "1.00" }))
        assert.strictEqual(second._tag, "conflict")
        assert.strictEqual(second._tag === "conflict" && first._tag === "created" && second.id === first.id, true)
        // once deleted, the hash is free again
        if (first._tag === "created") yield* client.delete("items", first.id)
        assert.strictEqual((yield* client.create("items", item(7)))._tag, "created")
        assert.strictEqual((yield* fake.records("items")).length, 1)
      })
    )
  )

  it.live("parks a child whose parent is missing, and refuses deleting a parent with live children", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        assert.deepStrictEqual(yield* client.create("order_lines", orderLine(5, 1)), {
          _tag: "parentMissing",
          parentEntity: "orders",
          parentKey: keyHash(5, 2)
        })
        const parent = yield* client.create("orders", order(5))
        const child = yield* client.create("order_lines", orderLine(5, 1))
        assert.strictEqual(child._tag, "created")
        if (parent._tag !== "created" || child._tag !== "created") return
        const refused = yield* client.delete("orders", parent.id)
        assert.deepStrictEqual(refused, { _tag: "refused", status: 409, message: "has_children" })
        yield* client.delete("order_lines", child.id)
        assert.strictEqual((yield* client.delete("orders", parent.id))._tag, "deleted")
      })
    )
  )

  it.live("answers 422 invalid naming the field: unknown field, wrong type, missing required field", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        const unknown = yield* client.create("items", item(1, { legacy_flag: "X" }))
        assert.deepInclude(unknown, { _tag: "invalid", field: "legacy_flag" })
        const wrongType = yield* client.create("items", item(2, { list_price: "N/A" }))
        assert.deepInclude(wrongType, { _tag: "invalid", field: "list_price" })
        const { part_no: _partNo, ...withoutPartNo } = item(3)
        const missing = yield* client.create("items", withoutPartNo)
        assert.deepInclude(missing, { _tag: "invalid", field: "part_no" })
        const badDate = yield* client.create("orders", order(1, { order_date: "08.12.2025" }))
        assert.deepInclude(badDate, { _tag: "invalid", field: "order_date" })
        assert.deepStrictEqual(yield* fake.records("items"), [])
        assert.strictEqual((yield* fake.stats).byStatus["422"], 4)
      })
    )
  )

  it.live("runs a batch of 1,000 operations in one request, each on its own, in order (not atomic)", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        const existing = yield* client.create("items", item(0))
        const operations = Array.from({ length: 1000 }, (_, n) =>
          n === 500
            ? { op: "create" as const, record: item(n, { list_price: "not a number" }) }
            : { op: "create" as const, record: item(n) }
        )
        const results = yield* client.batch("items", operations)
        assert.strictEqual(results.length, 1000)
        assert.strictEqual(results[0]?._tag, "conflict")
        assert.deepStrictEqual(results[0], { _tag: "conflict", id: existing._tag === "created" ? existing.id : "" })
        assert.deepInclude(results[500], { _tag: "invalid", field: "list_price" })
        assert.strictEqual(results.filter((r) => r._tag === "created").length, 998)
        const live = yield* fake.records("items")
        assert.strictEqual(live.length, 999)
        // updates and deletes in one batch, with an unknown uid among them
        const first = results[1]
        const second = results[2]
        if (first?._tag !== "created" || second?._tag !== "created") return assert.fail("expected creates")
        const mixed = yield* client.batch("items", [
          { op: "update", id: first.id, record: { list_price: "3.00" } },
          { op: "delete", id: second.id },
          { op: "delete", id: second.id }
        ])
        assert.deepStrictEqual(mixed, [
          { _tag: "updated", id: first.id },
          { _tag: "deleted", id: second.id },
          { _tag: "notFound" }
        ])
        const stats = yield* fake.stats
        assert.deepStrictEqual([stats.batches, stats.largestBatch, stats.byStatus["207"]], [2, 1000, 2])
      })
    )
  )

  it.live("refuses a batch of more than 1,000 operations (the client before sending, the fake with 422)", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        const operations = Array.from({ length: 1001 }, (_, n) => ({ op: "create" as const, record: item(n) }))
        const failure = yield* Effect.flip(client.batch("items", operations))
        assert.strictEqual(failure._tag, "InvalidRequest")
        const token = yield* fake.mintToken()
        const response = yield* Effect.promise(() =>
          fetch(`${fake.baseUrl}/api/v1/items/batch`, {
            method: "POST",
            headers: { authorization: `Bearer ${Redacted.value(token)}` },
            body: JSON.stringify({ operations: operations.map((o) => ({ op: o.op, record: o.record })) })
          })
        )
        assert.strictEqual(response.status, 422)
        assert.deepInclude(yield* Effect.promise(() => response.json()), { error: "invalid", field: "operations" })
        assert.deepStrictEqual(yield* fake.records("items"), [])
      })
    )
  )

  it.live("looks records up by erp_key_hash, 1,000 hashes a request, deleted ones absent", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        for (let n = 0; n < 3; n++) {
          yield* client.batch(
            "items",
            Array.from({ length: 1000 }, (_, k) => ({ op: "create" as const, record: item(n * 1000 + k) }))
          )
        }
        const wanted = Array.from({ length: 2600 }, (_, n) => keyHash(n * 2, 1))
        const found = yield* client.lookup("items", wanted)
        assert.strictEqual(found.length, 1500)
        const lookups = (yield* fake.requests).filter(
          (r) => r.method === "GET" && r.url.searchParams.has("erp_key_hash")
        )
        assert.strictEqual(lookups.length, 3)
        const gone = found[0]
        if (gone === undefined) return assert.fail("expected a record")
        yield* client.delete("items", gone.uid)
        assert.deepStrictEqual(yield* client.lookup("items", [gone.erp_key_hash]), [])
      })
    )
  )

  it.live("refuses a PATCH that breaks a field's type or blanks a required field, and an unknown entity", () =>
    withFake((fake) =>
      Effect.gen(function* () {
        const client = yield* clientOf(fake)
        const created = yield* client.create("items", item(1))
        if (created._tag !== "created") return assert.fail("expected created")
        assert.deepInclude(yield* client.update("items", created.id, { is_active: "yes" }), {
          _tag: "invalid",
          field: "is_active"
        })
        assert.deepInclude(yield* client.update("items", created.id, { part_no: null }), {
          _tag: "invalid",
          field: "part_no"
        })
        assert.deepInclude(yield* client.update("items", created.id, { uid: "another" }), {
          _tag: "invalid",
          field: "uid"
        })
        assert.deepStrictEqual((yield* fake.records("items"))[0], created.record)
        assert.deepInclude(yield* client.create("invoices", item(2)), { _tag: "refused", status: 404 })
      })
    )
  )
})
