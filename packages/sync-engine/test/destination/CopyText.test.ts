/**
 * The COPY text encoding on its own: escapes, NULL versus the empty string, every value type's
 * input syntax, batching, and invalid values reported with their row and column.
 */
import { assert, describe, it } from "@effect/vitest"
import { encodingForPgType } from "../../src/destination/ColumnEncoding.ts"
import { copyBatches, escapeField } from "../../src/destination/CopyText.ts"
import { InvalidValue } from "../../src/destination/DestinationError.ts"
import type { IngestRow } from "../../src/destination/TableDestination.ts"
import type { PlannedColumn } from "../../src/destination/TablePlan.ts"

const planned = (name: string, typname: string): PlannedColumn => {
  const encoding = encodingForPgType(typname)
  if (encoding === undefined) throw new Error(`no encoding for ${typname}`)
  return { name, quoted: `"${name}"`, encoding, type: typname }
}

const columns = [
  planned("s", "text"),
  planned("i", "int8"),
  planned("d", "numeric"),
  planned("b", "bool"),
  planned("day", "date"),
  planned("at", "timestamptz"),
  planned("j", "jsonb"),
  planned("x", "bytea")
]

/** All batches of the rows, decoded, or the invalid value met. */
const encode = (rows: ReadonlyArray<IngestRow>, batchBytes?: number): string | InvalidValue => {
  const batches = copyBatches(rows, columns, (index) => index + 100, batchBytes)
  let text = ""
  for (let batch = batches.next(); batch !== undefined; batch = batches.next()) {
    if (batch instanceof InvalidValue) return batch
    text += Buffer.from(batch).toString("utf8")
  }
  return text
}

const identity = { _bk_hash: "bk1", _data_hash: "dh1" }

describe("CopyText", () => {
  it("escapes backslash, tab, newline and carriage return, and nothing else", () => {
    assert.strictEqual(escapeField("plain ünïcödé 表 🚀"), "plain ünïcödé 表 🚀")
    assert.strictEqual(escapeField("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e")
    assert.strictEqual(escapeField("\\N"), "\\\\N")
    assert.strictEqual(escapeField("\\."), "\\\\.")
    assert.strictEqual(escapeField(""), "")
  })

  it("writes each type in its input syntax, NULL as \\N and the empty string as nothing", () => {
    const text = encode([
      {
        s: "tab\there\\N",
        i: 9_007_199_254_740_993n,
        d: "-12345678901234567890.0001",
        b: false,
        day: "2024-02-29T23:59:59Z",
        at: "2025-12-08T10:30:00.123456+02:00",
        j: { quote: 'say "hi"\n', back: "\\" },
        x: new Uint8Array([0, 9, 10, 92, 255]),
        ...identity,
        _row_version: 42 as unknown as string
      },
      { s: "", i: null, ...identity, _row_version: null },
      { s: null, i: "-7", d: 0.5, b: true, day: new Date("2025-01-02T00:00:00Z"), at: new Date(0), ...identity }
    ])
    assert.strictEqual(
      text,
      [
        [
          "tab\\there\\\\N",
          "9007199254740993",
          "-12345678901234567890.0001",
          "f",
          "2024-02-29",
          "2025-12-08T10:30:00.123456+02:00",
          '{"quote":"say \\\\"hi\\\\"\\\\n","back":"\\\\\\\\"}',
          "\\\\x00090a5cff",
          "bk1",
          "dh1",
          "42"
        ].join("\t"),
        ["", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "bk1", "dh1", "\\N"].join("\t"),
        ["\\N", "-7", "0.5", "t", "2025-01-02", "1970-01-01T00:00:00.000Z", "\\N", "\\N", "bk1", "dh1", "\\N"].join(
          "\t"
        ),
        ""
      ].join("\n")
    )
  })

  it("encodes a chunk in batches of about the requested size, each ending at a row boundary", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ s: `row ${i}`, ...identity }))
    const batches = copyBatches(rows, columns, (index) => index, 4096)
    const sizes: Array<number> = []
    let text = ""
    for (let batch = batches.next(); batch !== undefined; batch = batches.next()) {
      assert.instanceOf(batch, Uint8Array)
      if (!(batch instanceof Uint8Array)) return
      sizes.push(batch.length)
      const decoded = Buffer.from(batch).toString("utf8")
      assert.isTrue(decoded.endsWith("\n"))
      text += decoded
    }
    assert.isAbove(sizes.length, 5)
    assert.isTrue(sizes.every((size) => size < 4096 + 200))
    assert.strictEqual(text.split("\n").length - 1, 1000)
    assert.strictEqual(batches.encoded(), 1000)
  })

  it("reports the first invalid value with its column and its position in the caller's chunk", () => {
    const rows: Array<IngestRow> = [
      { s: "ok", ...identity },
      { s: "ok", i: 1.5, ...identity },
      { s: "nul\u0000", ...identity }
    ]
    const invalid = encode(rows)
    assert.instanceOf(invalid, InvalidValue)
    if (!(invalid instanceof InvalidValue)) return
    assert.deepStrictEqual([invalid.column, invalid.row], ["i", 101])
    const noHash = encode([{ s: "ok", _bk_hash: "", _data_hash: "dh" }])
    assert.deepStrictEqual(noHash instanceof InvalidValue ? [noHash.column, noHash.row] : [], ["_bk_hash", 100])
    const badVersion = encode([{ ...identity, _row_version: { v: 1 } as unknown as string }])
    assert.deepStrictEqual(badVersion instanceof InvalidValue ? badVersion.column : undefined, "_row_version")
  })
})
