import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { createBLAKE3, createXXHash128 } from "hash-wasm"
import { makeBusinessKeyHash } from "../../src/stages/identity/BusinessKeyHash.ts"
import {
  canonicalFields,
  canonicalJson,
  canonicalRecord,
  canonicalRow
} from "../../src/stages/identity/canonicalForm.ts"
import { makeDataHash } from "../../src/stages/identity/DataHash.ts"
import { identifyChunk } from "../../src/stages/identity/identifyChunk.ts"
import { makeRecordIdentifier } from "../../src/stages/identity/RecordIdentifier.ts"
import { textDigest } from "../../src/stages/identity/TextDigest.ts"
import { wasmTextDigest } from "../../src/stages/identity/WasmTextDigest.ts"
import type { Mapped, Row } from "../../src/stages/Row.ts"

// Pinned once from the canonical forms documented in canonicalForm.ts. If one of these changes, every
// stored hash in every destination changes: do not update them, fix the code.
const PINNED = {
  itemKey: "0b133500149ce20feaae194eca4d4909", // xxHash128("item_number=PART-12345")
  lineKey: "eba6f67213d173dd44c80464b3ff4bca", // xxHash128("line_no=3|order_no=SO00000001")
  widget: "0e2ce62d47a884df1ff9908b4fdf27de21b4980b8c2975da688a48aba5a69c53", // BLAKE3("desc=Widget|price=10.50|uom=EA")
  mixed: "85fd609aba03e7127c9205542c385b1f95a745e388592160345f209f613ae081",
  empty: "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262" // BLAKE3(""), the published test vector
}

const mixed: Row = {
  a: "x|b=y",
  b: null,
  c: true,
  d: 1.5e21,
  e: "Müller \\ 東京 👍",
  f: { z: 1, a: [true, null] },
  g: "",
  h: -0,
  "k=1": "v"
}

/** The inverse of the canonical form for text values: proves it injective. */
const parseCanonical = (text: string): Record<string, string> => {
  const out: Record<string, string> = {}
  if (text === "") return out
  let name = ""
  let value = ""
  let inValue = false
  const flush = () => {
    out[name] = value
    name = ""
    value = ""
    inValue = false
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? ""
    if (ch === "\\") {
      const next = text[++i] ?? ""
      if (inValue) value += next
      else name += next
    } else if (ch === "=" && !inValue) inValue = true
    else if (ch === "|") flush()
    else if (inValue) value += ch
    else name += ch
  }
  flush()
  return out
}

