/**
 * The fused path of stages 2-5 (`fusedChunk`, record by record, what `runStages` runs) gives exactly
 * what the stages give run one after the other (`runStagesByStage`): the same identified records
 * (raw, clean, destination row, both hashes), the same failures (stage, issues, data, index, in
 * stage order), counts and undeclared fields. Checked on every entity of the fake ERP and on the
 * fake Planning Center's people and emails, as their adapters serve them over HTTP, with bad records
 * mixed in at every stage, and under a definition's mapping, filters and match key.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Adapter, EntityManifest, SourceRecord } from "@syncflow/adapter-core"
import { PcoAdapter, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Context, Effect, Layer, Stream } from "effect"
import { fusedChunk } from "../../src/stages/fusedChunk.ts"
import { makeFusedRow } from "../../src/stages/fusedRow.ts"
import { makeStages, runStages, runStagesByStage, type Stages, type StagesOptions } from "../../src/stages/Stages.ts"
import { apiSmithStages, fakeErp } from "../pipeline/fixtures.ts"
import { items } from "./fixtures.ts"

const pagesOf = (adapter: Adapter, entity: string) =>
  adapter.streamPages(entity).pipe(
    Stream.map((page) => page.items),
    Stream.runCollect
  )

/** Spoils some records of a page so that each stage rejects some: a copy, the page unchanged. */
const spoil = (manifest: EntityManifest, records: ReadonlyArray<SourceRecord>): ReadonlyArray<SourceRecord> => {
  const columns = manifest.columns ?? []
  const number = columns.find((c) => c.type === "decimal" || c.type === "integer")
  const date = columns.find((c) => c.type === "date" || c.type === "timestamp")
  const text = columns.find((c) => c.type === "string" && c.length !== undefined && !c.businessKey)
  const key = manifest.businessKey[0]
  return records.map((record, i) => {
    switch (i % 17) {
      case 3:
        return number === undefined ? record : { ...record, [number.name]: "twelve" }
      case 5:
        return key === undefined ? record : { ...record, [key]: null }
      case 7:
        return date === undefined ? record : { ...record, [date.name]: "31-FOO-99" }
      case 11:
        return text?.length === undefined ? record : { ...record, [text.name]: "x".repeat(text.length + 1) }
      case 13:
        return { ...record, surprise_field: i % 2 === 0 ? "  drift " : "" }
      default:
        return record
    }
  })
}

/** Fused (the generated fast path, and its loop version) against stage by stage, on one chunk. */
const assertSame = (stages: Stages, records: ReadonlyArray<SourceRecord>, what: string) => {
  const byStage = runStagesByStage(stages, records)
  const loops: Stages = { ...stages, fusedRow: makeFusedRow(stages, { generateCode: false }) }
  for (const [how, s] of [
    ["generated", stages],
    ["loops", loops]
  ] as const) {
    const fused = fusedChunk(s, records)
    assert.deepStrictEqual(fused.ok, byStage.ok, `${what} (${how}): identified records`)
    assert.deepStrictEqual(fused.failures, byStage.failures, `${what} (${how}): failures`)
    assert.deepStrictEqual(fused.counts, byStage.counts, `${what} (${how}): counts`)
    assert.deepStrictEqual(fused.unknownFields, byStage.unknownFields, `${what} (${how}): undeclared fields`)
  }
  return byStage
}

