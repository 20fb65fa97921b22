import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import type { NormalizeOptions } from "../../src/stages/normalize/NormalizeOptions.ts"
import { makeNormalizer } from "../../src/stages/normalize/Normalizer.ts"
import { normalizeChunk } from "../../src/stages/normalize/normalizeChunk.ts"
import { column, items } from "./fixtures.ts"

const normalizer = (options?: NormalizeOptions) => makeNormalizer(items, options)

describe("normalizeChunk", () => {
  it.effect("all five layers in one pass, on the spec's messy values", () =>
    Effect.gen(function* () {
      const n = yield* normalizer()
      const raw = {
        part_no: "PART-0000042   ",
        description: "\uFEFFHex bolt M8\u0007 zinc plated\r\n",
        uom: "EA ",
        list_price: "$1,000.50",
        weight_kg: 1.2345678901e10,
        commodity_code: "00123",
        is_active: "Y",
        created_date: "17-DEC-80",
        guid: "AAECAwQFBgcICQoLDA0ODw",
        _row_version: "20251208120000",
        _oracle_keys: { PART_NO: "PART-0000042" }
      }
      const result = normalizeChunk(n, [raw])
      assert.strictEqual(result.failures.length, 0)
      assert.deepStrictEqual(result.ok[0]?.normalized, {
        part_no: "PART-0000042",
        description: "Hex bolt M8 zinc plated",
        uom: "EA",
        list_price: "1000.5",
        weight_kg: "12345678901",
        commodity_code: "00123",
        is_active: true,
        created_date: "1980-12-17T00:00:00.000Z",
        guid: "AAECAwQFBgcICQoLDA0ODw==",
        _row_version: "20251208120000",
        _oracle_keys: { PART_NO: "PART-0000042" }
      })
      assert.strictEqual(result.ok[0]?.raw, raw)
      // `_oracle_keys` is not data and not declared: reported as drift unless listed in metaFields
      assert.deepStrictEqual(result.unknownFields, ["_oracle_keys"])
      const quiet = normalizeChunk(yield* normalizer({ mapping: { metaFields: ["_oracle_keys"] } }), [raw])
      assert.deepStrictEqual(quiet.unknownFields, [])
    })
  )

  it.effect('null, "" and missing: all null for Oracle text; "" kept when emptyStringIsNull is false', () =>
    Effect.gen(function* () {
      const n = yield* normalizer()
      const [a, b, c] = normalizeChunk(n, [
        { part_no: "P1", uom: "EA", is_active: 1, description: null },
        { part_no: "P2", uom: "EA", is_active: 1, description: "" },
        { part_no: "P3", uom: "EA", is_active: 1 }
      ]).ok.map((r) => r.normalized)
      assert.strictEqual(a?.description, null)
      assert.strictEqual(b?.description, null)
      assert.strictEqual(c?.description, null)
      assert.isTrue(c !== undefined && Object.hasOwn(c, "description"))
      // white space only is empty after cleanup: null like "" (Oracle has no empty string), except in a
      // NOT NULL column (uom), where the source holds a non-null blank and null would fail the record
      const [blank] = normalizeChunk(n, [{ part_no: "P4", uom: "   ", is_active: 0, description: "  " }]).ok
      assert.strictEqual(blank?.normalized.uom, "")
      assert.strictEqual(blank?.normalized.description, null)
      const keep = yield* normalizer({ coerce: { emptyStringIsNull: false } })
      assert.strictEqual(normalizeChunk(keep, [{ part_no: "P2", description: "" }]).ok[0]?.normalized.description, "")
    })
  )

  it.effect('blank text ("   ", "\t", " \r\n ", controls only) is null in text, CHAR, CLOB and undeclared fields', () =>
    Effect.gen(function* () {
      const blanks = ["", "   ", "\t", " \r\n ", "\u0000\u0007", "\uFEFF \u0085"]
      const entity = {
        entity: "notes",
        businessKey: ["id"] as const,
        columns: [
          column("id", "string", "VARCHAR2(10)", { nullable: false, businessKey: true }),
          column("name", "string", "VARCHAR2(50)"),
          column("code", "string", "CHAR(3)"),
          column("notes", "string", "CLOB"),
          column("label", "string", "VARCHAR2(50)", { nullable: false })
        ]
      }
      const oracle = yield* makeNormalizer(entity)
      const pco = yield* makeNormalizer(entity, { coerce: { emptyStringIsNull: false } })
      const rows = blanks.map((b, i) => ({ id: `R${i}`, name: b, code: b, notes: b, label: b, extra: b }))
      const seen = normalizeChunk(oracle, rows)
      assert.strictEqual(seen.failures.length, 0)
      assert.deepStrictEqual(
        seen.ok.map((row) => row.normalized),
        // a raw "" is null in any column (layer 1: Oracle cannot hold it); other blanks in NOT NULL `label` are ""
        rows.map((row) => ({
          id: row.id,
          name: null,
          code: null,
          notes: null,
          label: row.label === "" ? null : "",
          extra: null
        }))
      )
      // Where "" is a value (Planning Center), blank text cleans to "" and stays a value.
      const kept = normalizeChunk(pco, rows)
      assert.strictEqual(kept.failures.length, 0)
      assert.deepStrictEqual(
        kept.ok.map((row) => row.normalized),
        rows.map((row) => ({ id: row.id, name: "", code: "", notes: "", label: "", extra: "" }))
      )
      // Text around the blanks is untouched, and so are other types' blanks (read by their own layers).
      const [text] = normalizeChunk(oracle, [
        { id: "T", name: " a ", code: "B  ", notes: "x\r\n\r\n  ", label: "L" }
      ]).ok
      assert.deepStrictEqual(text?.normalized, { id: "T", name: "a", code: "B", notes: "x", label: "L" })
    })
  )

  it.effect(
    "a record with bad values fails with every issue, its raw and partly normalized data; the others go on",
    () =>
      Effect.gen(function* () {
        const n = yield* normalizer()
        const good = { part_no: "P1", uom: "EA", is_active: "N", list_price: "10" }
        const bad = {
          part_no: "P2",
          uom: "EA",
          is_active: "perhaps",
          list_price: "12 dollars",
          created_date: "31-FEB-20"
        }
        const result = normalizeChunk(n, [good, bad, good])
        assert.strictEqual(result.ok.length, 2)
        assert.strictEqual(result.failures.length, 1)
        const failure = result.failures[0]
        assert.strictEqual(failure?.stage, "normalize")
        assert.strictEqual(failure?.index, 1)
        assert.strictEqual(failure?.errorType, "InvalidNumber")
        assert.deepStrictEqual(
          failure?.issues.map((i) => [i.field, i.step, i.reason, i.value]),
          [
            ["list_price", "parseNumerics", "InvalidNumber", "12 dollars"],
            ["is_active", "coerceType", "InvalidBoolean", "perhaps"],
            ["created_date", "normalizeDateTimes", "InvalidDateTime", "31-FEB-20"]
          ]
        )
        assert.deepStrictEqual(failure?.raw, bad)
        assert.strictEqual(failure?.normalized?.part_no, "P2")
        assert.match(failure?.message ?? "", /list_price: .*12 dollars.*; is_active: .*; created_date: /)
      })
  )

  it.effect("layer 5 renames, transforms and defaults; settings merge per layer", () =>
    Effect.gen(function* () {
      const n = yield* normalizer({
        numbers: { decimalSeparator: "," },
        dates: { timeZone: "Europe/Berlin" },
        mapping: {
          fields: {
            part_no: { to: "item_number", transforms: ["lowercase"] },
            uom: { default: "PCS" },
            description: { trim: false }
          },
          unknownFields: "drop"
        }
      })
      const [row] = normalizeChunk(n, [
        {
          part_no: " PART-1 ",
          uom: null,
          list_price: "1.000,5",
          created_date: "2025-12-08 12:00:00",
          description: " x ",
          junk: 1
        }
      ]).ok
      assert.deepStrictEqual(row?.normalized, {
        item_number: "part-1",
        description: " x ",
        uom: "PCS",
        list_price: "1000.5",
        weight_kg: null,
        commodity_code: null,
        is_active: null,
        created_date: "2025-12-08T11:00:00.000Z",
        guid: null
      })
      assert.deepStrictEqual(n.businessKey, ["item_number"])
      assert.strictEqual(n.columns[0]?.name, "item_number")
    })
  )

  it.effect("bad settings fail when the normalizer is built", () =>
    Effect.gen(function* () {
      const zone = yield* Effect.exit(normalizer({ dates: { timeZone: "Mars/Olympus" } }))
      assert.isTrue(Exit.isFailure(zone))
      const clash = yield* Effect.flip(normalizer({ mapping: { fields: { description: { to: "uom" } } } }))
      assert.strictEqual(clash._tag, "StageConfigError")
      assert.strictEqual(clash.stage, "normalize")
    })
  )

  it.effect("an entity without columns: every field is untyped text", () =>
    Effect.gen(function* () {
      const n = yield* makeNormalizer({ entity: "people", businessKey: ["id"] })
      const result = normalizeChunk(n, [{ id: " 1 ", name: "", age: 42 }])
      assert.deepStrictEqual(result.ok[0]?.normalized, { id: "1", name: null, age: 42 })
      assert.deepStrictEqual(result.unknownFields, ["id", "name", "age"])
    })
  )

  it.effect("an empty chunk", () =>
    Effect.gen(function* () {
      const result = normalizeChunk(yield* normalizer(), [])
      assert.deepStrictEqual([result.ok, result.failures, result.unknownFields], [[], [], []])
    })
  )
})
