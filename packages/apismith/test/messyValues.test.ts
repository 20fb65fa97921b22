import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { ApiDescription } from "../src/discovery/ApiDescription.ts"
import { type CleanValue, ErpDataset } from "../src/testing/index.ts"
import { hasControls } from "./support/referenceNormalizer.ts"

const dataset = ErpDataset.makeErpDataset({ seed: 11, rows: { items: 4000, customers: 1000, orders: 1000 } })
const metadata = dataset.metadata()

interface Served {
  readonly slug: string
  readonly column: string
  readonly type: string | undefined
  readonly value: unknown
}

/** Every value of the first 4,000 rows of each entity, with its column's Oracle type. */
const served: ReadonlyArray<Served> = dataset.slugs.flatMap((slug) => {
  const types = new Map(metadata.find((m) => m.slug === slug)?.columns.map((c) => [c.name, c.data_type]))
  return [1, 2, 3, 4].flatMap((page) =>
    (
      JSON.parse(dataset.renderPage(slug, { page, pageSize: 1000 }).body).rows as Array<{
        data: Record<string, unknown>
      }>
    ).flatMap((row) =>
      Object.entries(row.data).map(([column, value]) => ({ slug, column, type: types.get(column), value }))
    )
  )
})
const rawBodies = dataset.slugs.map(
  (slug) => [slug, dataset.renderPage(slug, { page: 1, pageSize: 1000 }).body] as const
)

const text = (pattern: RegExp, type?: RegExp) => (s: Served) =>
  typeof s.value === "string" && pattern.test(s.value) && (type === undefined || type.test(s.type ?? ""))

const realities: ReadonlyArray<readonly [string, (s: Served) => boolean]> = [
  ["padded string", text(/\S {2,}$/, /^VARCHAR2/)],
  ["CHAR blank padding", text(/^[A-Z]+ +$/, /^CHAR/)],
  ["leading and trailing spaces", text(/^ +\S.* +$/, /^VARCHAR2/)],
  ["tab and CR/LF", text(/^\t.*\r\n$/s)],
  [
    "other control characters",
    (s) => typeof s.value === "string" && ["\u0000", "\u0007", "\u0085"].some((c) => String(s.value).includes(c))
  ],
  ["byte-order mark", text(/\uFEFF/)],
  ['"1,000.50"', text(/^\d{1,3}(,\d{3})+\.\d+$/, /^NUMBER/)],
  ['"1.000,50"', text(/^\d{1,3}(\.\d{3})+,\d+$/, /^NUMBER/)],
  ['"$1,234.00"', text(/^\$\d{1,3}(,\d{3})*\.\d\d$/, /^NUMBER/)],
  ['"1.5E3"', text(/^\d(\.\d+)?E-?\d+$/, /^NUMBER/)],
  ['"  42 "', text(/^ +\d+(\.\d+)? +$/, /^NUMBER/)],
  ["number as text", text(/^\d+\.\d\d$/, /^NUMBER/)],
  ["NUMBER beyond 2^53 as text", text(/^\d{16,}$/, /^NUMBER\(19\)/)],
  ["ISO date-time with Z", text(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)],
  ["ISO date-time with an offset", text(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/)],
  ["YYYY-MM-DD", text(/^\d{4}-\d\d-\d\d$/, /^DATE/)],
  ["DD-MON-RR", text(/^\d\d-[A-Z]{3}-\d\d$/, /^DATE/)],
  ["MM/DD/YYYY", text(/^\d\d\/\d\d\/\d{4}$/, /^DATE/)],
  ["YYYYMMDDHH24MISS", text(/^\d{14}$/, /^DATE/)],
  ["date-time without a zone", text(/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?$/)],
  ['""', (s) => s.value === "" && s.type !== undefined],
  ...["   ", "\t", " \r\n "].map(
    (blank) =>
      [
        `white space only in VARCHAR2: ${JSON.stringify(blank)}`,
        (s: Served) => s.value === blank && /^VARCHAR2/.test(s.type ?? "")
      ] as const
  ),
  ["white space only in CHAR", text(/^[ \t]+$/, /^CHAR/)],
  ["white space only in CLOB", text(/^[ \t\r\n]+$/, /^CLOB/)],
  [
    "white space only in a field missing from the metadata",
    (s) => s.type === undefined && /^\s+$/.test(String(s.value))
  ],
  ["null", (s) => s.value === null && s.type !== undefined],
  ['"Y" / "N"', text(/^[YN]$/, /^BOOLEAN/)],
  ["1 / 0", (s) => (s.value === 1 || s.value === 0) && s.type === "BOOLEAN"],
  ['"TRUE" / "FALSE"', text(/^(TRUE|FALSE)$/, /^BOOLEAN/)],
  ["JSON booleans", (s) => typeof s.value === "boolean"],
  ["code with leading zeros", text(/^0\d+$/, /^VARCHAR2/)],
  ["RAW as base64 without padding", text(/^[A-Za-z0-9+/_-]{22}$/, /^RAW/)],
  ["CLOB with CRLF lines", text(/\r\n/, /^CLOB/)],
  ["field missing from the metadata", (s) => s.type === undefined]
]