describe("fused stages 2-5", () => {
  it.effect(
    "every fake ERP entity, clean and with bad records at each stage: the same records, hashes and failures",
    () =>
      Effect.gen(function* () {
        const { adapter, manifests } = yield* fakeErp({ seed: 5, rows: { items: 1500, customers: 300, orders: 200 } })
        let failuresSeen = 0
        for (const manifest of manifests) {
          const stages = yield* makeStages(manifest, apiSmithStages)
          // The generated function (the loop version is an anonymous arrow function).
          assert.strictEqual(stages.fusedRow?.name, "fusedRow", `${manifest.entity} has a generated fast path`)
          const pages = yield* pagesOf(adapter, manifest.entity)
          assert.isAbove(pages.length, 0, manifest.entity)
          for (const [p, page] of pages.entries()) {
            const clean = assertSame(stages, page, `${manifest.entity} page ${p}`)
            assert.isAbove(clean.ok.length, 0)
            const spoiled = assertSame(stages, spoil(manifest, page), `${manifest.entity} spoiled page ${p}`)
            failuresSeen += spoiled.failures.length
          }
        }
        assert.isAbove(failuresSeen, 100)
      }).pipe(Effect.scoped),
    60_000
  )

  it.effect("a definition's mapping, filters and match key: skipped records, and identity failures on the key", () =>
    Effect.gen(function* () {
      const { adapter, manifest } = yield* fakeErp({ seed: 6, rows: { items: 1200 } })
      const itemManifest = manifest("items")
      const pages = yield* pagesOf(adapter, "items")
      const options: ReadonlyArray<StagesOptions> = [
        {
          ...apiSmithStages,
          select: {
            fields: { part_no: "sku", list_price: "price", description: "text", is_active: "active" },
            where: [{ field: "is_active", op: "eq", value: true }]
          }
        },
        // A nullable match key: records without a description fail at identity.
        { ...apiSmithStages, select: { key: ["description"] } },
        {
          normalize: { mapping: { unknownFields: "drop", fields: { uom: { to: "unit", transforms: ["lowercase"] } } } },
          required: ["created_date"],
          map: { columnNames: { part_no: "item_no" } },
          identity: { excludeFromDataHash: ["list_price"] }
        }
      ]
      const stages = yield* Effect.forEach(options, (o) => makeStages(itemManifest, o))
      const results = pages.flatMap((page, p) =>
        stages.flatMap((s, k) => [
          assertSame(s, page, `options ${k} page ${p}`),
          assertSame(s, spoil(itemManifest, page), `options ${k} spoiled page ${p}`)
        ])
      )
      assert.isAbove(
        results.reduce((n, r) => n + (r.counts.filtered ?? 0), 0),
        0
      )
      assert.isTrue(results.some((r) => r.failures.some((f) => f.stage === "identity")))
    }).pipe(Effect.scoped)
  )

  it.effect("the fake Planning Center's people and emails (no declared fields, '' a value)", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 120, seed: 12 })
      const services = yield* Layer.build(
        PcoAdapter.layer.pipe(
          Layer.provide(
            PcoClient.layerStandalone({
              connectionId: "pco",
              credentials: fake.personalAccessToken,
              baseUrl: fake.baseUrl
            })
          )
        )
      )
      const adapter = Context.get(services, PcoAdapter)
      const manifests = yield* adapter.manifests
      for (const entity of ["person", "email"]) {
        const manifest = manifests.find((m) => m.entity === entity)
        assert.isDefined(manifest)
        if (manifest === undefined) continue
        const stages = yield* makeStages(manifest, { normalize: { coerce: { emptyStringIsNull: false } } })
        const pages = yield* pagesOf(adapter, entity)
        let identified = 0
        for (const [p, page] of pages.entries()) {
          identified += assertSame(stages, page, `${entity} page ${p}`).ok.length
          const spoiled = page.map((record, i) => (i % 9 === 4 ? { ...record, id: null } : record))
          assertSame(stages, spoiled, `${entity} spoiled page ${p}`)
        }
        assert.strictEqual(identified, entity === "person" ? fake.truth.count("Person") : fake.truth.count("Email"))
      }
    }).pipe(Effect.scoped)
  )

  it.effect("runStages with timings: the sampled chunks and the fused ones give the same results", () =>
    Effect.gen(function* () {
      const stages = yield* makeStages(items)
      const records: ReadonlyArray<SourceRecord> = Array.from({ length: 40 }, (_, i) => ({
        part_no: i === 7 ? null : `PART-${i}`,
        list_price: i === 9 ? "ten" : `${i}.5`,
        uom: "EA",
        is_active: "Y",
        created_date: "2024-01-02"
      }))
      const times = { normalize: 0, validate: 0, transform: 0, map: 0, identify: 0 }
      const expected = runStagesByStage(stages, records)
      for (let chunk = 0; chunk < 20; chunk++) {
        const result = runStages(stages, records, times)
        assert.deepStrictEqual(result, expected)
      }
      assert.strictEqual(stages.sample.chunks, 20)
      assert.isAbove(times.normalize, 0)
      assert.isAbove(times.identify, 0)
    })
  )
})
