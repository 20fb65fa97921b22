/**
 * A column whose type changed upstream (a NUMBER that became VARCHAR2): the SyncEntity execution
 * reports it on the run and the entity, writes the values the column's old type can hold, and sends
 * the rows with values it cannot hold to the failed records (stage ingest, raw data kept) instead of
 * failing the window or storing NULL. Compared with the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { identifyChunk } from "../../src/stages/identity/identifyChunk.ts"
import { mapChunk } from "../../src/stages/map/mapChunk.ts"
import { makeStages } from "../../src/stages/Stages.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { apiSmithStages, engineLayer, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { field, itemsTable, storedColumn } from "./driftFixtures.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"
import { rowsOrEmpty } from "./processes.ts"

/** Text without control characters (C0 but tab and LF, DEL, C1, BOM), as Oracle text is cleaned. */
const withoutControls = (text: string): string =>
  Array.from(text)
    .filter((c) => {
      const code = c.codePointAt(0) ?? 0
      return (code >= 32 || code === 9 || code === 10) && (code < 0x7f || code > 0x9f) && code !== 0xfeff
    })
    .join("")

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("a column's type changes upstream", (it) => {
  it.effect(
    "a column whose type changed upstream is reported, and rows it cannot store are failed records with their raw data",
    () =>
      Effect.gen(function* () {
        const { fake, adapter } = yield* fakeErp({ seed: 94, rows: { items: 600 } })
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        const runStore = yield* RunStore
        const failedRecordStore = yield* FailedRecordStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const workflows = yield* inProcessWorkflows(adapter, { windowRows: 200, pageSize: 100 }, { discoveryTtl: 0 })
        const sync = Effect.flatMap(
          workflows.startEntity({ connectorId: "erp", entity: "items", mode: "incremental" }),
          workflows.awaitEntity
        )
        yield* sync
        const before = new Map(
          (yield* rowsOrEmpty<{ readonly key: string; readonly data: string }>(
            `SELECT part_no AS key, _data_hash AS data FROM ${yield* itemsTable}`
          )).map((row) => [row.key, row.data])
        )
        assert.strictEqual(before.size, 600)

        // weight_kg (NUMBER) becomes VARCHAR2(20): the rows changed from now on carry texts.
        const report = yield* fake.mutate("items", { addColumn: true, retypeColumn: true, update: 80, insert: 20 })
        assert.strictEqual(report.retypedColumn, "weight_kg")
        const summary = yield* sync

        // The truth, and which changed rows hold a text a numeric column cannot store (decided here,
        // from the truth, independently of the engine's check).
        const truth = Array.from(fake.groundTruth.rows("items"))
        const changed = new Set([...report.updated, ...report.inserted].map((keys) => String(keys.PART_NO)))
        const inserted = new Set(report.inserted.map((keys) => String(keys.PART_NO)))
        const notNumber = (value: unknown) => typeof value === "string" && !/^\d+(\.\d+)?$/.test(value)
        const unstorable = new Map(
          truth
            .filter((row) => changed.has(String(row.values.part_no)) && notNumber(row.values.weight_kg))
            .map((row) => [String(row.values.part_no), String(row.values.weight_kg)])
        )
        assert.isAbove(unstorable.size, 5)
        assert.isBelow(unstorable.size, 100)

        // The run (and the entity) report the mismatch; the run succeeded and counted the failures.
        const run = yield* runStore.getRun(summary.runId)
        assert.strictEqual(run._tag, "Some")
        if (run._tag === "None") return
        assert.strictEqual(run.value.status, "succeeded")
        assert.deepStrictEqual(run.value.typeMismatches, [{ column: "weight_kg", expected: "text", actual: "numeric" }])
        assert.strictEqual(run.value.failed, unstorable.size)
        assert.strictEqual(summary.counts.failed, unstorable.size)
        const entity = yield* manifestStore.getManifest("erp", "items")
        assert.deepStrictEqual(entity._tag === "Some" ? entity.value.typeMismatches : [], run.value.typeMismatches)

        // Each such row is a failed record of stage ingest, with the reason and its raw data as served.
        const failed = yield* failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items", limit: 1000 })
        assert.strictEqual(failed.length, unstorable.size)
        for (const record of failed) {
          assert.strictEqual(record.stage, "ingest")
          assert.strictEqual(record.errorType, "UnstorableValue")
          assert.include(record.message, "weight_kg")
          assert.include(record.message, "numeric")
          const key = String(field(record.mappedData, "part_no"))
          const served = withoutControls(String(field(record.rawData, "weight_kg"))).trim()
          assert.strictEqual(served, unstorable.get(key), key)
        }

        // Every other row equals the truth: identities (all columns) and weight_kg's value.
        const manifest = (yield* adapter.manifests).find((m) => m.entity === "items")
        assert.isDefined(manifest)
        if (manifest === undefined) return
        const stages = yield* makeStages(manifest, apiSmithStages)
        const identified = identifyChunk(
          stages.identifier,
          mapChunk(
            stages.mapper,
            truth.map((row) => ({ raw: row.values, normalized: row.values }))
          ).ok
        ).ok
        const keyOf = (row: (typeof identified)[number]) => String(row.mapped.part_no)
        const stored = yield* storedIdentities("items")
        let compared = 0
        for (const row of identified) {
          const key = keyOf(row)
          if (unstorable.has(key)) {
            // Not written: an inserted row is absent, an updated one keeps its previous version.
            if (inserted.has(key)) assert.isFalse(stored.has(row.keyHash), key)
            else assert.strictEqual(stored.get(row.keyHash), before.get(key), key)
            continue
          }
          assert.strictEqual(stored.get(row.keyHash), row.dataHash, key)
          compared++
        }
        assert.strictEqual(compared, 620 - unstorable.size)
        assert.strictEqual(stored.size, 620 - [...unstorable.keys()].filter((key) => inserted.has(key)).length)
        const weights = yield* storedColumn("weight_kg")
        for (const row of truth) {
          const key = String(row.values.part_no)
          if (unstorable.has(key)) continue
          const value = row.values.weight_kg
          const storedValue = weights.get(key)
          if (value === null) assert.isNull(storedValue, key)
          else assert.strictEqual(Number(storedValue), Number(value), key)
        }

        // Retried as they are, the records stay failed: the column still cannot store them.
        const ids = failed.map((record) => record.id)
        const engine = yield* SyncEngine
        const again = yield* engine.retryFailedRecords({ connectorId: "erp", manifest, stages: apiSmithStages, ids })
        assert.deepInclude(again, { resolved: 0, stillWaiting: unstorable.size })
        assert.strictEqual(
          (yield* failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items" })).length,
          unstorable.size
        )

        // The column altered to take the new type: retrying writes them, and the table equals the truth.
        yield* rowsOrEmpty(`ALTER TABLE ${yield* itemsTable} ALTER COLUMN weight_kg TYPE text USING weight_kg::text`)
        const retried = yield* engine.retryFailedRecords({ connectorId: "erp", manifest, stages: apiSmithStages, ids })
        assert.deepInclude(retried, { resolved: unstorable.size, stillWaiting: 0 })
        assert.strictEqual(
          (yield* failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items" })).length,
          0
        )
        const all = yield* storedIdentities("items")
        assert.strictEqual(all.size, 620)
        for (const row of identified) assert.strictEqual(all.get(row.keyHash), row.dataHash, keyOf(row))
        const texts = yield* storedColumn("weight_kg")
        for (const [key, text] of unstorable) assert.strictEqual(texts.get(key), text, key)
        // The next sync finds no mismatch, on the run and on the entity.
        const clean = yield* sync
        const cleanRun = yield* runStore.getRun(clean.runId)
        assert.deepStrictEqual(cleanRun._tag === "Some" ? cleanRun.value.typeMismatches : undefined, [])
        const cleared = yield* manifestStore.getManifest("erp", "items")
        assert.deepStrictEqual(cleared._tag === "Some" ? cleared.value.typeMismatches : undefined, [])
      }).pipe(Effect.scoped),
    120_000
  )
})
