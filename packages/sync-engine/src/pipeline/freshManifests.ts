/**
 * Schema drift on schedule: every sync (scheduled, triggered, workflow, CLI) asks for its
 * connector's manifests through here before it lists, so columns the source gained since the last
 * discovery reach the table without a manual `discover`. Discovering costs a metadata request, so
 * the stored manifests are reused while the connector's last discovery is younger than its
 * discovery TTL (10 minutes by default; `0` rediscovers before every sync). A rediscovery replaces
 * the stored manifests and keeps each entity's sync settings (`ManifestStore.saveManifests`).
 *
 * The age is measured with the Effect `Clock` against the stored `discovered_at` (written with the
 * same clock), so every process of a cluster shares the cache and tests drive it with `TestClock`.
 * A discovery older than the connector's last change (`changedAt`: new settings, e.g. a `rest`
 * connector's replaced document) is stale whatever its age: the next sync rediscovers.
 * When the source's metadata cannot be read but manifests are stored, the sync goes on with them
 * (logged as a warning): data the old manifests describe is still synced.
 */
import type { Adapter, AdapterError, EntityManifest } from "@syncflow/adapter-core"
import { Clock, Duration, Effect } from "effect"
import { ManifestStore } from "../state/ManifestStore.ts"
import type { StateStoreError } from "../state/StateStoreError.ts"

/** How long discovered manifests are reused when a connector does not say: 10 minutes. */
export const defaultDiscoveryTtl: Duration.Duration = Duration.minutes(10)

/** What {@link freshManifests} found. */
export interface FreshManifests {
  /**
   * The manifests of the entities the connector's latest discovery found (this call's, when it
   * rediscovered); every stored one when the metadata could not be read.
   */
  readonly manifests: ReadonlyArray<EntityManifest>
  /** Whether the source's metadata was read (and stored) by this call. */
  readonly rediscovered: boolean
}

/**
 * The connector's manifests, rediscovered from the adapter when the last discovery is older than
 * `ttl` or than `changedAt` (epoch milliseconds of the connector's last change), or there is none;
 * else as stored.
 */
export const freshManifests = Effect.fnUntraced(function* (
  connectorId: string,
  adapter: Adapter,
  ttl: Duration.Input | undefined,
  changedAt?: number | undefined
): Effect.fn.Return<FreshManifests, AdapterError | StateStoreError, ManifestStore> {
  const manifestStore = yield* ManifestStore
  const stored = yield* manifestStore.listManifests(connectorId)
  const now = yield* Clock.currentTimeMillis
  const maxAge = Duration.toMillis(ttl ?? defaultDiscoveryTtl)
  const newest = stored.reduce((at, entity) => Math.max(at, entity.discoveredAt.epochMilliseconds), -Infinity)
  if (stored.length > 0 && now - newest < maxAge && (changedAt === undefined || newest >= changedAt)) {
    // A discovery stores all it found at once: older rows are entities it no longer found.
    const current = stored.filter((entity) => entity.discoveredAt.epochMilliseconds === newest)
    return { manifests: current.map((entity) => entity.manifest), rediscovered: false }
  }
  const discovered = yield* adapter.manifests.pipe(
    Effect.map((manifests): ReadonlyArray<EntityManifest> | undefined => manifests),
    Effect.catch((error) =>
      stored.length === 0
        ? Effect.fail(error)
        : Effect.logWarning("rediscovery failed; syncing with the stored manifests").pipe(
            Effect.annotateLogs({
              connector: connectorId,
              error: error.message
            }),
            Effect.as(undefined)
          )
    )
  )
  if (discovered === undefined) return { manifests: stored.map((entity) => entity.manifest), rediscovered: false }
  yield* manifestStore.saveManifests(connectorId, discovered)
  yield* Effect.logDebug("manifests rediscovered").pipe(
    Effect.annotateLogs({ connector: connectorId, entities: discovered.length })
  )
  return { manifests: discovered, rediscovered: true }
})
