/**
 * A field mapping's `lookup` into another synced table, on the fake ERP: orders get their customer's
 * name and credit limit from the synced customers table (by customer id), in windows of 100 orders
 * read 50 at a time, so each window reads its own customers:
 * - every order's looked-up fields equal its customer's in the fake's ground truth;
 * - after customers change and some are deleted (and the customers are synced again), the next run
 *   gives the new names, and the orders whose customer is gone get the fallback;
 * - without a fallback (the mapping's next version), those orders are failed records (stage
 *   transform) naming the lookup, its table and the key, and the other orders are written;
 * - the run records the Transform stage's records and time;
 * - a lookup into a table that is not synced, or a column it does not have, is refused when the
 *   mapping is set, naming the entry's field.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { resolveDefinition } from "../../src/definitions/resolveDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import type { FieldMappingEntry } from "../../src/mappings/FieldMapping.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { adaptersOf, cents, centsText, erpConnector, queryTexts } from "../etl/etlFixtures.ts"
import { apiSmithStages, engineLayer } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

const customers = { connectorId: "erp-lk", entity: "customers" } as const

const entries = (nameFallback: boolean): ReadonlyArray<FieldMappingEntry> => [
  { source: "order_no", target: "order_no" },
  { source: "customer_id", target: "customer_id" },
  {
    source: "customer_id",
    target: "customer_name",
    transform: {
      kind: "lookup",
      from: customers,
      key: "customer_id",
      field: "name",
      ...(nameFallback ? { fallback: "(unknown customer)" } : {})
    }
  },
  {
    source: "customer_id",
    target: "credit_limit",
    transform: { kind: "lookup", from: customers, key: "customer_id", field: "credit_limit", fallback: null },
    type: "decimal"
  }
]

layer(testLayer, { timeout: 180_000 })("a field mapping's lookup into another synced table", (it) => {
  it.effect("orders get their customer's name and credit limit from the synced customers, as the truth says", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest, manifests } = yield* erpConnector("erp-lk", {
        seed: 28,
        rows: { items: 5, customers: 30, orders: 300 }
      })
      const adapters = adaptersOf({ "erp-lk": adapter })
      const engine = yield* SyncEngine
      const syncCustomers = engine.syncEntity({
        connectorId: "erp-lk",
        adapter,
        manifest: manifest("customers"),
        mode: "reconcile",
        stages: apiSmithStages
      })
      yield* syncCustomers
      yield* createDefinition({
        id: "orders-named",
        name: "Orders with their customer",
        source: { connectorId: "erp-lk", entity: "orders" },
        destination: { kind: "postgres", table: "orders_named" }
      }).pipe(Effect.provide(adapters))
      yield* setFieldMapping("orders-named", { entries: entries(true) }).pipe(Effect.provide(adapters))

      // Windows of 100 orders, pages of 50: each window reads its customers in its own query.
      const runOrders = Effect.gen(function* () {
        const definition = Option.getOrThrow(yield* (yield* SyncDefinitions).get("orders-named"))
        const resolved = yield* resolveDefinition(definition, { manifests, stages: () => apiSmithStages }).pipe(
          Effect.provide(adapters)
        )
        return yield* engine.syncEntity({
          connectorId: "erp-lk",
          adapter,
          manifest: manifest("orders"),
          manifests,
          mode: "reconcile",
          stages: resolved.stages(apiSmithStages),
          windowRows: 100,
          pageSize: 50,
          sink: resolved.sink
        })
      })

      /** The truth's orders with their customer's name and credit limit (`null`: the customer is gone). */
      const truthOrders = () => {
        const byId = new Map(
          Array.from(fake.groundTruth.rows("customers"), (row) => [row.values.customer_id, row.values])
        )
        return Array.from(fake.groundTruth.rows("orders"), ({ values }) => {
          const customer = byId.get(values.customer_id)
          return {
            orderNo: String(values.order_no),
            customerId: String(values.customer_id),
            name: customer === undefined ? null : String(customer.name),
            credit:
              customer === undefined || customer.credit_limit === null ? null : centsText(cents(customer.credit_limit))
          }
        })
      }
      const storedOrders = queryTexts(
        `SELECT order_no, customer_id, customer_name, trim_scale(credit_limit)::text AS credit
         FROM "erp_lk".orders_named WHERE NOT _deleted`
      )
      const row = (o: ReadonlyArray<string | null | undefined>) => JSON.stringify(o)

      const first = yield* runOrders
      const truth = truthOrders()
      assert.strictEqual(truth.length, 300)
      assert.isTrue(truth.every((o) => o.name !== null))
      assert.deepInclude(first.counts, { fetched: 300, inserted: 300, failed: 0 })
      assert.sameMembers(
        (yield* storedOrders).map((r) => row([r.order_no, r.customer_id, r.customer_name, r.credit])),
        truth.map((o) => row([o.orderNo, o.customerId, o.name, o.credit]))
      )
      // The run records what the Transform stage did.
      const firstRun = Option.getOrThrow(yield* (yield* RunStore).getRun(first.runId))
      assert.strictEqual(firstRun.transformed, 300)
      assert.isNumber(firstRun.transformMs)

      // Customers change and some are deleted; synced again, the next orders run follows them.
      yield* fake.mutate("customers", { update: 15, delete: 6 })
      yield* syncCustomers
      const second = yield* runOrders
      const changed = truthOrders()
      const orphans = changed.filter((o) => o.name === null)
      assert.isAbove(orphans.length, 0)
      assert.strictEqual(second.counts.failed, 0)
      assert.sameMembers(
        (yield* storedOrders).map((r) => row([r.order_no, r.customer_id, r.customer_name, r.credit])),
        changed.map((o) => row([o.orderNo, o.customerId, o.name ?? "(unknown customer)", o.credit]))
      )

      // Without a fallback, an order whose customer is gone is a failed record naming the lookup.
      const v2 = yield* setFieldMapping("orders-named", { entries: entries(false) }).pipe(Effect.provide(adapters))
      assert.strictEqual(v2.version.version, 2)
      const third = yield* runOrders
      assert.deepInclude(third.counts, { fetched: 300, failed: orphans.length })
      const thirdRun = Option.getOrThrow(yield* (yield* RunStore).getRun(third.runId))
      assert.strictEqual(thirdRun.transformed, 300 - orphans.length)
      assert.strictEqual(thirdRun.mappingVersion, 2)
      const failed = (yield* (yield* FailedRecordStore).listFailedRecords({
        connectorId: "erp-lk",
        entity: "orders",
        definitionId: "orders-named"
      })).filter((record) => record.runId === third.runId)
      assert.sameMembers(
        failed.map((record) => JSON.stringify([record.stage, record.errorType, record.businessKey !== null])),
        orphans.map(() => JSON.stringify(["transform", "TransformFailed", true]))
      )
      assert.sameMembers(
        failed.map((record) => {
          const found = /lookup: no row of erp-lk:customers with customer_id = "([^"]+)"/.exec(record.message)
          return found?.[1] ?? record.message
        }),
        orphans.map((o) => o.customerId)
      )
      assert.sameMembers(
        failed.map((record) => String((record.rawData as { readonly order_no?: unknown }).order_no).trim()),
        orphans.map((o) => o.orderNo)
      )
      // The orders whose customer is found are in the table with its name.
      const orphanNos = new Set(orphans.map((o) => o.orderNo))
      assert.sameMembers(
        (yield* storedOrders)
          .filter((r) => !orphanNos.has(String(r.order_no)))
          .map((r) => row([r.order_no, r.customer_name])),
        changed.filter((o) => o.name !== null).map((o) => row([o.orderNo, o.name]))
      )
    }).pipe(Effect.scoped)
  )

  it.effect("a lookup into a table not synced, or a column it lacks, is refused naming the entry's field", () =>
    Effect.gen(function* () {
      const { adapter, manifest } = yield* erpConnector("erp-lk2", { seed: 29, rows: { customers: 5, orders: 5 } })
      const adapters = adaptersOf({ "erp-lk2": adapter })
      yield* (yield* SyncEngine).syncEntity({
        connectorId: "erp-lk2",
        adapter,
        manifest: manifest("customers"),
        stages: apiSmithStages
      })
      yield* createDefinition({
        id: "orders-checked",
        name: "Orders checked",
        source: { connectorId: "erp-lk2", entity: "orders" },
        destination: { kind: "postgres", table: "orders_checked" }
      }).pipe(Effect.provide(adapters))
      const refused = (transform: FieldMappingEntry["transform"]) =>
        Effect.flip(
          setFieldMapping("orders-checked", {
            entries: [
              { source: "order_no", target: "order_no" },
              { source: "customer_id", target: "customer", ...(transform === undefined ? {} : { transform }) }
            ]
          }).pipe(Effect.provide(adapters))
        )
      const notSynced = yield* refused({
        kind: "lookup",
        from: { connectorId: "erp-lk2", entity: "items" },
        key: "part_no",
        field: "description"
      })
      assert.strictEqual(notSynced._tag === "InvalidDefinition" && notSynced.field, "entries[1].transform.from")
      assert.include(notSynced.message, "erp-lk2:items has no synced table yet")
      const noColumn = yield* refused({
        kind: "lookup",
        from: { connectorId: "erp-lk2", entity: "customers" },
        key: "customer_id",
        field: "colour"
      })
      assert.strictEqual(noColumn._tag === "InvalidDefinition" && noColumn.field, "entries[1].transform.field")
      assert.include(noColumn.message, `no column "colour"`)
      const noKey = yield* refused({
        kind: "lookup",
        from: { connectorId: "erp-lk2", entity: "customers" },
        key: "customer_no",
        field: "name"
      })
      assert.strictEqual(noKey._tag === "InvalidDefinition" && noKey.field, "entries[1].transform.key")
      assert.deepStrictEqual(yield* (yield* FieldMappings).history("orders-checked"), [])
    }).pipe(Effect.scoped)
  )
})
