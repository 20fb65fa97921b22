/**
 * Health probes: requests sent straight to the upstream, outside the resilience a sync's requests
 * go through. While `HealthProbe` is `true` in a fiber, the adapter client's requests spend no
 * rate-limit budget (and teach it nothing), neither consult nor count in their host's circuit
 * breaker, and are not retried: a probe costs the upstream exactly the requests it makes, and never
 * slows a sync down or opens the circuit its requests go through.
 */
import { Context, Effect } from "effect"

/** Whether the current requests are a health probe's (`false` unless {@link asHealthProbe} set it). */
export const HealthProbe = Context.Reference<boolean>("@syncflow/adapter-core/HealthProbe", {
  defaultValue: () => false
})

/** Runs `effect` (e.g. an adapter's `testConnection`) as a health probe. */
export const asHealthProbe = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, HealthProbe, true)

/** `guarded` (the request through a resilience middleware), or `plain` inside a health probe. */
export const unlessProbing = <A, E, R, E2, R2>(
  plain: Effect.Effect<A, E, R>,
  guarded: Effect.Effect<A, E2, R2>
): Effect.Effect<A, E | E2, R | R2> =>
  Effect.flatMap(
    Effect.service(HealthProbe),
    (probing): Effect.Effect<A, E | E2, R | R2> => (probing ? plain : guarded)
  )
