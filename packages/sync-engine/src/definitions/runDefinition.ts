/**
 * Runs a sync definition now, in this process: its source connector's adapter (rediscovering the
 * connector's entities when its discovery TTL has passed), the entity's stage options with the
 * definition's Select stage, and the definition's sink (`resolveDefinition`), through
 * `SyncEngine.syncEntity`. A default definition's run is its entity's sync, as `syncflow sync` runs it.
 */
import { Effect } from "effect"
import { freshManifests } from "../pipeline/freshManifests.ts"
import { SyncEngine } from "../pipeline/SyncEngine.ts"
import type { SyncMode } from "../pipeline/SyncMode.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { DefinitionNotRunnable } from "./DefinitionErrors.ts"
import { resolveDefinition } from "./resolveDefinition.ts"
import type { SyncDefinition } from "./SyncDefinition.ts"

/** How a definition runs: its mode (default incremental), and whether to wait for another sync's lease. */
export interface RunDefinitionOptions {
  readonly mode?: SyncMode | undefined
  readonly waitForLease?: boolean | undefined
}

/** Runs a definition to its end (see the module comment), returning the run's summary. */
export const runDefinition = Effect.fnUntraced(function* (
  definition: SyncDefinition,
  options: RunDefinitionOptions = {}
) {
  const { connectorId, entity } = definition.source
  const runtime = yield* (yield* ConnectorAdapters).runtime(connectorId)
  const { manifests } = yield* freshManifests(connectorId, runtime.adapter, runtime.discoveryTtl, runtime.changedAt)
  const manifest = manifests.find((m) => m.entity === entity)
  if (manifest === undefined) {
    return yield* new DefinitionNotRunnable({
      id: definition.id,
      message: `connector ${connectorId} no longer has entity ${JSON.stringify(entity)}`
    })
  }
  const resolved = yield* resolveDefinition(definition, { manifests, stages: runtime.stages })
  return yield* (yield* SyncEngine).syncEntity({
    connectorId: resolved.connectorId,
    adapter: runtime.adapter,
    manifest,
    manifests,
    mode: options.mode ?? "incremental",
    stages: resolved.stages(runtime.stages(manifest)),
    waitForLease: options.waitForLease,
    sink: resolved.sink
  })
})
