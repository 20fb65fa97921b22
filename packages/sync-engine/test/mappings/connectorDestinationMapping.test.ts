/**
 * A field mapping of a definition that pushes into a connector (the fake ERP's customers into the
 * fake ScheduleHub over real HTTP, whose customers entity declares its fields):
 * - a target the destination does not have is refused when the mapping is set, naming the entry
 *   (`entries[1].target`), the field and the destination; so are `uid` (ScheduleHub assigns it) and
 *   `erp_key_hash` (SyncFlow writes the row's identity there); nothing is stored;
 * - a mapping whose targets fit is stored, and the push writes ScheduleHub's customers as the
 *   mapping makes them from the ERP's truth (upper-cased names, lower-cased e-mails, a lookup);
 * - a definition into PostgreSQL whose mapping has a target ScheduleHub lacks cannot be moved to
 *   ScheduleHub (`fieldMapping.entries[1].target`).
 */
import { assert, layer } from "@effect/vitest"
import { scheduleHubPlugin } from "@syncflow/schedulehub"
import { FakeScheduleHub } from "@syncflow/schedulehub/testing"
import { Effect, Layer, Option } from "effect"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition, updateDefinition } from "../../src/definitions/saveDefinition.ts"
import type { FieldMappingEntry } from "../../src/mappings/FieldMapping.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, engineLayer, fakeErp } from "../pipeline/fixtures.ts"
import { scheduleHubAdapter } from "../pipeline/scheduleHubFixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

const countries: Record<string, string> = { SE: "Sweden", NO: "Norway" }

/** A mapping into ScheduleHub's customers. */
const fitting: ReadonlyArray<FieldMappingEntry> = [
  { source: "customer_id", target: "customer_id" },
  { source: "name", target: "name", transform: { kind: "format", format: "upper" } },
  { source: "email", target: "email", transform: { kind: "format", format: "lower" } },
  { source: "country_code", target: "notes", transform: { kind: "lookup", values: countries, fallback: "elsewhere" } }
]

layer(testLayer, { timeout: 120_000 })("a field mapping into a connector destination", (it) => {
  it.effect(
    "targets the destination lacks are refused naming the entry and field; one that fits pushes the truth",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifests } = yield* fakeErp({ seed: 53, rows: { items: 5, customers: 40, orders: 5 } })
        const hub = yield* FakeScheduleHub.make({ requestsPerSecond: 1000 })
        const hubAdapter = yield* scheduleHubAdapter(hub.baseUrl, hub.credentials())
        const connectors = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectors.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        yield* connectors.createConnector({ id: "hub", adapter: "schedulehub", name: "ScheduleHub" })
        yield* manifestStore.saveManifests("erp", manifests)
        yield* manifestStore.saveManifests("hub", yield* hubAdapter.manifests)
        const adapters = Layer.succeed(ConnectorAdapters, {
          runtime: (connectorId) =>
            Effect.succeed(
              connectorId === "hub"
                ? { adapter: hubAdapter, stages: () => undefined, destination: scheduleHubPlugin.destination }
                : { adapter, stages: () => apiSmithStages }
            )
        })
        yield* createDefinition({
          id: "customers-to-hub",
          name: "Customers to ScheduleHub",
          source: { connectorId: "erp", entity: "customers" },
          destination: { kind: "connector", connectorId: "hub", entity: "customers" }
        }).pipe(Effect.provide(adapters))

        const refused = (entries: ReadonlyArray<FieldMappingEntry>) =>
          Effect.flip(setFieldMapping("customers-to-hub", { entries }).pipe(Effect.provide(adapters)))
        const unknown = yield* refused([
          { source: "customer_id", target: "customer_id" },
          { source: "name", target: "full_name" }
        ])
        assert.strictEqual(unknown._tag === "InvalidDefinition" && unknown.field, "entries[1].target")
        assert.include(unknown.message, 'hub:customers has no field "full_name"')
        const assigned = yield* refused([
          { source: "customer_id", target: "customer_id" },
          { source: "name", target: "name" },
          { source: "customer_id", target: "uid" }
        ])
        assert.strictEqual(assigned._tag === "InvalidDefinition" && assigned.field, "entries[2].target")
        assert.include(assigned.message, "assigns it itself")
        const identity = yield* refused([
          { source: "customer_id", target: "customer_id" },
          { source: "name", target: "erp_key_hash" }
        ])
        assert.strictEqual(identity._tag === "InvalidDefinition" && identity.field, "entries[1].target")
        assert.include(identity.message, "identity")
        assert.deepStrictEqual(yield* (yield* FieldMappings).history("customers-to-hub"), [])

        // A mapping that fits: stored, and the push writes what it makes of the truth.
        const saved = yield* setFieldMapping("customers-to-hub", { entries: fitting }).pipe(Effect.provide(adapters))
        assert.strictEqual(saved.version.version, 1)
        const definition = Option.getOrThrow(yield* (yield* SyncDefinitions).get("customers-to-hub"))
        const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))
        const truth = [...fake.groundTruth.rows("customers")]
        assert.deepInclude(summary.counts, { inserted: truth.length, failed: 0 })
        const text = (value: unknown) => (value === null || value === undefined ? null : String(value))
        const pushed = yield* hub.records("customers")
        assert.sameMembers(
          pushed.map((r) => JSON.stringify([text(r.customer_id), text(r.name), text(r.email), text(r.notes)])),
          truth.map((row) => {
            const v = row.values
            return JSON.stringify([
              String(v.customer_id),
              String(v.name).toUpperCase(),
              v.email === null ? null : String(v.email).toLowerCase(),
              countries[String(v.country_code)] ?? "elsewhere"
            ])
          })
        )
        // The fields the mapping does not make are not sent.
        assert.isTrue(pushed.every((r) => r.country_code === null || r.country_code === undefined))

        // A definition into PostgreSQL may name any target; moved to ScheduleHub, its mapping must fit.
        yield* createDefinition({
          id: "customers-table",
          name: "Customers table",
          source: { connectorId: "erp", entity: "customers" },
          destination: { kind: "postgres", table: "customers_named" }
        }).pipe(Effect.provide(adapters))
        yield* setFieldMapping("customers-table", {
          entries: [
            { source: "customer_id", target: "customer_id" },
            { source: "name", target: "full_name" }
          ]
        }).pipe(Effect.provide(adapters))
        const moved = yield* Effect.flip(
          updateDefinition("customers-table", {
            destination: { kind: "connector", connectorId: "hub", entity: "customers" }
          }).pipe(Effect.provide(adapters))
        )
        assert.strictEqual(moved._tag === "InvalidDefinition" && moved.field, "fieldMapping.entries[1].target")
        assert.include(moved.message, '"full_name"')
      }).pipe(Effect.scoped)
  )
})
