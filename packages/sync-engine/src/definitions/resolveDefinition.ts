/**
 * A sync definition resolved into what the engine runs (`SyncEntityRequest`'s `stages` and `sink`):
 * - a default definition is today's entity sync: no sink (the connector's own table), no Select stage;
 * - a definition into PostgreSQL writes its own table (`destination.schema`, default the source
 *   connector's; `destination.table`, default the entity's name) through the table's write side and
 *   ledger, keyed by the definition's id (its checkpoints, runs and failed records carry the id as
 *   their `definitionId`); its table is claimed in `syncflow.entity_tables`, so no other sync writes it
 *   (`TableTaken` otherwise);
 * - a definition into a connector's entity pushes into it (`connectorSink`): an `ApiDestination` over
 *   the destination connector's adapter with its plugin's identity fields, and the SQL row ledger,
 *   keyed by the definition's id (its state under its `definitionId` as above). It needs the source
 *   connector's manifests and stage options (`source`): without them it is `DefinitionNotRunnable`.
 * Either sink applies only what the definition's `operation` makes (`withOperation`), and carries the
 * definition's ETL steps (`pipeline`), which the sync runs on each window before writing.
 * A two-way definition (`direction: "bidirectional"`) is no one-way run: it is `DefinitionNotRunnable`
 * here, and runs as cycles (`bidirectional/runTwoWayDefinition`).
 */
import { Effect, Option } from "effect"
import * as PostgresDestination from "../destination/PostgresDestination.ts"
import * as TableTarget from "../destination/TableTarget.ts"
import * as TableWriteSide from "../destination/TableWriteSide.ts"
import * as TableRowLedger from "../ledger/TableRowLedger.ts"
import { schemaOf, TableTaken } from "../pipeline/resolveTarget.ts"
import type { SyncSink } from "../pipeline/SyncSink.ts"
import type { StagesOptions } from "../stages/Stages.ts"
import type { SelectOptions } from "../stages/select/SelectOptions.ts"
import { ConnectorStore } from "../state/ConnectorStore.ts"
import * as EntityTables from "../state/EntityTables.ts"
import { ConnectorNotFound } from "../state/StateStoreError.ts"
import { connectorSink, type SinkSource } from "./connectorSink.ts"
import { DefinitionNotRunnable } from "./DefinitionErrors.ts"
import { withOperation } from "./operationSink.ts"
import type { SyncDefinition } from "./SyncDefinition.ts"

/** A definition, ready to run. */
export interface ResolvedDefinition {
  readonly definition: SyncDefinition
  readonly connectorId: string
  readonly entity: string
  /** The Select stage's options, `undefined` when the definition selects everything as it is. */
  readonly select: SelectOptions | undefined
  /** Where it writes; `undefined`: the default definition's table (today's entity sync). */
  readonly sink: SyncSink | undefined
  /** The entity's stage options with the definition's Select stage and field mapping (Transform stage). */
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
export const resolveDefinition = Effect.fnUntraced(function* (definition: SyncDefinition, source?: SinkSource) {
  const { connectorId, entity } = definition.source
  if (definition.direction === "bidirectional") {
    return yield* new DefinitionNotRunnable({
      id: definition.id,
      message: "a bidirectional definition runs as two-way cycles (runTwoWayDefinition), not as a one-way sync"
    })
  }
  const select = selectOf(definition)
  const fieldMapping = definition.fieldMapping ?? undefined
  const transform =
    fieldMapping === undefined
      ? undefined
      : { mapping: { entries: fieldMapping.entries }, version: fieldMapping.version }
  const stages = (base: StagesOptions | undefined): StagesOptions | undefined =>
    select === undefined && transform === undefined
      ? base
      : { ...base, ...(select === undefined ? {} : { select }), ...(transform === undefined ? {} : { transform }) }
  const resolved = (sink: SyncSink | undefined): ResolvedDefinition => ({
    definition,
    connectorId,
    entity,
    select,
    sink: sink === undefined || definition.pipeline.length === 0 ? sink : { ...sink, pipeline: definition.pipeline },
    stages
  })
  if (definition.isDefault) return resolved(undefined)
  const destination = definition.destination
  if (destination.kind === "connector") {
    if (source === undefined) {
      return yield* new DefinitionNotRunnable({
        id: definition.id,
        message: `${definition.name}: pushing into ${destination.connectorId}:${destination.entity} needs the source connector's manifests`
      })
    }
    return resolved(yield* connectorSink(definition, destination, source))
  }
  const connectorStore = yield* ConnectorStore
  const connector = yield* connectorStore.getConnector(connectorId)
  if (Option.isNone(connector)) return yield* new ConnectorNotFound({ connectorId })
  const schema =
    destination.schema === undefined
      ? yield* Effect.fromResult(schemaOf(connector.value))
      : yield* TableTarget.validateSchema(destination.schema)
  const target = TableTarget.make(schema, destination.table ?? entity, entity)
  const owner = yield* EntityTables.claim({
    connectorId,
    entity,
    definitionId: definition.id,
    schema,
    table: target.table
  })
  if (Option.isSome(owner)) {
    return yield* new TableTaken({
      connectorId,
      entity,
      table: TableTarget.keyOf(target),
      ownerConnectorId: owner.value.connectorId,
      ownerEntity: owner.value.entity
    })
  }
  const tables = yield* PostgresDestination.make()
  return resolved(
    withOperation(
      {
        syncId: definition.id,
        destination: TableWriteSide.make(tables),
        ledger: TableRowLedger.make(tables),
        target
      },
      definition.operation
    )
  )
})
