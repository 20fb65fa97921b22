/**
 * The sink of a sync definition into a connector's entity (`destination.kind: "connector"`): an
 * `ApiDestination` over the destination connector's adapter (`Adapter.write`), with the identity
 * fields its plugin declares (`ConnectorRuntime.destination`), and the SQL row ledger, keyed by the
 * definition's id. What is sent is read from the destination entity's discovered manifest: its
 * fields (without the identity fields, the fields the target assigns and the parent links), and a
 * parent link per manifest parent (`foreignKey[0]` holds the parent's business-key hash), whose
 * hash is computed from the source row as a sync of the source's parent entity of that name
 * computes it. So the source's parents must bear the target's parent entity names (ERP `orders` ->
 * ScheduleHub `orders`), and a mapping must keep the foreign-key fields under their source names.
 * The sink applies the definition's operation (`withOperation`; `delete` finds target records by
 * the writer's `lookup`).
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect, Option } from "effect"
import * as ApiDestination from "../destination/ApiDestination.ts"
import * as TableTarget from "../destination/TableTarget.ts"
import * as SqlRowLedger from "../ledger/SqlRowLedger.ts"
import type { SyncSink } from "../pipeline/SyncSink.ts"
import { parentReferences } from "../stages/resolve/parentReferences.ts"
import type { StagesOptions } from "../stages/Stages.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { DefinitionNotRunnable } from "./DefinitionErrors.ts"
import { withOperation } from "./operationSink.ts"
import type { SyncDefinition } from "./SyncDefinition.ts"
import { writableEntities } from "./writableEntities.ts"

/** The source side a connector sink is built from: the source connector's manifests and their stage options. */
export interface SinkSource {
  readonly manifests: ReadonlyArray<EntityManifest>
  readonly stages: (manifest: EntityManifest) => StagesOptions | undefined
}

/** Builds the sink of a definition into a connector (see the module comment). */
export const connectorSink = Effect.fnUntraced(function* (
  definition: SyncDefinition,
  destination: { readonly connectorId: string; readonly entity: string },
  source: SinkSource
) {
  const notRunnable = (message: string) => new DefinitionNotRunnable({ id: definition.id, message })
  const runtime = yield* (yield* ConnectorAdapters).runtime(destination.connectorId)
  const writer = runtime.adapter.write
  const declared = runtime.destination
  if (writer === undefined || declared === undefined) {
    return yield* notRunnable(
      `connector ${destination.connectorId} cannot be pushed into (its plugin is no destination)`
    )
  }
  const writable = yield* writableEntities(runtime.adapter, destination.entity).pipe(
    Effect.mapError((error) => notRunnable(`connector ${destination.connectorId}: ${error.message}`))
  )
  if (!writable.includes(destination.entity)) {
    return yield* notRunnable(`connector ${destination.connectorId} cannot write ${JSON.stringify(destination.entity)}`)
  }
  const stored = yield* (yield* ManifestStore).getManifest(destination.connectorId, destination.entity)
  if (Option.isNone(stored)) {
    return yield* notRunnable(
      `connector ${destination.connectorId} has no discovered entity ${JSON.stringify(destination.entity)} (discover it)`
    )
  }
  const target = stored.value.manifest
  const sourceManifest = source.manifests.find((m) => m.entity === definition.source.entity)
  if (sourceManifest === undefined) {
    return yield* notRunnable(
      `connector ${definition.source.connectorId} no longer has entity ${JSON.stringify(definition.source.entity)}`
    )
  }
  const vias = target.parents.flatMap((parent) => {
    const via = parent.foreignKey[0]
    return via === undefined ? [] : [{ entity: parent.entity, via }]
  })
  const references = yield* parentReferences(sourceManifest, source.manifests, vias, source.stages).pipe(
    Effect.mapError((error) => notRunnable(error.message))
  )
  const { identityFields } = declared
  const skipped = new Set<string>([
    identityFields.keyHash,
    identityFields.dataHash,
    ...(identityFields.rowVersion === undefined ? [] : [identityFields.rowVersion]),
    ...(declared.assignedFields ?? []),
    ...vias.map((v) => v.via)
  ])
  const fields = (target.columns ?? [])
    .filter((column) => !skipped.has(column.name))
    .map((column) => ({ name: column.name, type: column.type }))
  const lookup = writer.lookup
  const sink: SyncSink = {
    syncId: definition.id,
    destination: ApiDestination.make({
      writer,
      identityFields,
      ...(target.columns === undefined ? {} : { fields: { [destination.entity]: fields } }),
      references: { [destination.entity]: references }
    }),
    ledger: yield* SqlRowLedger.make,
    target: TableTarget.make(destination.connectorId, destination.entity, destination.entity)
  }
  return withOperation(sink, definition.operation, lookup)
})