describe("identity", () => {
  it.effect("pinned business-key hashes (xxHash128 of the canonical key, 32 hex)", () =>
    Effect.gen(function* () {
      const item = yield* makeBusinessKeyHash(["item_number"])
      assert.strictEqual(
        item.canonical({ item_number: "PART-12345", description: "ignored" }),
        "item_number=PART-12345"
      )
      assert.strictEqual(item.hash({ item_number: "PART-12345" }), PINNED.itemKey)
      const line = yield* makeBusinessKeyHash(["order_no", "line_no"])
      assert.strictEqual(line.canonical({ order_no: "SO00000001", line_no: 3 }), "line_no=3|order_no=SO00000001")
      assert.strictEqual(line.hash({ order_no: "SO00000001", line_no: 3 }), PINNED.lineKey)
      // declaration order does not matter
      const reversed = yield* makeBusinessKeyHash(["line_no", "order_no"])
      assert.strictEqual(reversed.hash({ line_no: 3, order_no: "SO00000001" }), PINNED.lineKey)
      assert.strictEqual(item.digest(""), "99aa06d3014798d86001c324468d497f") // xxHash128(""), the published vector
    })
  )

  it.effect("pinned data hashes (BLAKE3 of all data fields sorted by name, 64 hex)", () =>
    Effect.gen(function* () {
      const data = yield* makeDataHash({})
      assert.strictEqual(
        data.canonical({ uom: "EA", price: "10.50", desc: "Widget" }),
        "desc=Widget|price=10.50|uom=EA"
      )
      assert.strictEqual(data.hash({ uom: "EA", price: "10.50", desc: "Widget" }), PINNED.widget)
      assert.strictEqual(
        data.canonical(mixed),
        'a=x\\|b\\=y|c=true|d=1500000000000000000000|e=Müller \\\\ 東京 👍|f={"a":[true,null],"z":1}|g=|h=0|k\\=1=v'
      )
      assert.strictEqual(data.hash(mixed), PINNED.mixed)
      assert.strictEqual(data.hash({}), PINNED.empty)
      assert.strictEqual(data.digest("abc"), "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85")
    })
  )

  it.effect("hashes are lowercase hex of the right length, and the same through the reused hasher every time", () =>
    Effect.gen(function* () {
      const key = yield* makeBusinessKeyHash(["id"])
      const data = yield* makeDataHash({ fields: ["id", "name"] })
      const hashes = Array.from({ length: 3 }, () => [
        key.hash({ id: "1" }),
        data.hash({ id: "1", name: "x".repeat(100_000) })
      ])
      assert.match(hashes[0]?.[0] ?? "", /^[0-9a-f]{32}$/)
      assert.match(hashes[0]?.[1] ?? "", /^[0-9a-f]{64}$/)
      assert.deepStrictEqual(hashes[1], hashes[0])
      assert.deepStrictEqual(hashes[2], hashes[0])
    })
  )

  it("the canonical form is injective: separators inside values and names are escaped", () => {
    const all = (row: Row) => canonicalRow(row)
    assert.notStrictEqual(all({ a: "x|b=y" }), all({ a: "x", b: "y" }))
    assert.notStrictEqual(all({ a: "x\\", b: "y" }), all({ a: "x\\|b=y" }))
    assert.notStrictEqual(all({ "a=b": "c" }), all({ a: "b=c" }))
    assert.notStrictEqual(all({ a: "" }), all({}))
    assert.deepStrictEqual(parseCanonical(all({ a: "x|b=y", "c|d": "\\=" })), { a: "x|b=y", "c|d": "\\=" })
  })

  it("null and missing are the same (omitted); empty text is a value; field order is irrelevant", () => {
    const fields = canonicalFields(["b", "a", "c"])
    assert.strictEqual(canonicalRecord(fields, { a: "1", b: null }), canonicalRecord(fields, { a: "1" }))
    assert.strictEqual(canonicalRecord(fields, { a: "1", b: null }), "a=1")
    assert.strictEqual(canonicalRecord(fields, { a: "1", b: "" }), "a=1|b=")
    assert.strictEqual(canonicalRecord(fields, { c: "3", a: "1" }), canonicalRecord(fields, { a: "1", c: "3" }))
    // fields outside the list are not hashed
    assert.strictEqual(canonicalRecord(fields, { a: "1", z: "9" }), "a=1")
  })

  it("values are encoded by their canonical text", () => {
    const row = (v: unknown) => canonicalRow({ v })
    assert.strictEqual(row(12), row("12"))
    assert.strictEqual(row(1e21), "v=1000000000000000000000")
    assert.strictEqual(row(0.1), "v=0.1")
    assert.strictEqual(row(-0), "v=0")
    assert.strictEqual(row(12n), "v=12")
    assert.strictEqual(row(false), "v=false")
    assert.strictEqual(row(new Date(Date.UTC(2025, 11, 8))), "v=2025-12-08T00:00:00.000Z")
    assert.strictEqual(row(new Uint8Array([1, 2, 3])), "v=AQID")
    assert.strictEqual(row([1, "a|b"]), 'v=[1,"a\\|b"]')
    assert.strictEqual(
      canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: undefined }),
      '{"b":{"c":[{"e":2,"f":1}],"d":1}}'
    )
  })

  it.effect("a column added to the entity, null in existing rows, changes no data hash", () =>
    Effect.gen(function* () {
      const before = yield* makeDataHash({ fields: ["part_no", "price"] })
      const after = yield* makeDataHash({ fields: ["part_no", "price", "planner_code"] })
      const row = { part_no: "P1", price: "10.5" }
      assert.strictEqual(after.hash({ ...row, planner_code: null }), before.hash(row))
      assert.notStrictEqual(after.hash({ ...row, planner_code: "0042" }), before.hash(row))
    })
  )

  it.effect("excluded columns (e.g. a row version) do not count", () =>
    Effect.gen(function* () {
      const data = yield* makeDataHash({ fields: ["id", "name", "row_version"], exclude: ["row_version"] })
      assert.strictEqual(
        data.hash({ id: 1, name: "a", row_version: "1" }),
        data.hash({ id: 1, name: "a", row_version: "2" })
      )
      const perRow = yield* makeDataHash({ exclude: ["row_version"] })
      assert.strictEqual(perRow.canonical({ row_version: "1", name: "a", id: 1 }), "id=1|name=a")
    })
  )

  it.effect("without a column list, each row's own fields: rows of one shape and of others, interleaved", () =>
    Effect.gen(function* () {
      const perRow = yield* makeDataHash({ exclude: ["row_version"] })
      const rows: ReadonlyArray<Row> = [
        { id: 1, name: "a", row_version: "1" },
        { id: 2, name: "b", row_version: "1" },
        { name: "c", id: 3 },
        { id: 4, name: "d", row_version: "2", extra: "x|y" },
        { id: 5, name: "e", row_version: "2" },
        Object.assign(Object.create({ inherited: "i" }) as Record<string, unknown>, { id: 6, name: "f" }),
        JSON.parse('{"id":7,"__proto__":"p"}') as Row,
        {}
      ]
      for (let round = 0; round < 2; round++) {
        for (const row of rows) {
          const own = Object.fromEntries(Object.entries(row).filter(([k]) => k !== "row_version"))
          assert.strictEqual(perRow.canonical(row), canonicalRow(own))
        }
      }
      assert.strictEqual(perRow.canonical(rows[3] as Row), "extra=x\\|y|id=4|name=d")
    })
  )

  it.effect("an empty business key is a configuration error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(makeBusinessKeyHash([]))
      assert.strictEqual(error._tag, "StageConfigError")
    })
  )

  it.effect("identifyChunk: both hashes per row; a row without its full business key fails (stage identity)", () =>
    Effect.gen(function* () {
      const identifier = yield* makeRecordIdentifier({
        columns: [
          { name: "order_no", type: "string", nullable: false, businessKey: true },
          { name: "line_no", type: "integer", nullable: false, businessKey: true },
          { name: "qty", type: "decimal", nullable: true, businessKey: false }
        ],
        businessKey: ["order_no", "line_no"]
      })
      const mapped = (row: Row): Mapped => ({ raw: row, normalized: row, mapped: row })
      const result = identifyChunk(identifier, [
        mapped({ order_no: "SO00000001", line_no: 3, qty: "2" }),
        mapped({ order_no: "SO00000001", line_no: null, qty: "2" }),
        mapped({ order_no: "SO00000001", line_no: 3, qty: null })
      ])
      assert.strictEqual(result.ok.length, 2)
      assert.strictEqual(result.ok[0]?.keyHash, PINNED.lineKey)
      assert.strictEqual(result.ok[1]?.keyHash, PINNED.lineKey)
      assert.notStrictEqual(result.ok[0]?.dataHash, result.ok[1]?.dataHash)
      assert.strictEqual(result.failures[0]?.stage, "identity")
      assert.strictEqual(result.failures[0]?.index, 1)
      assert.deepStrictEqual(
        result.failures[0]?.issues.map((i) => [i.field, i.reason]),
        [["line_no", "MissingBusinessKey"]]
      )
    })
  )

  it.prop(
    "text rows round-trip through the canonical form (so distinct rows have distinct canonical texts)",
    [Schema.Record(Schema.String, Schema.NullOr(Schema.String))],
    ([row]) => {
      const expected: Record<string, string> = {}
      for (const [k, v] of Object.entries(row)) if (v !== null) expected[k] = v
      assert.deepStrictEqual(parseCanonical(canonicalRow(row)), expected)
    }
  )

  it.effect(
    "the digests written straight into hash-wasm's memory equal hash-wasm's own, short, long and non-ASCII",
    () =>
      Effect.gen(function* () {
        const direct = {
          xxhash128: yield* Effect.promise(() => wasmTextDigest("xxhash128")),
          blake3: yield* Effect.promise(() => wasmTextDigest("blake3"))
        }
        const own = {
          xxhash128: textDigest(yield* Effect.promise(() => createXXHash128())),
          blake3: textDigest(yield* Effect.promise(() => createBLAKE3()))
        }
        assert.strictEqual(direct.xxhash128("item_number=PART-12345"), PINNED.itemKey)
        assert.strictEqual(direct.blake3("desc=Widget|price=10.50|uom=EA"), PINNED.widget)
        assert.strictEqual(direct.blake3(""), PINNED.empty)
        const texts = [
          "",
          "a",
          "Müller \\ 東京 👍 \ud800",
          // around the module's 16 KiB input buffer (longer texts go through hash-wasm's update)
          "é".repeat(5461),
          "x".repeat(5462),
          "x".repeat(16_384),
          "y".repeat(100_000),
          ...Array.from({ length: 200 }, (_, i) => `part_no=PART-${i}|price=${i * 1.5}|${"z".repeat(i * 7)}`)
        ]
        for (const text of texts) {
          assert.strictEqual(direct.xxhash128(text), own.xxhash128(text), `xxHash128 of ${text.length} characters`)
          assert.strictEqual(direct.blake3(text), own.blake3(text), `BLAKE3 of ${text.length} characters`)
        }
        // The hashers are independent: interleaved digests do not disturb each other.
        const again = yield* Effect.promise(() => wasmTextDigest("blake3"))
        assert.strictEqual(again("a"), direct.blake3("a"))
        assert.strictEqual(direct.blake3("desc=Widget|price=10.50|uom=EA"), PINNED.widget)
      })
  )
})
