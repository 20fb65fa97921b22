/**
 * Node.js process and runtime metrics, read at each scrape: CPU time, resident memory, heap,
 * event-loop delay (since the previous scrape) and garbage-collection pauses. They use the names of
 * prom-client's default metrics (`process_*`, `nodejs_*`), so dashboards made for Node services read
 * them as they are; they are measured here with `node:perf_hooks` rather than through prom-client,
 * which keeps its own registry beside Effect's and would add a dependency for a few gauges.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks"
import { Effect, Predicate, type Scope } from "effect"
import { type Family, histogramSamples } from "./PrometheusText.ts"

/** The GC pause histogram's bucket bounds (seconds), prom-client's. */
const gcBoundaries = [0.001, 0.01, 0.1, 1, 2, 5]

const gcKinds: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb"
}

interface GcHistogram {
  readonly buckets: Array<number>
  sum: number
}

/** The runtime's metric families, built from what the monitors saw since the last call. */
export interface RuntimeMonitor {
  readonly families: () => ReadonlyArray<Family>
}

const startedSeconds = (Date.now() - performance.now()) / 1000

/** Starts the event-loop delay and GC monitors for the life of the scope. */
export const startRuntimeMonitor: Effect.Effect<RuntimeMonitor, never, Scope.Scope> = Effect.gen(function* () {
  const loop = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const histogram = monitorEventLoopDelay({ resolution: 20 })
      histogram.enable()
      return histogram
    }),
    (histogram) => Effect.sync(() => histogram.disable())
  )
  const gc = new Map<string, GcHistogram>()
  yield* Effect.acquireRelease(
    Effect.sync(() => {
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const detail: unknown = "detail" in entry ? entry.detail : undefined
          const code = Predicate.hasProperty(detail, "kind") && typeof detail.kind === "number" ? detail.kind : -1
          const kind = gcKinds[code] ?? "other"
          const seconds = entry.duration / 1000
          let histogram = gc.get(kind)
          if (histogram === undefined) {
            histogram = { buckets: new Array<number>(gcBoundaries.length + 1).fill(0), sum: 0 }
            gc.set(kind, histogram)
          }
          const index = gcBoundaries.findIndex((bound) => seconds <= bound)
          const at = index < 0 ? gcBoundaries.length : index
          histogram.buckets[at] = (histogram.buckets[at] ?? 0) + 1
          histogram.sum += seconds
        }
      })
      observer.observe({ entryTypes: ["gc"] })
      return observer
    }),
    (observer) => Effect.sync(() => observer.disconnect())
  )

  const families = (): ReadonlyArray<Family> => {
    const cpu = process.cpuUsage()
    const memory = process.memoryUsage()
    const lag = (nanos: number) => (Number.isFinite(nanos) ? nanos / 1e9 : 0)
    const delay = { mean: lag(loop.mean), p99: lag(loop.percentile(99)), max: lag(loop.max) }
    loop.reset()
    const gauge = (name: string, help: string, value: number): Family => ({
      name,
      type: "gauge",
      help,
      samples: [{ value }]
    })
    const counter = (name: string, help: string, value: number): Family => ({
      name,
      type: "counter",
      help,
      samples: [{ value }]
    })
    return [
      counter("process_cpu_user_seconds_total", "User CPU time spent, in seconds", cpu.user / 1e6),
      counter("process_cpu_system_seconds_total", "System CPU time spent, in seconds", cpu.system / 1e6),
      counter("process_cpu_seconds_total", "User and system CPU time spent, in seconds", (cpu.user + cpu.system) / 1e6),
      gauge("process_resident_memory_bytes", "Resident memory size, in bytes", memory.rss),
      gauge("process_start_time_seconds", "When the process started, in seconds since the Unix epoch", startedSeconds),
      gauge("nodejs_heap_size_total_bytes", "V8 heap size, in bytes", memory.heapTotal),
      gauge("nodejs_heap_size_used_bytes", "V8 heap used, in bytes", memory.heapUsed),
      gauge(
        "nodejs_external_memory_bytes",
        "Memory of C++ objects bound to JavaScript objects, in bytes",
        memory.external
      ),
      gauge("nodejs_eventloop_lag_seconds", "Mean event-loop delay since the previous scrape, in seconds", delay.mean),
      gauge(
        "nodejs_eventloop_lag_p99_seconds",
        "99th percentile of the event-loop delay since the previous scrape",
        delay.p99
      ),
      gauge(
        "nodejs_eventloop_lag_max_seconds",
        "Longest event-loop delay since the previous scrape, in seconds",
        delay.max
      ),
      {
        name: "nodejs_gc_duration_seconds",
        type: "histogram",
        help: "Garbage collection pauses, by kind (major, minor, incremental, weakcb)",
        samples: [...gc.entries()].flatMap(([kind, histogram]) =>
          histogramSamples({ kind }, gcBoundaries, histogram.buckets, histogram.sum)
        )
      }
    ]
  }
  return { families }
})
