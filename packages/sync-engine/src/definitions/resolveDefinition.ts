/**
 * A sync definition resolved into what the engine runs: the source connector and entity, the Select
 * stage's options (mapping, filters, match key) merged into the entity's stage options, and where
 * the rows go. A default definition resolves to today's entity sync (no sink: the connector's table);
 * another definition into PostgreSQL to its own table (`destination.schema`, default the connector's;
 * `destination.table`, default the entity's name), keyed by the definition's id.
 */
import { Effect, Option } from "effect"
import * as TableTarget from "../destination/TableTarget.ts"
import { schemaOf } from "../pipeline/resolveTarget.ts"
import type { StagesOptions } from "../stages/Stages.ts"
import type { SelectOptions } from "../stages/select/SelectOptions.ts"
import { StateStore } from "../state/StateStore.ts"
import { ConnectorNotFound } from "../state/StateStoreError.ts"
import type { SyncDefinition } from "./SyncDefinition.ts"

/** Where a resolved definition writes. */
export type ResolvedTarget =
  | { readonly kind: "default" }
  | { readonly kind: "postgres"; readonly target: TableTarget.TableTarget }
  | { readonly kind: "connector"; readonly connectorId: string; readonly entity: string }

/** A definition, ready to run. */
export interface ResolvedDefinition {
  /** The definition's id: it keys the sync's checkpoints, runs and failed records (a default one: its entity's). */
  readonly syncId: string
  readonly connectorId: string
  readonly entity: string
  /** The Select stage's options, `undefined` when the definition selects everything as it is. */
  readonly select: SelectOptions | undefined
  readonly target: ResolvedTarget
  /** The entity's stage options with the definition's Select stage. */
  readonly stages: (base: StagesOptions | undefined) => StagesOptions | undefined
}

/** The Select options of a definition, `undefined` when it maps and filters nothing. */
export const selectOf = (definition: SyncDefinition): SelectOptions | undefined =>
  definition.mapping === null && definition.filters.length === 0 && definition.matchKey === null
    ? undefined
    : {
        ...(definition.mapping === null ? {} : { fields: definition.mapping }),
        ...(definition.filters.length === 0 ? {} : { where: definition.filters }),
        ...(definition.matchKey === null ? {} : { key: definition.matchKey })
      }

/** Resolves a stored definition (see the module comment). */
export const resolveDefinition = Effect.fnUntraced(function* (definition: SyncDefinition) {
  const { connectorId, entity } = definition.source
  const select = selectOf(definition)
  const stages = (base: StagesOptions | undefined): StagesOptions | undefined =>
    select === undefined ? base : { ...base, select }
  let target: ResolvedTarget
  if (definition.isDefault) target = { kind: "default" }
  else if (definition.destination.kind === "connector") {
    target = {
      kind: "connector",
      connectorId: definition.destination.connectorId,
      entity: definition.destination.entity
    }
  } else {
    const state = yield* StateStore
    const connector = yield* state.getConnector(connectorId)
    if (Option.isNone(connector)) return yield* new ConnectorNotFound({ connectorId })
    const schema =
      definition.destination.schema === undefined
        ? yield* Effect.fromResult(schemaOf(connector.value))
        : yield* TableTarget.validateSchema(definition.destination.schema)
    target = { kind: "postgres", target: TableTarget.make(schema, definition.destination.table ?? entity, entity) }
  }
  const resolved: ResolvedDefinition = { syncId: definition.id, connectorId, entity, select, target, stages }
  return resolved
})
