/**
 * The health of each connector's upstream, for `/api/v1/health/connectors`: its adapter's
 * `testConnection` run as a health probe (see adapter-core's `HealthProbe`: no rate-limit budget
 * spent, no retries, the circuit breaker the syncs use neither consulted nor fed), and each result
 * cached for `SYNCFLOW_HEALTH_TTL_SECONDS` (30 s by default). However often a load balancer or a
 * monitor asks, each upstream gets at most one probe per cache period.
 */
import { asHealthProbe } from "@syncflow/adapter-core"
import { ConnectorStore, type StateStoreError } from "@syncflow/sync-engine"
import { Cache, Clock, Context, Duration, Effect, Layer } from "effect"
import { ServerConfig } from "../config/ServerConfig.ts"
import { ConnectorRuntimes } from "./ConnectorRuntimes.ts"

/** How long one probe may take before its connector counts as down. */
export const probeTimeout = Duration.seconds(10)

/** One connector's probe: `ok`, or `down` with why; when it ran and how long it took. */
export interface ConnectorCheck {
  readonly connectorId: string
  readonly status: "ok" | "down"
  readonly message?: string
  readonly latencyMs: number
  /** When the probe ran (the answer is cached until this plus the cache period). */
  readonly checkedAt: Date
}

/** What the health of connectors is made of: which connectors there are, and how one is probed. */
export interface ProbeSource {
  readonly connectorIds: Effect.Effect<ReadonlyArray<string>, StateStoreError>
  readonly probe: (connectorId: string) => Effect.Effect<void, { readonly message: string }>
}

/** The connectors' upstream health, each probe cached. */
export class ConnectorHealth extends Context.Service<
  ConnectorHealth,
  {
    /**
     * Every stored connector's latest probe (a fresh one for those whose cached probe expired);
     * fails when the connectors cannot be read.
     */
    readonly check: Effect.Effect<ReadonlyArray<ConnectorCheck>, StateStoreError>
  }
>()("@syncflow/server/ConnectorHealth") {
  /** Probes from `source`, each connector's answer cached for `timeToLive` (on the `Clock`). */
  static readonly make = Effect.fnUntraced(function* (source: ProbeSource, timeToLive: Duration.Input) {
    const probe = Effect.fnUntraced(function* (connectorId: string) {
      const start = yield* Clock.currentTimeMillis
      const outcome = yield* source.probe(connectorId).pipe(
        Effect.timeoutOrElse({
          duration: probeTimeout,
          orElse: () => Effect.fail({ message: `no answer within ${Duration.format(probeTimeout)}` })
        }),
        Effect.result
      )
      const end = yield* Clock.currentTimeMillis
      const check: ConnectorCheck =
        outcome._tag === "Success"
          ? { connectorId, status: "ok", latencyMs: end - start, checkedAt: new Date(start) }
          : {
              connectorId,
              status: "down",
              message: outcome.failure.message,
              latencyMs: end - start,
              checkedAt: new Date(start)
            }
      return check
    })
    const cache = yield* Cache.make({ lookup: probe, capacity: 10_000, timeToLive })
    return ConnectorHealth.of({
      check: source.connectorIds.pipe(
        Effect.flatMap((ids) => Effect.forEach(ids, (id) => Cache.get(cache, id), { concurrency: 8 })),
        Effect.withSpan("ConnectorHealth.check")
      )
    })
  })

  /**
   * The stored connectors, each probed through its runtime's adapter (`testConnection` as a
   * health probe), cached for `SYNCFLOW_HEALTH_TTL_SECONDS`.
   */
  static readonly layer: Layer.Layer<ConnectorHealth, never, ServerConfig | ConnectorStore | ConnectorRuntimes> =
    Layer.effect(
      ConnectorHealth,
      Effect.gen(function* () {
        const settings = yield* ServerConfig
        const connectorStore = yield* ConnectorStore
        const runtimes = yield* ConnectorRuntimes
        return yield* ConnectorHealth.make(
          {
            connectorIds: Effect.map(connectorStore.listConnectors, (connectors) => connectors.map((c) => c.id)),
            probe: (connectorId) =>
              Effect.flatMap(runtimes.get(connectorId), (running) =>
                asHealthProbe(running.runtime.adapter.testConnection)
              )
          },
          Duration.seconds(settings.healthTtlSeconds)
        )
      })
    )
}
