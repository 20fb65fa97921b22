/**
 * ETL steps on real synced data from fake ERPs, each table compared with the expected rows computed
 * here from the fakes' ground truth:
 * - split: customers' notes into child rows (one per line, with the parent key), replaced when a
 *   customer changes and removed when it is deleted;
 * - deduplicate: order lines to one row per order (the line with the greatest line number wins),
 *   in windows of 100 rows, so the winners meet across windows;
 * - merge: the customers of two ERPs into one row per customer, by field precedence;
 * - map with an expression that fails on some rows: those rows are failed records naming the
 *   expression, the others are written;
 * - a pipeline that cannot work is refused when saved, naming the step and its field.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { resolveDefinition } from "../../src/definitions/resolveDefinition.ts"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import type { EtlPipeline } from "../../src/etl/EtlStep.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { apiSmithStages } from "../pipeline/fixtures.ts"
import { adaptersOf, erpConnector, etlLayer, queryTexts } from "./etlFixtures.ts"

layer(etlLayer, { timeout: 180_000 })("ETL steps on synced ERP data", (it) => {
  it.effect("split: each line of a customer's notes is a child row; changed and deleted customers' rows follow", () =>
    Effect.gen(function* () {
      const { fake, adapter } = yield* erpConnector("erp-split", { seed: 41, rows: { customers: 120 } })
      const adapters = adaptersOf({ "erp-split": adapter })
      const definition = yield* createDefinition({
        id: "note-lines",
        name: "note lines",
        source: { connectorId: "erp-split", entity: "customers" },
        destination: { kind: "postgres", table: "customers_without_notes" },
        mapping: { customer_id: "customer_id", name: "name", notes: "notes" },
        pipeline: [
          {
            type: "split",
            field: "notes",
            separator: "\n",
            into: { table: "customer_note_lines" },
            parentKey: ["customer_id"],
            as: "line",
            drop: true
          }
        ]
      }).pipe(Effect.provide(adapters))

      const expectTruth = Effect.gen(function* () {
        const customers = Array.from(fake.groundTruth.rows("customers"), (row) => row.values)
        const expected = customers.flatMap((c) =>
          typeof c.notes === "string"
            ? c.notes
                .split("\n")
                .map((line) => line.trim())
                .filter((line) => line !== "")
                .map((line, position) => JSON.stringify([c.customer_id, String(position), line]))
            : []
        )
        const stored = yield* queryTexts(
          `SELECT customer_id, _position::text AS position, line FROM "erp_split".customer_note_lines`
        )
        assert.isAbove(expected.length, customers.length / 2)
        assert.sameMembers(
          stored.map((r) => JSON.stringify([r.customer_id, r.position, r.line])),
          expected
        )
        const parents = yield* queryTexts(
          `SELECT customer_id, name FROM "erp_split".customers_without_notes WHERE NOT _deleted`
        )
        assert.sameMembers(
          parents.map((r) => JSON.stringify([r.customer_id, r.name])),
          customers.map((c) => JSON.stringify([c.customer_id, c.name]))
        )
      })

      yield* runDefinition(definition).pipe(Effect.provide(adapters))
      yield* expectTruth
      const columns = yield* queryTexts(
        `SELECT column_name AS name FROM information_schema.columns
         WHERE table_schema = 'erp_split' AND table_name = 'customers_without_notes' AND column_name NOT LIKE '\\_%'`
      )
      assert.sameMembers(
        columns.map((c) => c.name),
        ["customer_id", "name"]
      )

      yield* fake.mutate("customers", { update: 30, delete: 10, insert: 5 })
      yield* runDefinition(definition).pipe(Effect.provide(adapters))
      yield* expectTruth
    }).pipe(Effect.scoped)
  )

  it.effect("deduplicate: one row per order, the line with the greatest line number, across windows", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* erpConnector("erp-dedupe", {
        seed: 42,
        rows: { customers: 10, orders: 120 }
      })
      const adapters = adaptersOf({ "erp-dedupe": adapter })
      const definition = yield* createDefinition({
        id: "last-lines",
        name: "last line per order",
        source: { connectorId: "erp-dedupe", entity: "order_lines" },
        destination: { kind: "postgres", table: "last_lines" },
        pipeline: [{ type: "deduplicate", key: ["order_no"], keep: { latest: "line_no" } }]
      }).pipe(Effect.provide(adapters))
      const resolved = yield* resolveDefinition(definition, { manifests, stages: () => apiSmithStages }).pipe(
        Effect.provide(adapters)
      )
      const sync = (yield* SyncEngine).syncEntity({
        connectorId: "erp-dedupe",
        adapter,
        manifest: manifest("order_lines"),
        manifests,
        mode: "reconcile",
        stages: resolved.stages(apiSmithStages),
        windowRows: 100,
        pageSize: 50,
        sink: resolved.sink
      })

      const expectTruth = Effect.gen(function* () {
        const best = new Map<string, { line: number; part: unknown }>()
        for (const { values } of fake.groundTruth.rows("order_lines")) {
          const key = String(values.order_no)
          const line = Number(values.line_no)
          const held = best.get(key)
          if (held === undefined || line > held.line) best.set(key, { line, part: values.part_no })
        }
        const stored = yield* queryTexts(
          `SELECT order_no, line_no::text AS line, part_no FROM "erp_dedupe".last_lines WHERE NOT _deleted`
        )
        assert.sameMembers(
          stored.map((r) => JSON.stringify([r.order_no, r.line, r.part_no])),
          [...best].map(([order, b]) => JSON.stringify([order, String(b.line), b.part]))
        )
        return best.size
      })
      const first = yield* sync
      const orders = yield* expectTruth
      assert.isAbove(first.counts.fetched, orders)
      assert.strictEqual(first.counts.failed, 0)

      yield* fake.mutate("order_lines", { insert: 30, update: 20, delete: 15 })
      yield* sync
      yield* expectTruth
    }).pipe(Effect.scoped)
  )

  it.effect("merge: two ERPs' customers into one row each, field by field in precedence order", () =>
    Effect.gen(function* () {
      const erp = yield* erpConnector("erp-main", { seed: 43, rows: { customers: 150 } })
      const crm = yield* erpConnector("crm", { seed: 43, rows: { customers: 150 } })
      const adapters = adaptersOf({ "erp-main": erp.adapter, crm: crm.adapter })
      // The second source changes some customers, loses some and gains some, then is synced.
      yield* crm.fake.mutate("customers", { update: 40, delete: 20, insert: 10 })
      yield* (yield* SyncEngine).syncEntity({
        connectorId: "crm",
        adapter: crm.adapter,
        manifest: crm.manifest("customers"),
        stages: apiSmithStages
      })
      const definition = yield* createDefinition({
        id: "merged-customers",
        name: "merged customers",
        source: { connectorId: "erp-main", entity: "customers" },
        destination: { kind: "postgres", table: "merged_customers" },
        mapping: { customer_id: "customer_id", name: "name", email: "email", country_code: "country_code" },
        pipeline: [
          {
            type: "merge",
            sources: [
              {
                name: "crm",
                from: { connectorId: "crm", entity: "customers" },
                on: { field: "customer_id", to: "customer_id" },
                fields: { name: "name", email: "email", country_code: "country_code" }
              }
            ],
            precedence: ["crm", "self"],
            fieldPrecedence: { country_code: ["self", "crm"] }
          }
        ]
      }).pipe(Effect.provide(adapters))
      yield* runDefinition(definition).pipe(Effect.provide(adapters))

      const theirs = new Map(
        Array.from(crm.fake.groundTruth.rows("customers"), (row) => [row.values.customer_id, row.values])
      )
      const first = (...values: ReadonlyArray<unknown>) => values.find((v) => v !== null && v !== undefined) ?? null
      const expected = Array.from(erp.fake.groundTruth.rows("customers"), ({ values: ours }) => {
        const other = theirs.get(ours.customer_id)
        return JSON.stringify([
          ours.customer_id,
          first(other?.name, ours.name),
          first(other?.email, ours.email),
          first(ours.country_code, other?.country_code)
        ])
      })
      const stored = yield* queryTexts(
        `SELECT customer_id, name, email, country_code FROM "erp_main".merged_customers WHERE NOT _deleted`
      )
      assert.sameMembers(
        stored.map((r) => JSON.stringify([r.customer_id, r.name, r.email, r.country_code])),
        expected
      )
      // The merge changed something: some rows differ from the first source alone.
      const changed = Array.from(erp.fake.groundTruth.rows("customers")).filter(({ values }) => {
        const other = theirs.get(values.customer_id)
        return other !== undefined && (other.name !== values.name || other.email !== values.email)
      })
      assert.isAbove(changed.length, 0)
    }).pipe(Effect.scoped)
  )

  it.effect("map: an expression failing on some rows sends them to the failed records naming it", () =>
    Effect.gen(function* () {
      const { fake, adapter } = yield* erpConnector("erp-map", { seed: 44, rows: { items: 400 } })
      const adapters = adaptersOf({ "erp-map": adapter })
      const expression = "list_price / weight_kg"
      const definition = yield* createDefinition({
        id: "price-per-kg",
        name: "price per kg",
        source: { connectorId: "erp-map", entity: "items" },
        destination: { kind: "postgres", table: "price_per_kg" },
        mapping: { part_no: "part_no", list_price: "list_price", weight_kg: "weight_kg" },
        pipeline: [
          {
            type: "map",
            rename: { list_price: "price" },
            compute: { per_kg: { expression, type: "decimal" } },
            drop: ["weight_kg"]
          }
        ]
      }).pipe(Effect.provide(adapters))
      const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))

      const items = Array.from(fake.groundTruth.rows("items"), (row) => row.values)
      const computable = (i: (typeof items)[number]) =>
        i.list_price !== null && i.weight_kg !== null && Number(i.weight_kg) !== 0
      const bad = items.filter((i) => !computable(i))
      assert.isAbove(bad.length, 0)
      assert.deepInclude(summary.counts, {
        fetched: items.length,
        inserted: items.length - bad.length,
        failed: bad.length
      })
      const stored = yield* queryTexts(
        `SELECT part_no, trim_scale(price)::text AS price, per_kg::text AS per_kg FROM "erp_map".price_per_kg WHERE NOT _deleted`
      )
      assert.strictEqual(stored.length, items.length - bad.length)
      const truth = new Map(items.map((i) => [i.part_no, i]))
      for (const row of stored) {
        const item = truth.get(row.part_no)
        assert.isDefined(item)
        if (item === undefined) continue
        assert.closeTo(Number(row.per_kg), Number(item.list_price) / Number(item.weight_kg), 1e-6)
      }
      const failed = yield* (yield* FailedRecordStore).listFailedRecords({
        connectorId: "erp-map",
        definitionId: "price-per-kg",
        limit: 1000
      })
      assert.strictEqual(failed.length, bad.length)
      assert.isTrue(failed.every((f) => f.stage === "etl" && f.message.includes(expression)))
      assert.isTrue(failed.every((f) => f.businessKey !== null))
    }).pipe(Effect.scoped)
  )

  it.effect("a pipeline that cannot work is refused when saved, naming the step and its field", () =>
    Effect.gen(function* () {
      const { adapter } = yield* erpConnector("erp-bad", { seed: 45, rows: { items: 10 } })
      const adapters = adaptersOf({ "erp-bad": adapter })
      const refused = (pipeline: EtlPipeline) =>
        createDefinition({
          name: `bad ${JSON.stringify(pipeline).length}`,
          source: { connectorId: "erp-bad", entity: "items" },
          destination: { kind: "postgres", table: "bad" },
          pipeline
        }).pipe(Effect.provide(adapters), Effect.flip)
      const noField = yield* refused([
        { type: "filter", condition: "is_active" },
        { type: "aggregate", into: { table: "t" }, groupBy: ["uom"], metrics: { n: "SUM(no_such_field)" } }
      ])
      assert.strictEqual(noField._tag, "InvalidDefinition")
      assert.strictEqual(noField._tag === "InvalidDefinition" ? noField.field : "", "pipeline[1].metrics.n")
      const badExpression = yield* refused([{ type: "filter", condition: "list_price >" }])
      assert.strictEqual(badExpression._tag === "InvalidDefinition" ? badExpression.field : "", "pipeline[0].condition")
      // An expression reading a field the rows do not have: refused, not a failure on every row.
      const unknownCondition = yield* refused([{ type: "filter", condition: "colour == 'red'" }])
      assert.strictEqual(
        unknownCondition._tag === "InvalidDefinition" ? unknownCondition.field : "",
        "pipeline[0].condition"
      )
      assert.include(unknownCondition.message, `no field "colour"`)
      const unknownCompute = yield* refused([
        { type: "map", compute: { gross: { expression: "net_price * 1.25", type: "decimal" } } }
      ])
      assert.strictEqual(
        unknownCompute._tag === "InvalidDefinition" ? unknownCompute.field : "",
        "pipeline[0].compute.gross.expression"
      )
      const notSynced = yield* refused([
        {
          type: "lookup",
          from: { connectorId: "erp-bad", entity: "units" },
          on: { field: "uom", to: "uom_code" },
          field: "description",
          as: "unit"
        }
      ])
      assert.strictEqual(notSynced._tag === "InvalidDefinition" ? notSynced.field : "", "pipeline[0]")
      assert.include(notSynced.message, "sync it first")
    }).pipe(Effect.scoped)
  )
})
