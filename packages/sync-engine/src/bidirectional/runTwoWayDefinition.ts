/**
 * Runs one cycle of a stored two-way definition (`direction: "bidirectional"`): its source
 * connector's adapter (`ConnectorAdapters`), the entity's manifest, and the definition's table
 * (`destination.schema`, default the connector's id; `destination.table`, default the entity).
 */
import type { Adapter, EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { DefinitionNotRunnable } from "../definitions/DefinitionErrors.ts"
import type { SyncDefinition } from "../definitions/SyncDefinition.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { runTwoWayCycle, type TwoWayCycleInput, type TwoWayCycleOptions } from "./runTwoWayCycle.ts"

/** The cycle input of a two-way definition over an adapter and the entity's manifest. */
export const twoWayInput = Effect.fnUntraced(function* (
  definition: SyncDefinition,
  adapter: Adapter,
  manifest: EntityManifest
) {
  const { destination, bidirectional } = definition
  if (definition.direction !== "bidirectional" || bidirectional === null || destination.kind !== "postgres") {
    return yield* new DefinitionNotRunnable({
      id: definition.id,
      message: "not a bidirectional definition into PostgreSQL"
    })
  }
  const input: TwoWayCycleInput = {
    definitionId: definition.id,
    connectorId: definition.source.connectorId,
    settings: bidirectional,
    schema: destination.schema ?? definition.source.connectorId,
    table: destination.table ?? definition.source.entity,
    adapter,
    manifest
  }
  return input
})

/** Runs one cycle of a two-way definition with its connector's adapter (see the module comment). */
export const runTwoWayDefinition = Effect.fnUntraced(function* (
  definition: SyncDefinition,
  options: TwoWayCycleOptions = {}
) {
  const { connectorId, entity } = definition.source
  const runtime = yield* (yield* ConnectorAdapters).runtime(connectorId)
  const manifests = yield* runtime.adapter.manifests
  const manifest = manifests.find((m) => m.entity === entity)
  if (manifest === undefined) {
    return yield* new DefinitionNotRunnable({
      id: definition.id,
      message: `connector ${connectorId} no longer has entity ${JSON.stringify(entity)}`
    })
  }
  return yield* runTwoWayCycle(yield* twoWayInput(definition, runtime.adapter, manifest), options)
})
