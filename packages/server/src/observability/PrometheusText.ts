/**
 * A small writer of the Prometheus text format (0.0.4) for metrics read at scrape time: each
 * family is written with exactly the samples it has now, so a series whose subject is gone (a
 * deleted connector, a finished run) is simply not written. Effect's `PrometheusMetrics` formats the
 * metrics measured in the process; this writes the ones read from the database and the runtime.
 */

/** The labels of a sample. */
export type Labels = Readonly<Record<string, string>>

/** One sample: its labels, an optional name suffix (`_bucket`, `_sum`, `_count`) and its value. */
export interface Sample {
  readonly labels?: Labels | undefined
  readonly suffix?: string | undefined
  readonly value: number
}

/** A metric family: its name (base units, `_total` for counters), type, help and samples. */
export interface Family {
  readonly name: string
  readonly type: "counter" | "gauge" | "histogram"
  readonly help: string
  readonly samples: ReadonlyArray<Sample>
}

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const formatValue = (value: number): string =>
  Number.isNaN(value) ? "NaN" : value === Infinity ? "+Inf" : value === -Infinity ? "-Inf" : String(value)

const formatLabels = (labels: Labels | undefined): string => {
  const entries = Object.entries(labels ?? {})
  return entries.length === 0 ? "" : `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(",")}}`
}

/** The samples of a histogram from its per-bucket (not cumulative) counts, the last one `+Inf`. */
export const histogramSamples = (
  labels: Labels,
  boundaries: ReadonlyArray<number>,
  buckets: ReadonlyArray<number>,
  sum: number
): ReadonlyArray<Sample> => {
  const samples: Array<Sample> = []
  let cumulative = 0
  boundaries.forEach((boundary, index) => {
    cumulative += buckets[index] ?? 0
    samples.push({ labels: { ...labels, le: String(boundary) }, suffix: "_bucket", value: cumulative })
  })
  cumulative += buckets[boundaries.length] ?? 0
  samples.push({ labels: { ...labels, le: "+Inf" }, suffix: "_bucket", value: cumulative })
  samples.push({ labels, suffix: "_sum", value: sum })
  samples.push({ labels, suffix: "_count", value: cumulative })
  return samples
}

/** The families as Prometheus text (a family without samples is left out). */
export const formatFamilies = (families: ReadonlyArray<Family>): string =>
  families
    .filter((family) => family.samples.length > 0)
    .map((family) =>
      [
        `# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`,
        `# TYPE ${family.name} ${family.type}`,
        ...family.samples.map(
          (sample) => `${family.name}${sample.suffix ?? ""}${formatLabels(sample.labels)} ${formatValue(sample.value)}`
        )
      ].join("\n")
    )
    .map((text) => `${text}\n`)
    .join("")
