import { assert, describe, it } from "@effect/vitest"
import type { Page } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import type { SourceRecord } from "../../src/stages/Row.ts"
import { stagePages, stageRecords, stagesStream } from "../../src/stages/StageStream.ts"
import { makeStages, runStages } from "../../src/stages/Stages.ts"
import { column, items } from "./fixtures.ts"

const record = (i: number): SourceRecord => ({
  part_no: `PART-${String(i).padStart(7, "0")}${i % 3 === 0 ? "   " : ""}`,
  description: i % 5 === 0 ? "" : `\tHex bolt M${i % 12}\r\n`,
  uom: "EA ",
  list_price: i % 2 === 0 ? `$${(i * 1.5).toFixed(2)}` : i * 1.5,
  is_active: i % 2 === 0 ? "Y" : 0,
  created_date: "17-DEC-80",
  _row_version: "20251208120000"
})

describe("stages 2-5", () => {
  it.effect("a chunk of 1,000 with one bad row in each stage: the rest identified, each failure with its stage", () =>
    Effect.gen(function* () {
      const stages = yield* makeStages(items, { identity: { excludeFromDataHash: [] } })
      const records = Array.from({ length: 1000 }, (_, i) => record(i))
      records[10] = { ...record(10), list_price: "ten" } // normalize
      records[20] = { ...record(20), part_no: null } // validate
      const result = runStages(stages, records)
      assert.deepStrictEqual(result.counts, {
        input: 1000,
        normalized: 999,
        validated: 998,
        mapped: 998,
        identified: 998,
        failed: 2
      })
      assert.deepStrictEqual(
        result.failures.map((f) => [f.stage, f.errorType, f.raw.part_no]),
        [
          ["normalize", "InvalidNumber", "PART-0000010"],
          ["validate", "MissingBusinessKey", null]
        ]
      )
      const first = result.ok[0]
      assert.deepStrictEqual(first?.mapped, {
        part_no: "PART-0000000",
        description: null,
        uom: "EA",
        list_price: "0",
        weight_kg: null,
        commodity_code: null,
        is_active: true,
        created_date: "1980-12-17T00:00:00.000Z",
        guid: null
      })
      assert.match(first?.keyHash ?? "", /^[0-9a-f]{32}$/)
      assert.match(first?.dataHash ?? "", /^[0-9a-f]{64}$/)
      assert.strictEqual(new Set(result.ok.map((r) => r.keyHash)).size, 998)
      // the same clean data from different messy spellings: the same hashes
      const again = runStages(stages, [{ ...record(0), part_no: "PART-0000000", list_price: 0, is_active: "TRUE" }])
      assert.strictEqual(again.ok[0]?.keyHash, first?.keyHash)
      assert.strictEqual(again.ok[0]?.dataHash, first?.dataHash)
      assert.deepStrictEqual(result.unknownFields, [])
    })
  )

  it.effect("stream wrappers: per batch, per page (cursors kept), per chunk of a record stream", () =>
    Effect.gen(function* () {
      const stages = yield* makeStages(items)
      const batches = [Array.from({ length: 3 }, (_, i) => record(i)), [], [record(3), { part_no: "X" }]]
      const results = yield* Stream.fromIterable(batches).pipe(stagesStream(stages), Stream.runCollect)
      assert.deepStrictEqual(
        results.map((r) => [r.ok.length, r.failures.length]),
        [
          [3, 0],
          [0, 0],
          [1, 1]
        ]
      )
      const pages: Array<Page<SourceRecord>> = batches.map((items, index) => ({
        items,
        cursor: { _tag: "Offset", offset: index * 3 } as unknown as Page<SourceRecord>["cursor"],
        next: undefined,
        body: null,
        index
      }))
      const staged = yield* Stream.fromIterable(pages).pipe(stagePages(stages), Stream.runCollect)
      assert.deepStrictEqual(
        staged.map((s) => [s.page.index, s.result.counts.identified]),
        [
          [0, 3],
          [1, 0],
          [2, 1]
        ]
      )
      const flat = yield* Stream.fromIterable(batches.flat()).pipe(
        Stream.rechunk(2),
        stageRecords(stages),
        Stream.runCollect
      )
      assert.deepStrictEqual(
        flat.map((r) => r.counts.input),
        [2, 2, 1]
      )
    })
  )

  it.effect("columns named like Object.prototype members are ordinary fields", () =>
    Effect.gen(function* () {
      const stages = yield* makeStages({
        entity: "odd",
        businessKey: ["constructor"],
        columns: [
          column("constructor", "string", "VARCHAR2(10)", { nullable: false, businessKey: true }),
          column("toString", "integer", "NUMBER(5)"),
          column("__proto__", "string", "VARCHAR2(10)")
        ]
      })
      const raw: Record<string, unknown> = { constructor: " c1 " }
      Object.defineProperty(raw, "__proto__", { value: " p ", enumerable: true, writable: true, configurable: true })
      const result = runStages(stages, [raw, { toString: "7" }])
      const mapped = result.ok[0]?.mapped
      assert.deepStrictEqual(mapped === undefined ? [] : Object.entries(mapped), [
        ["constructor", "c1"],
        ["toString", null],
        ["__proto__", "p"]
      ])
      assert.strictEqual(Object.getPrototypeOf(mapped), Object.prototype)
      assert.deepStrictEqual(
        result.failures.map((f) => [f.stage, f.errorType]),
        [["validate", "MissingBusinessKey"]]
      )
      assert.strictEqual(stages.identifier.data.canonical(mapped ?? {}), "__proto__=p|constructor=c1")
    })
  )

  it.effect("settings that cannot work fail when the stages are built", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(makeStages(items, { normalize: { dates: { timeZone: "Nowhere/Land" } } }))
      assert.strictEqual(error._tag, "StageConfigError")
    })
  )
})