describe("the fake's messy values", () => {
  for (const [reality, found] of realities) {
    it(`serves ${reality}`, () => {
      assert.isTrue(served.some(found), reality)
    })
  }

  it("serves NUMBER in exponent form as a JSON number, and UTF-8 both raw and escaped", () => {
    const joined = rawBodies.map(([, body]) => body).join("")
    assert.match(joined, /:\d(\.\d+)?e-?\d+[,}]/)
    assert.match(rawBodies.find(([slug]) => slug === "customers")?.[1] ?? "", /[\u00a0-\uffff]/)
    assert.match(rawBodies.find(([slug]) => slug === "items")?.[1] ?? "", /\\u00d8/)
  })

  it("its ground truth is clean: trimmed text without control characters, canonical numbers, ISO instants", () => {
    const types = new Map(metadata.flatMap((m) => m.columns.map((c) => [`${m.slug}.${c.name}`, c.data_type] as const)))
    const problems: Array<string> = []
    const check = (where: string, type: string, value: CleanValue) => {
      if (value === null) return
      if (/^(N?VARCHAR2|N?CHAR|CLOB)/.test(type)) {
        if (
          typeof value !== "string" ||
          value !== value.trim() ||
          hasControls(value) ||
          value.includes("\r") ||
          value === ""
        ) {
          problems.push(`${where}: ${JSON.stringify(value)}`)
        }
      } else if (/^NUMBER\(\d+\)$/.test(type)) {
        if (
          !(typeof value === "number" && Number.isSafeInteger(value)) &&
          !(typeof value === "string" && /^\d+$/.test(value))
        ) {
          problems.push(`${where}: ${JSON.stringify(value)}`)
        }
      } else if (/^NUMBER/.test(type)) {
        if (typeof value !== "string" || !/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/.test(value))
          problems.push(`${where}: ${JSON.stringify(value)}`)
      } else if (/^(DATE|TIMESTAMP)/.test(type)) {
        if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value))
          problems.push(`${where}: ${value}`)
      } else if (type === "BOOLEAN") {
        if (typeof value !== "boolean") problems.push(`${where}: ${JSON.stringify(value)}`)
      } else if (/^RAW/.test(type)) {
        if (typeof value !== "string" || !/^[A-Za-z0-9+/]{22}==$/.test(value)) problems.push(`${where}: ${value}`)
      }
    }
    for (const slug of dataset.slugs) {
      let n = 0
      for (const row of dataset.cleanRows(slug)) {
        for (const [column, value] of Object.entries(row.values))
          check(`${slug}.${column}`, types.get(`${slug}.${column}`) ?? "", value)
        if (++n === 3000) break
      }
    }
    assert.deepStrictEqual(problems.slice(0, 5), [])
    // leading zeros survive; CHAR padding does not
    const first = dataset.cleanRows("customers").next().value
    assert.strictEqual(first?.values.customer_id, "0000001")
    assert.deepStrictEqual(first?.oracleKeys, { CUSTOMER_ID: "0000001" })
  })

  it("serves metadata that decodes with the discovery schema", () => {
    for (const api of metadata) assert.doesNotThrow(() => Schema.decodeUnknownSync(ApiDescription)(api), api.slug)
  })
})
