/**
 * The pipeline tests' way to sync several entities of a connector without the workflows: the
 * per-entity `SyncEngine.syncEntity`, parents first, each followed by the retry of its children's
 * rows parked while it was missing (what the SyncEntity workflow's `pending` activity does). The
 * durable SyncConnector workflow is what users run; tests of the connector sync itself use it
 * (see `test/workflow/inProcessWorkflows.ts`).
 */
import type { Adapter, EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { dependencyOrder } from "../../src/pipeline/dependencyOrder.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { SyncMode } from "../../src/pipeline/SyncMode.ts"
import type { SyncSummary } from "../../src/pipeline/SyncSummary.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"

/** Which entities of which connector to sync, and how. */
export interface SyncInOrderRequest {
  readonly connectorId: string
  readonly adapter: Adapter
  /** Only these entities (parents first among themselves); all when absent. */
  readonly entities?: ReadonlyArray<string> | undefined
  readonly mode?: SyncMode | undefined
  readonly stages?: StagesOptions | undefined
  readonly windowRows?: number | undefined
}

/**
 * Discovers the connector's entities (storing their manifests, as a sync does), then syncs the
 * wanted ones in dependency order; each entity's summary, in the order they ran.
 */
export const syncInOrder = Effect.fnUntraced(function* (request: SyncInOrderRequest) {
  const engine = yield* SyncEngine
  const manifests: ReadonlyArray<EntityManifest> = yield* request.adapter.manifests
  yield* (yield* ManifestStore).saveManifests(request.connectorId, manifests)
  const wanted = request.entities
  const summaries: Array<SyncSummary> = []
  for (const manifest of dependencyOrder(manifests)) {
    if (wanted !== undefined && !wanted.includes(manifest.entity)) continue
    summaries.push(
      yield* engine.syncEntity({
        connectorId: request.connectorId,
        adapter: request.adapter,
        manifest,
        manifests,
        mode: request.mode,
        stages: request.stages,
        windowRows: request.windowRows
      })
    )
    for (const child of manifests) {
      if (child.parents.some((parent) => parent.entity === manifest.entity)) {
        yield* engine.retryPendingChildren(request.connectorId, child, manifests)
      }
    }
  }
  return summaries
})
