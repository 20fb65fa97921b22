/**
 * The count of retried adapter calls, `syncflow_upstream_retries_total`, by upstream host and the
 * error retried (`RateLimited`, `RequestTimeout`, `UpstreamUnavailable`): an Effect metric, so any
 * program using adapter-core reads it from its metric registry (the SyncFlow server serves it at
 * `/metrics`).
 */
import { type Effect, Metric } from "effect"
import { isAdapterError } from "../errors/AdapterError.ts"

/** Retries of adapter calls, by host and retried error. */
export const upstreamRetries = Metric.counter("syncflow_upstream_retries_total", {
  description:
    "Adapter calls retried after a transient failure, by upstream host and error (RateLimited, RequestTimeout, UpstreamUnavailable)",
  incremental: true
})

/** Counts one retry of a call to `host` (`none` for a call that is not an HTTP request) after `error`. */
export const countRetry = (host: string | undefined, error: unknown): Effect.Effect<void> =>
  Metric.update(
    Metric.withAttributes(upstreamRetries, {
      host: host ?? "none",
      error: isAdapterError(error) ? error._tag : "other"
    }),
    1
  )
