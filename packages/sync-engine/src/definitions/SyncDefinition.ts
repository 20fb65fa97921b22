/**
 * A sync definition (seed 000's L1 `DataSyncConfig`): what goes from a source connector's entity to a
 * destination — a PostgreSQL table SyncFlow manages, or a write-capable connector's entity — with a
 * field mapping, filters, an operation and match key, a direction and a schedule.
 *
 * Every discovered entity has its **default definition** (`isDefault`): the entity into its table in
 * the connector's schema, scheduled and enabled by the entity's own settings. It exists so every sync
 * has a definition; it is changed through the entity's settings, not as a definition.
 */
import { Schema } from "effect"
import { TwoWaySettings } from "../bidirectional/TwoWaySettings.ts"
import { EtlPipeline } from "../etl/EtlStep.ts"
import { FieldMappingEntry } from "../mappings/FieldMapping.ts"
import { FieldPredicate } from "../stages/select/SelectOptions.ts"

/** Where a definition reads: a connector's entity. */
export const DefinitionSource = Schema.Struct({
  connectorId: Schema.NonEmptyString,
  entity: Schema.NonEmptyString
})
/** Where a definition reads. */
export type DefinitionSource = typeof DefinitionSource.Type

/**
 * A PostgreSQL table SyncFlow manages (today's behaviour): `schema` absent is the source connector's
 * schema, `table` absent the entity's name.
 */
export const PostgresTableDestination = Schema.Struct({
  kind: Schema.Literal("postgres"),
  schema: Schema.optionalKey(Schema.NonEmptyString),
  table: Schema.optionalKey(Schema.NonEmptyString)
})
/** A PostgreSQL table SyncFlow manages. */
export type PostgresTableDestination = typeof PostgresTableDestination.Type

/** An entity of a connector whose adapter can write it (the `RecordWriter` contract). */
export const ConnectorEntityDestination = Schema.Struct({
  kind: Schema.Literal("connector"),
  connectorId: Schema.NonEmptyString,
  entity: Schema.NonEmptyString
})
/** An entity of a write-capable connector. */
export type ConnectorEntityDestination = typeof ConnectorEntityDestination.Type

/** Where a definition writes. */
export const DefinitionDestination = Schema.Union([PostgresTableDestination, ConnectorEntityDestination])
/** Where a definition writes. */
export type DefinitionDestination = typeof DefinitionDestination.Type

/**
 * What a definition does with the records it selects: `upsert` (create or update by match key),
 * `insert` (create only), `update` (update only), `delete` (delete the matching records).
 */
export const SyncOperation = Schema.Literals(["insert", "update", "upsert", "delete"])
/** What a definition does with the records it selects. */
export type SyncOperation = typeof SyncOperation.Type

/**
 * `pull`: from a connector into SyncFlow's PostgreSQL; `push`: into another system (a destination
 * connector); `bidirectional`: a connector's entity and a PostgreSQL table kept equal both ways
 * (settings in `bidirectional`, see `bidirectional/`).
 */
export const SyncDirection = Schema.Literals(["pull", "push", "bidirectional"])
/** `pull`, `push` or `bidirectional`. */
export type SyncDirection = typeof SyncDirection.Type

/** When a definition runs on its own: every `intervalSeconds`, or on a cron expression (five fields, UTC). */
export const DefinitionSchedule = Schema.Union([
  Schema.Struct({ intervalSeconds: Schema.Int.check(Schema.isGreaterThan(0)) }),
  Schema.Struct({ cron: Schema.NonEmptyString })
])
/** When a definition runs on its own. */
export type DefinitionSchedule = typeof DefinitionSchedule.Type

/** Source field -> destination field; only the fields named go. */
export const FieldMap = Schema.Record(Schema.String, Schema.NonEmptyString)
/** Source field -> destination field. */
export type FieldMap = typeof FieldMap.Type

