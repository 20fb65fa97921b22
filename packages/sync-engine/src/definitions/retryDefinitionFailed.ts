/**
 * Retries failed records of a sync definition now, whether due or not (a manual retry from the API
 * or the CLI): through the definition's stages and sink (`retrySinkFailed`), or, for a default
 * definition, as its entity's records are retried (`SyncEngine.retryFailedRecords`), or, for a
 * two-way definition, by a cycle (`retryTwoWayFailed`). Records that are
 * not the definition's open records are left alone.
 */
import { Duration, Effect } from "effect"
import { retryTwoWayFailed } from "../bidirectional/retryTwoWayFailed.ts"
import { freshManifests } from "../pipeline/freshManifests.ts"
import { retrySinkFailed } from "../pipeline/retrySinkFailed.ts"
import { SyncEngine } from "../pipeline/SyncEngine.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { DefinitionNotRunnable } from "./DefinitionErrors.ts"
import { resolveDefinition } from "./resolveDefinition.ts"
import type { SyncDefinition } from "./SyncDefinition.ts"

/** Retries the definition's failed records `ids` now; what the retry did. */
export const retryDefinitionFailed = Effect.fnUntraced(function* (
  definition: SyncDefinition,
  ids: ReadonlyArray<string>
) {
  if (definition.direction === "bidirectional") return yield* retryTwoWayFailed(definition, ids)
  const { connectorId, entity } = definition.source
  const runtime = yield* (yield* ConnectorAdapters).runtime(connectorId)
  const { manifests } = yield* freshManifests(connectorId, runtime.adapter, Duration.infinity)
  const manifest = manifests.find((m) => m.entity === entity)
  if (manifest === undefined) {
    return yield* new DefinitionNotRunnable({
      id: definition.id,
      message: `connector ${connectorId} no longer has entity ${JSON.stringify(entity)}`
    })
  }
  const resolved = yield* resolveDefinition(definition, { manifests, stages: runtime.stages })
  const stages = resolved.stages(runtime.stages(manifest))
  if (resolved.sink === undefined) {
    return yield* (yield* SyncEngine).retryFailedRecords({ connectorId, manifest, manifests, stages, ids })
  }
  return yield* retrySinkFailed({ connectorId, manifest, sink: resolved.sink, stages, ids })
})
