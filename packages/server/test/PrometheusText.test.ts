/**
 * The Prometheus text writer of the metrics read at scrape time: label values escaped, histograms
 * cumulative with `+Inf`, `_sum` and `_count`, families without samples left out, and the output
 * parsed back by the scrape parser the other tests use.
 */
import { assert, describe, it } from "@effect/vitest"
import { formatFamilies, histogramSamples } from "../src/observability/PrometheusText.ts"
import { parseScrape, sampleValue } from "./scrape.ts"

describe("PrometheusText", () => {
  it("escapes label values, writes histograms cumulatively and leaves out empty families", () => {
    const text = formatFamilies([
      {
        name: "demo_rows_total",
        type: "counter",
        help: "Rows\nby entity",
        samples: [{ labels: { entity: 'odd "name"\\path\nline' }, value: 3 }]
      },
      { name: "demo_absent", type: "gauge", help: "Nothing now", samples: [] },
      {
        name: "demo_duration_seconds",
        type: "histogram",
        help: "Durations",
        samples: histogramSamples({ entity: "items" }, [1, 5], [2, 0, 1], 12.5)
      },
      { name: "demo_ratio", type: "gauge", help: "Not a number yet", samples: [{ value: Number.NaN }] }
    ])
    assert.include(text, "# HELP demo_rows_total Rows\\nby entity\n# TYPE demo_rows_total counter\n")
    assert.include(text, 'demo_rows_total{entity="odd \\"name\\"\\\\path\\nline"} 3\n')
    assert.notInclude(text, "demo_absent")
    const parsed = parseScrape(text)
    assert.strictEqual(sampleValue(parsed, "demo_rows_total", {}), 3)
    assert.strictEqual(parsed.samples[0]?.labels.entity, 'odd "name"\\path\nline')
    assert.deepStrictEqual(
      ["1", "5", "+Inf"].map((le) => sampleValue(parsed, "demo_duration_seconds_bucket", { le })),
      [2, 2, 3]
    )
    assert.strictEqual(sampleValue(parsed, "demo_duration_seconds_sum", {}), 12.5)
    assert.strictEqual(sampleValue(parsed, "demo_duration_seconds_count", {}), 3)
    assert.isNaN(sampleValue(parsed, "demo_ratio", {}))
    assert.strictEqual(parsed.types.get("demo_duration_seconds"), "histogram")
    assert.isTrue(text.endsWith("\n"))
  })
})