/** The parts of a definition a user writes (the body of a create). */
export const DefinitionSpec = Schema.Struct({
  name: Schema.NonEmptyString,
  source: DefinitionSource,
  destination: DefinitionDestination,
  /** Source field -> destination field; only the fields named go. Absent: every field, same names. */
  mapping: Schema.optionalKey(FieldMap),
  /** Predicates on source fields that every record must satisfy (all of them). */
  filters: Schema.optionalKey(Schema.Array(FieldPredicate)),
  /** Default `upsert`. */
  operation: Schema.optionalKey(SyncOperation),
  /** Destination fields that identify a record; absent: the source's business key (mapped). */
  matchKey: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  /** Default: `pull` into PostgreSQL, `push` into a connector. */
  direction: Schema.optionalKey(SyncDirection),
  /** The two-way settings; required with `direction: "bidirectional"`. */
  bidirectional: Schema.optionalKey(TwoWaySettings),
  /** Absent or `null`: runs only when triggered. */
  schedule: Schema.optionalKey(Schema.NullOr(DefinitionSchedule)),
  /** Default `true`. */
  enabled: Schema.optionalKey(Schema.Boolean),
  /** ETL steps on the mapped rows before they are written (seed 000's L2); absent: none. */
  pipeline: Schema.optionalKey(EtlPipeline)
})
/** The parts of a definition a user writes. */
export type DefinitionSpec = typeof DefinitionSpec.Type

/** A stored sync definition, every default applied. */
export const SyncDefinition = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  /** The entity's default definition (into its PostgreSQL table), created by discovery. */
  isDefault: Schema.Boolean,
  source: DefinitionSource,
  destination: DefinitionDestination,
  mapping: Schema.NullOr(FieldMap),
  filters: Schema.Array(FieldPredicate),
  operation: SyncOperation,
  matchKey: Schema.NullOr(Schema.Array(Schema.String)),
  direction: SyncDirection,
  bidirectional: Schema.NullOr(TwoWaySettings),
  schedule: Schema.NullOr(DefinitionSchedule),
  enabled: Schema.Boolean,
  pipeline: EtlPipeline,
  /** Its field mapping's latest version (`FieldMappings`, migration 30); absent or null: none. */
  fieldMapping: Schema.optionalKey(
    Schema.NullOr(Schema.Struct({ version: Schema.Number, entries: Schema.Array(FieldMappingEntry) }))
  ),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
/** A stored sync definition. */
export type SyncDefinition = typeof SyncDefinition.Type

/** A definition to store: its spec with every default applied, and its id. */
export interface NewSyncDefinition {
  readonly id: string
  readonly name: string
  readonly source: DefinitionSource
  readonly destination: DefinitionDestination
  readonly mapping: FieldMap | null
  readonly filters: ReadonlyArray<FieldPredicate>
  readonly operation: SyncOperation
  readonly matchKey: ReadonlyArray<string> | null
  readonly direction: SyncDirection
  readonly bidirectional: TwoWaySettings | null
  readonly schedule: DefinitionSchedule | null
  readonly enabled: boolean
  readonly pipeline: EtlPipeline
}

/** The direction a destination implies: `pull` into PostgreSQL, `push` into a connector. */
export const directionOf = (destination: DefinitionDestination): SyncDirection =>
  destination.kind === "postgres" ? "pull" : "push"

/** A spec with every default applied, under `id`. */
export const withDefaults = (id: string, spec: DefinitionSpec): NewSyncDefinition => ({
  id,
  name: spec.name,
  source: spec.source,
  destination: spec.destination,
  mapping: spec.mapping ?? null,
  filters: spec.filters ?? [],
  operation: spec.operation ?? "upsert",
  matchKey: spec.matchKey ?? null,
  direction: spec.direction ?? directionOf(spec.destination),
  bidirectional: spec.bidirectional ?? null,
  schedule: spec.schedule ?? null,
  enabled: spec.enabled ?? true,
  pipeline: spec.pipeline ?? []
})

/** The id of an entity's default definition: `<connectorId>:<entity>` (a connector id has no `:`). */
export const defaultDefinitionId = (connectorId: string, entity: string): string => `${connectorId}:${entity}`
