import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { fieldType } from "../../src/stages/normalize/FieldType.ts"
import type { DateTimeOptions } from "../../src/stages/normalize/NormalizeOptions.ts"
import { normalizeDateTimes, normalizeDateTimesStep } from "../../src/stages/normalize/normalizeDateTimes.ts"
import { column, field, outcome } from "./fixtures.ts"

const ts = field("timestamp", "TIMESTAMP(6)")
const dateSource = field("timestamp", "DATE")
const tz = field("timestamp", "TIMESTAMP WITH TIME ZONE")
const day = field("date", "DATE")

const run = (f: ReturnType<typeof field>, input: unknown, options?: DateTimeOptions) => {
  const step = normalizeDateTimesStep(f, options)
  if (step === undefined) throw new Error("no step")
  return outcome(step(input))
}

describe("normalizeDateTimes (layer 4)", () => {
  const timestamps: ReadonlyArray<readonly [unknown, unknown, DateTimeOptions?]> = [
    // the spec's formats
    ["1995-06-02T04:29:11Z", "1995-06-02T04:29:11.000Z"],
    ["1995-06-02T04:29:11.123Z", "1995-06-02T04:29:11.123Z"],
    ["2025-12-08T12:00:00+02:00", "2025-12-08T10:00:00.000Z"],
    ["2025-12-08T12:00:00-05:30", "2025-12-08T17:30:00.000Z"],
    ["2025-12-08T12:00:00-0530", "2025-12-08T17:30:00.000Z"],
    ["2025-12-08T12:00:00+05", "2025-12-08T07:00:00.000Z"],
    ["2025-12-08T00:30:00+01:00", "2025-12-07T23:30:00.000Z"],
    ["2025-12-08", "2025-12-08T00:00:00.000Z"],
    ["17-DEC-80", "1980-12-17T00:00:00.000Z"],
    ["17-dec-80", "1980-12-17T00:00:00.000Z"],
    ["7-JAN-24", "2024-01-07T00:00:00.000Z"],
    ["01-JAN-49", "2049-01-01T00:00:00.000Z"],
    ["01-JAN-50", "1950-01-01T00:00:00.000Z"],
    ["01-JAN-49", "1949-01-01T00:00:00.000Z", { pivotYear: 30 }],
    ["17-DEC-1980", "1980-12-17T00:00:00.000Z"],
    ["17-DEC-80 13:45:10", "1980-12-17T13:45:10.000Z"],
    ["20251208120000", "2025-12-08T12:00:00.000Z"],
    ["20251208", "2025-12-08T00:00:00.000Z"],
    ["12/08/2025", "2025-12-08T00:00:00.000Z"],
    ["12/08/2025", "2025-08-12T00:00:00.000Z", { slashOrder: "DMY" }],
    ["1/2/2025 7:05", "2025-01-02T07:05:00.000Z"],
    // more ISO spellings
    ["2025-12-08 10:30:00", "2025-12-08T10:30:00.000Z"],
    ["2025-12-08 10:30:00.123456", "2025-12-08T10:30:00.123456Z"],
    ["2025-12-08T10:30:00.123456789Z", "2025-12-08T10:30:00.123456Z"],
    ["2025-12-08T10:30:00.1234Z", "2025-12-08T10:30:00.123400Z"],
    ["2025-12-08T10:30:00.5Z", "2025-12-08T10:30:00.500Z"],
    ["2025-12-08T10:30:00,5Z", "2025-12-08T10:30:00.500Z"],
    ["2025-12-08T10:30Z", "2025-12-08T10:30:00.000Z"],
    ["2025-12-08t10:30:00z", "2025-12-08T10:30:00.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["0001-01-01", "0001-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
    [new Date(Date.UTC(2025, 11, 8, 12)), "2025-12-08T12:00:00.000Z"],
    ["", null],
    ["   ", null],
    [null, null],
    // zone-less values in the connector's zone
    ["2025-12-08T12:00:00", "2025-12-08T11:00:00.000Z", { timeZone: "Europe/Berlin" }],
    ["2025-07-01T12:00:00", "2025-07-01T10:00:00.000Z", { timeZone: "Europe/Berlin" }],
    ["2025-12-08T12:00:00Z", "2025-12-08T12:00:00.000Z", { timeZone: "Europe/Berlin" }],
    ["2025-03-30T02:30:00", "2025-03-30T01:30:00.000Z", { timeZone: "Europe/Berlin" }],
    ["2025-10-26T02:30:00", "2025-10-26T00:30:00.000Z", { timeZone: "Europe/Berlin" }],
    ["12/08/2025", "2025-12-08T05:00:00.000Z", { timeZone: "America/New_York" }],
    ["17-DEC-80", "1980-12-16T15:00:00.000Z", { timeZone: "Asia/Tokyo" }],
    ["2025-12-08T12:00:00", "2025-12-08T06:30:00.000Z", { timeZone: "+05:30" }],
    ["2025-12-08T12:00:00.123456", "2025-12-08T11:00:00.123456Z", { timeZone: "Europe/Berlin" }],
    // rejected
    ["2023-02-29", { issue: "InvalidDateTime" }],
    ["2025-13-01", { issue: "InvalidDateTime" }],
    ["2025-12-00", { issue: "InvalidDateTime" }],
    ["2025-12-08T24:00:00Z", { issue: "InvalidDateTime" }],
    ["2025-12-08T23:59:60Z", { issue: "InvalidDateTime" }],
    ["2025-12-08T12:00:00+19:00", { issue: "InvalidDateTime" }],
    ["31-FOO-20", { issue: "InvalidDateTime" }],
    ["31-APR-20", { issue: "InvalidDateTime" }],
    ["13/13/2025", { issue: "InvalidDateTime" }],
    ["2025/12/08", { issue: "InvalidDateTime" }],
    ["not a date", { issue: "InvalidDateTime" }],
    ["0000-01-01", { issue: "InvalidDateTime" }],
    ["0001-01-01T00:30:00+01:00", { issue: "DateTimeOutOfRange" }],
    [new Date(Number.NaN), { issue: "InvalidDateTime" }],
    [1733659200000, { issue: "TypeMismatch" }]
  ]
  for (const [input, expected, options] of timestamps) {
    it(`timestamp ${input instanceof Date ? "Date" : JSON.stringify(input)}${options ? ` ${JSON.stringify(options)}` : ""}`, () => {
      assert.deepStrictEqual(run(ts, input, options), expected)
    })
  }

  it("DATE values labelled Z: trusted by default, read as wall clock in the zone with zoneOnDateSource: ignore", () => {
    const options = { timeZone: "Europe/Berlin", zoneOnDateSource: "ignore" } as const
    assert.strictEqual(
      run(dateSource, "2025-12-08T12:00:00Z", { timeZone: "Europe/Berlin" }),
      "2025-12-08T12:00:00.000Z"
    )
    assert.strictEqual(run(dateSource, "2025-12-08T12:00:00Z", options), "2025-12-08T11:00:00.000Z")
    // only DATE columns: a TIMESTAMP WITH TIME ZONE keeps its zone
    assert.strictEqual(run(tz, "2025-12-08T12:00:00Z", options), "2025-12-08T12:00:00.000Z")
  })

  const dates: ReadonlyArray<readonly [unknown, unknown, DateTimeOptions?]> = [
    ["2025-12-08", "2025-12-08"],
    ["17-DEC-80", "1980-12-17"],
    ["12/08/2025", "2025-12-08"],
    ["20251208000000", "2025-12-08"],
    ["2025-12-08T00:00:00Z", "2025-12-08"],
    ["2025-12-08T00:00:00+02:00", "2025-12-08"],
    ["2025-12-08T00:00:00", "2025-12-08", { timeZone: "Asia/Tokyo" }],
    [new Date(Date.UTC(2025, 11, 8)), "2025-12-08"],
    ["2025-12-08T02:00:00+02:00", { issue: "DateHasTime" }],
    ["20251208120000", { issue: "DateHasTime" }],
    ["20251208120000", "2025-12-08", { timeOnDate: "truncate" }],
    [new Date(Date.UTC(2025, 11, 8, 1)), { issue: "DateHasTime" }],
    ["2025-02-30", { issue: "InvalidDateTime" }]
  ]
  for (const [input, expected, options] of dates) {
    it(`date ${input instanceof Date ? "Date" : JSON.stringify(input)}${options ? ` ${JSON.stringify(options)}` : ""}`, () => {
      assert.deepStrictEqual(run(day, input, options), expected)
    })
  }

  it("applies to declared date and timestamp columns only", () => {
    assert.strictEqual(normalizeDateTimesStep(field("string", "VARCHAR2(20)")), undefined)
    const layer = normalizeDateTimes([column("created", "timestamp", "DATE"), column("note", "string")].map(fieldType))
    const { record, issues } = layer({ created: "17-DEC-80", note: "17-DEC-80", bad: "x" })
    assert.deepStrictEqual(record, { created: "1980-12-17T00:00:00.000Z", note: "17-DEC-80", bad: "x" })
    assert.strictEqual(issues.length, 0)
    assert.deepStrictEqual(
      layer({ created: "yesterday" }).issues.map((i) => [i.field, i.step, i.reason]),
      [["created", "normalizeDateTimes", "InvalidDateTime"]]
    )
  })

  it.prop(
    "every instant of years 1-9999 survives its own ISO text and the Oracle compact form",
    [Schema.Int.check(Schema.isBetween({ minimum: -62_135_596_800_000, maximum: 253_402_300_799_999 }))],
    ([ms]) => {
      const iso = new Date(ms).toISOString()
      assert.strictEqual(run(ts, iso), iso)
      const compact = iso.slice(0, 19).replace(/[-:T]/g, "")
      assert.strictEqual(run(ts, compact), `${iso.slice(0, 19)}.000Z`)
    }
  )
})
