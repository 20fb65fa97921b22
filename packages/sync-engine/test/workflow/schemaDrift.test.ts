/**
 * Schema drift on schedule: a SyncEntity execution (what the scheduler and every trigger start)
 * rediscovers the connector's manifests before it lists, so a column the source gained reaches the
 * table without a manual discover. Tables are compared with the fake ERP's ground truth (a column
 * whose type changed: columnTypeChange.test.ts).
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { storedColumn, truthColumn } from "./driftFixtures.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("schema drift on schedule", (it) => {
  it.effect(
    "a workflow sync picks up a new upstream column without a manual discover",
    () =>
      Effect.gen(function* () {
        const { fake, adapter } = yield* fakeErp({ seed: 91, rows: { items: 600 } })
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        // Rediscover before every sync (the TTL itself is tested with the TestClock in freshManifests.test.ts).
        const workflows = yield* inProcessWorkflows(adapter, { windowRows: 200, pageSize: 100 }, { discoveryTtl: 0 })

        yield* workflows.awaitEntity(
          yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        )
        const before = (yield* manifestStore.listManifests("erp")).find((e) => e.entity === "items")
        assert.isDefined(before)
        assert.isFalse(before?.manifest.columns?.some((c) => c.name === "planner_code"))

        // The source gains a column; the rows changed from now on carry values for it.
        const report = yield* fake.mutate("items", { addColumn: true, update: 40, insert: 15 })
        assert.strictEqual(report.addedColumn, "planner_code")

        // No discover: the next sync (as the scheduler starts it) finds the column by itself.
        const summary = yield* workflows.awaitEntity(
          yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        )
        assert.strictEqual(summary.counts.inserted, 15)
        assert.strictEqual(summary.counts.updated, 40)
        const after = (yield* manifestStore.listManifests("erp")).find((e) => e.entity === "items")
        assert.isTrue(after?.manifest.columns?.some((c) => c.name === "planner_code"))
        // Rediscovery keeps the entity's settings.
        assert.deepStrictEqual(after?.settings, before?.settings)

        // The table equals the truth: every row's identity, and the new column's values.
        const manifest = (yield* adapter.manifests).find((m) => m.entity === "items")
        assert.isDefined(manifest)
        if (manifest === undefined) return
        const expected = yield* expectedIdentities(fake, manifest)
        assert.strictEqual(expected.size, 615)
        assert.deepStrictEqual(yield* storedIdentities("items"), expected)
        const truth = truthColumn(fake, "planner_code")
        assert.strictEqual([...truth.values()].filter((value) => value !== null).length > 0, true)
        assert.deepStrictEqual(yield* storedColumn("planner_code"), truth)
      }).pipe(Effect.scoped),
    120_000
  )
})
