/**
 * A Prometheus text scrape parsed for tests: every sample with its name, labels and value, every
 * family's declared type; parsing fails the test on a line that is not the text format.
 */
import { assert } from "@effect/vitest"

/** One sample line. */
export interface ScrapedSample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** A parsed scrape. */
export interface Scrape {
  readonly samples: ReadonlyArray<ScrapedSample>
  /** Each family's `# TYPE`, by family name. */
  readonly types: ReadonlyMap<string, string>
}

const sampleLine =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*",?)*)\})? ([-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NaN|Inf)|\+Inf|-Inf)$/
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g

const unescapeLabel = (value: string): string => value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c))

/** Parses the text format (0.0.4), asserting every line is a comment, a `# HELP`/`# TYPE` line or a sample. */
export const parseScrape = (text: string): Scrape => {
  const samples: Array<ScrapedSample> = []
  const types = new Map<string, string>()
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ")) continue
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ")
      assert.isDefined(name, line)
      assert.notInclude([...types.keys()], name, `family ${name} declared twice`)
      types.set(name ?? "", type ?? "")
      continue
    }
    const match = sampleLine.exec(line)
    assert.isNotNull(match, `not a Prometheus sample line: ${line}`)
    if (match === null) continue
    const labels: Record<string, string> = {}
    for (const pair of (match[2] ?? "").matchAll(labelPair)) labels[pair[1] ?? ""] = unescapeLabel(pair[2] ?? "")
    const raw = match[3] ?? ""
    const value = raw === "+Inf" || raw === "Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw)
    samples.push({ name: match[1] ?? "", labels, value })
  }
  return { samples, types }
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when none. */
export const sampleValue = (
  scrape: Scrape,
  name: string,
  labels: Readonly<Record<string, string>>
): number | undefined => {
  const found = scrape.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)
  )
  assert.isAtMost(found.length, 1, `several ${name} samples match ${JSON.stringify(labels)}`)
  return found[0]?.value
}

/** The names of the metrics a scrape has, counting a histogram's family name besides its `_bucket`, `_sum`, `_count`. */
export const metricNames = (scrape: Scrape): ReadonlySet<string> =>
  new Set([...scrape.types.keys(), ...scrape.samples.map((sample) => sample.name)])
