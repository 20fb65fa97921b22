/**
 * The `format` options the other mapping tests leave out, through a definition's field mapping on
 * the fake ERP's items, each column compared with the value computed here from the fake's ground truth:
 * - `trim`: the connector's normalizer keeps the edges of the customers' `name` (`trim: false` for
 *   that field, as for text whose edges matter elsewhere), so the clean record holds the white space
 *   the fake pads some names with; the mapping's `trim` gives the truth's name;
 * - `title`: each word of the description capitalised, the rest lower case;
 * - `pad` at the `end` with the default fill (a space);
 * - `date` without a zone (UTC) in a pattern of its own;
 * - `number` with precision 0 (whole numbers, half away from zero).
 */
import { assert, layer } from "@effect/vitest"
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect, Layer, Option } from "effect"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { engineLayer, fakeErp, storedRows } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

/** The ERP's stage options, with the edges of the customers' names kept by the normalizer. */
const keepNameEdges: StagesOptions = {
  normalize: { mapping: { metaFields: ["_row_version", "_oracle_keys"], fields: { name: { trim: false } } } }
}

/** Title case as a reader expects it: each word's first letter upper case, the rest lower case. */
const titled = (text: string): string =>
  text
    .split(/([\s\-']+)/)
    .map((word, i) => (i % 2 === 1 || word === "" ? word : word[0]?.toUpperCase() + word.slice(1).toLowerCase()))
    .join("")

/** A non-negative decimal text rounded to a whole number, half away from zero. */
const whole = (text: string): string => {
  const [integer = "0", fraction = ""] = text.split(".")
  return String(BigInt(integer) + (Number(fraction[0] ?? "0") >= 5 ? 1n : 0n))
}

const columns: ReadonlyArray<ColumnManifest> = ["sku", "title", "sku_padded", "created", "price"].map((name, i) => ({
  name,
  type: "string",
  nullable: i > 0,
  businessKey: i === 0
}))

layer(testLayer, { timeout: 120_000 })("format options through a field mapping on the fake ERP", (it) => {
  it.effect("trim, title, pad at the end, a date in UTC and whole numbers equal the truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests } = yield* fakeErp({ seed: 37, rows: { items: 300, customers: 200, orders: 5 } })
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* (yield* ManifestStore).saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => keepNameEdges })
      })
      yield* createDefinition({
        id: "items-formatted",
        name: "Items formatted",
        source: { connectorId: "erp", entity: "items" },
        destination: { kind: "postgres", table: "items_formatted" }
      }).pipe(Effect.provide(adapters))
      yield* setFieldMapping("items-formatted", {
        entries: [
          { source: "part_no", target: "sku" },
          { source: "description", target: "title", transform: { kind: "format", format: "title" } },
          {
            source: "part_no",
            target: "sku_padded",
            transform: { kind: "format", format: "pad", length: 16, side: "end" }
          },
          {
            source: "created_date",
            target: "created",
            transform: { kind: "format", format: "date", pattern: "yyyy/MM/dd HH:mm" }
          },
          { source: "list_price", target: "price", transform: { kind: "format", format: "number", precision: 0 } }
        ]
      }).pipe(Effect.provide(adapters))
      const definition = Option.getOrThrow(yield* (yield* SyncDefinitions).get("items-formatted"))
      const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))
      const truth = [...fake.groundTruth.rows("items")]
      assert.deepInclude(summary.counts, { fetched: truth.length, inserted: truth.length, failed: 0 })

      const stored = (yield* storedRows("items_formatted", columns)).filter((row) => !row.deleted)
      const text = (value: unknown) => (value === null ? null : String(value))
      const expected = truth.map((row) => {
        const v = row.values
        const description = text(v.description)
        const created = text(v.created_date)
        const price = text(v.list_price)
        return JSON.stringify([
          String(v.part_no),
          description === null ? null : titled(description),
          String(v.part_no).padEnd(16, " "),
          created === null ? null : `${created.slice(0, 10).replaceAll("-", "/")} ${created.slice(11, 16)}`,
          price === null ? null : whole(price)
        ])
      })
      assert.sameMembers(
        stored.map(({ values }) => JSON.stringify(values)),
        expected
      )
      // Some descriptions really changed case.
      assert.isTrue(
        truth.some(
          (row) => row.values.description !== null && titled(String(row.values.description)) !== row.values.description
        )
      )

      // trim: the customers' names as the normalizer left them (edges kept), and trimmed by the mapping.
      yield* createDefinition({
        id: "customers-trimmed",
        name: "Customers trimmed",
        source: { connectorId: "erp", entity: "customers" },
        destination: { kind: "postgres", table: "customers_trimmed" }
      }).pipe(Effect.provide(adapters))
      yield* setFieldMapping("customers-trimmed", {
        entries: [
          { source: "customer_id", target: "id" },
          { source: "name", target: "name_as_read" },
          { source: "name", target: "name", transform: { kind: "format", format: "trim" } }
        ]
      }).pipe(Effect.provide(adapters))
      const customersDefinition = Option.getOrThrow(yield* (yield* SyncDefinitions).get("customers-trimmed"))
      const customers = [...fake.groundTruth.rows("customers")]
      assert.deepInclude((yield* runDefinition(customersDefinition).pipe(Effect.provide(adapters))).counts, {
        inserted: customers.length,
        failed: 0
      })
      const trimmed = (yield* storedRows(
        "customers_trimmed",
        ["id", "name_as_read", "name"].map((name, i) => ({
          name,
          type: "string",
          nullable: i > 0,
          businessKey: i === 0
        }))
      )).filter((row) => !row.deleted)
      assert.sameMembers(
        trimmed.map(({ values: [id, , name] }) => JSON.stringify([id, name])),
        customers.map((row) => JSON.stringify([String(row.values.customer_id), String(row.values.name)]))
      )
      // The names were read with their edges: trim had something to do.
      assert.isTrue(trimmed.some(({ values: [, asRead, name] }) => asRead !== name))
    }).pipe(Effect.scoped)
  )
})
