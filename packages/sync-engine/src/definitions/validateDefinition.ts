/**
 * Whether a sync definition can work, checked before it is stored, each failure an
 * `InvalidDefinition` naming the field:
 * - `name` has no `:` (default definitions are named `<connector>:<entity>`);
 * - `source.connectorId` is a connector, `source.entity` one of its discovered entities;
 * - a PostgreSQL destination's `schema` and `table` are valid identifiers;
 * - a connector destination's `connectorId` is a connector whose adapter writes (`Adapter.write`)
 *   and whose plugin can be a destination (declares its identity fields), its `entity` one of the connector's discovered entities that the adapter can write;
 * - `direction` agrees with the destination (`pull` into PostgreSQL, `push` into a connector), or is
 *   `bidirectional` with its own rules (`bidirectional/validateTwoWay.ts`);
 * - every `mapping` key is a field of the source entity's manifest, every mapped name a field of the
 *   destination entity's manifest (connector destinations), no two fields mapped to one name;
 * - with a field mapping (the stored one, or one being set) and a connector destination whose entity
 *   declares its fields, every entry's target is one of them and not one the target assigns or
 *   SyncFlow's identity fills (`fieldMapping.entries[i].target`; `DestinationFields`);
 * - every `filters[i].field` is a field of the source entity;
 * - every `matchKey` field is a field of the target (the mapped fields in PostgreSQL, the destination
 *   entity's manifest for a connector); without a match key the source's business key is mapped;
 * - `schedule.cron` parses (`Cron.parse`, UTC);
 * - `operation` is one the sinks apply (`upsert`, `insert`, `update`; `delete` into a connector
 *   whose writer finds records by business key; see `operationSink`);
 * - the `pipeline`'s steps compile on the mapped fields, in order (each step's fields exist where it
 *   runs, its expressions parse, the tables it joins are synced), an error naming the step and its
 *   field (`pipeline[2].on.field`).
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Cron, Effect, Option, Result } from "effect"
import type { SqlClient } from "effect/sql"
import { validateTwoWay } from "../bidirectional/validateTwoWay.ts"
import * as Identifier from "../destination/Identifier.ts"
import { compilePipeline } from "../etl/compilePipeline.ts"
import { errorField } from "../etl/EtlRunError.ts"
import { connectorDestinationFields, targetProblems } from "../mappings/DestinationFields.ts"
import type { FieldMappingEntry } from "../mappings/FieldMapping.ts"
import { schemaOf } from "../pipeline/resolveTarget.ts"
import { makeStages } from "../stages/Stages.ts"
import { ConnectorStore } from "../state/ConnectorStore.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { InvalidDefinition } from "./DefinitionErrors.ts"
import { appliedOperations } from "./operationSink.ts"
import { directionOf, type NewSyncDefinition } from "./SyncDefinition.ts"
import { writableEntities } from "./writableEntities.ts"

const invalid = (field: string, message: string) => new InvalidDefinition({ field, message })

const fieldsOf = (manifest: EntityManifest): ReadonlyArray<string> => (manifest.columns ?? []).map((c) => c.name)

/** The destination field names a definition writes (the mapped names, or every source field). */
export const destinationFields = (definition: NewSyncDefinition, source: EntityManifest): ReadonlyArray<string> =>
  definition.mapping === null
    ? fieldsOf(source)
    : fieldsOf(source).flatMap((field) =>
        Object.hasOwn(definition.mapping ?? {}, field) ? [definition.mapping?.[field] ?? field] : []
      )

/** Checks a definition against the stored connectors and manifests (see the module rules). */
export const validateDefinition = Effect.fnUntraced(function* (
  definition: NewSyncDefinition,
  /** Its field mapping (the stored one, or one being set): the ETL steps are checked against its targets. */
  fieldMapping?: { readonly entries: ReadonlyArray<FieldMappingEntry> } | null | undefined
): Effect.fn.Return<
  void,
  InvalidDefinition | StateStoreError,
  ConnectorStore | ManifestStore | ConnectorAdapters | SqlClient.SqlClient
> {
  const connectorStore = yield* ConnectorStore
  const manifestStore = yield* ManifestStore
  if (definition.name.includes(":")) {
    return yield* invalid("name", "a name has no ':' (default definitions are named <connector>:<entity>)")
  }
  if (definition.id.includes(":")) return yield* invalid("id", "an id has no ':'")

  const { source, destination } = definition
  const sourceConnector = yield* connectorStore.getConnector(source.connectorId)
  if (Option.isNone(sourceConnector)) {
    return yield* invalid("source.connectorId", `no connector ${JSON.stringify(source.connectorId)}`)
  }
  const sourceEntity = yield* manifestStore.getManifest(source.connectorId, source.entity)
  if (Option.isNone(sourceEntity)) {
    return yield* invalid(
      "source.entity",
      `connector ${JSON.stringify(source.connectorId)} has no discovered entity ${JSON.stringify(source.entity)} (discover it first)`
    )
  }
  const sourceManifest = sourceEntity.value.manifest
  const sourceFields = new Set(fieldsOf(sourceManifest))

  let targetFields: ReadonlySet<string> | undefined
  let deletes = false
  if (destination.kind === "postgres") {
    for (const [kind, name] of [
      ["schema", destination.schema],
      ["table", destination.table]
    ] as const) {
      if (name === undefined) continue
      const checked = Identifier.validateResult(kind, name)
      if (Result.isFailure(checked)) return yield* invalid(`destination.${kind}`, checked.failure.message)
    }
  } else {
    const target = yield* connectorStore.getConnector(destination.connectorId)
    if (Option.isNone(target)) {
      return yield* invalid("destination.connectorId", `no connector ${JSON.stringify(destination.connectorId)}`)
    }
    const adapters = yield* ConnectorAdapters
    const runtime = yield* Effect.result(adapters.runtime(destination.connectorId))
    if (Result.isFailure(runtime)) return yield* invalid("destination.connectorId", runtime.failure.message)
    const writer = runtime.success.adapter.write
    if (writer === undefined) {
      return yield* invalid(
        "destination.connectorId",
        `connector ${JSON.stringify(destination.connectorId)} (${target.value.adapter}) cannot write records`
      )
    }
    if (runtime.success.destination === undefined) {
      return yield* invalid(
        "destination.connectorId",
        `connector ${JSON.stringify(destination.connectorId)} (${target.value.adapter}) cannot be a destination: its plugin declares no identity fields`
      )
    }
    deletes = writer.lookup !== undefined
    const targetEntity = yield* manifestStore.getManifest(destination.connectorId, destination.entity)
    if (Option.isNone(targetEntity)) {
      return yield* invalid(
        "destination.entity",
        `connector ${JSON.stringify(destination.connectorId)} has no discovered entity ${JSON.stringify(destination.entity)}`
      )
    }
    const writable = yield* Effect.result(writableEntities(runtime.success.adapter, destination.entity))
    if (Result.isFailure(writable)) {
      return yield* invalid(
        "destination.connectorId",
        `connector ${JSON.stringify(destination.connectorId)}: reading what it writes failed: ${writable.failure.message}`
      )
    }
    if (!writable.success.includes(destination.entity)) {
      return yield* invalid(
        "destination.entity",
        `connector ${JSON.stringify(destination.connectorId)} cannot write ${JSON.stringify(destination.entity)} (it writes ${writable.success.join(", ") || "nothing"})`
      )
    }
    const columns = fieldsOf(targetEntity.value.manifest)
    if (columns.length > 0) targetFields = new Set(columns)
  }
  if (definition.direction === "bidirectional") {
    // Two-way definitions have their own rules (they take no mapping, filters or match key).
    yield* validateTwoWay(definition, sourceManifest)
    return
  }
  if (definition.bidirectional !== null) {
    return yield* invalid("bidirectional", "two-way settings apply to direction: bidirectional")
  }
  if (definition.direction !== directionOf(destination)) {
    return yield* invalid(
      "direction",
      destination.kind === "postgres"
        ? "a definition into PostgreSQL pulls (direction: pull)"
        : "a definition into a connector pushes (direction: push)"
    )
  }

  if (fieldMapping != null && destination.kind === "connector") {
    const fields = yield* connectorDestinationFields(destination)
    const problem = fields === undefined ? undefined : targetProblems(fieldMapping.entries, fields)[0]
    if (problem !== undefined) {
      return yield* invalid(`fieldMapping.${problem.field}`, `the definition's field mapping: ${problem.message}`)
    }
  }

  if (definition.mapping !== null) {
    if (sourceFields.size === 0) {
      return yield* invalid("mapping", `${source.entity} declares no fields to map (its source has no metadata)`)
    }
    const taken = new Map<string, string>()
    for (const [field, to] of Object.entries(definition.mapping)) {
      if (!sourceFields.has(field)) {
        return yield* invalid(`mapping.${field}`, `${source.entity} has no field ${JSON.stringify(field)}`)
      }
      if (targetFields !== undefined && !targetFields.has(to)) {
        return yield* invalid(
          `mapping.${field}`,
          `${destination.kind === "connector" ? destination.entity : "the target"} has no field ${JSON.stringify(to)}`
        )
      }
      const other = taken.get(to)
      if (other !== undefined) {
        return yield* invalid(`mapping.${field}`, `${JSON.stringify(other)} is already mapped to ${JSON.stringify(to)}`)
      }
      taken.set(to, field)
    }
  }
  for (const [index, filter] of definition.filters.entries()) {
    if (sourceFields.size > 0 && !sourceFields.has(filter.field)) {
      return yield* invalid(`filters[${index}].field`, `${source.entity} has no field ${JSON.stringify(filter.field)}`)
    }
  }

  // The fields the definition writes: its field mapping's targets, or the mapped (or every) source field.
  const written = new Set(
    fieldMapping == null ? destinationFields(definition, sourceManifest) : fieldMapping.entries.map((e) => e.target)
  )
  if (definition.matchKey !== null) {
    if (definition.matchKey.length === 0) return yield* invalid("matchKey", "a match key names at least one field")
    for (const [index, field] of definition.matchKey.entries()) {
      const known = targetFields ?? (sourceFields.size === 0 ? undefined : written)
      if (known !== undefined && !known.has(field)) {
        return yield* invalid(`matchKey[${index}]`, `the target has no field ${JSON.stringify(field)}`)
      }
      if (targetFields !== undefined && !written.has(field)) {
        return yield* invalid(
          `matchKey[${index}]`,
          `${JSON.stringify(field)} is not written (map a source field to it)`
        )
      }
    }
  } else if (definition.mapping !== null) {
    const unmapped = sourceManifest.businessKey.filter((field) => !Object.hasOwn(definition.mapping ?? {}, field))
    if (unmapped.length > 0) {
      return yield* invalid(
        "matchKey",
        `the source's business key (${unmapped.join(", ")}) is not mapped: map it, or give a matchKey`
      )
    }
  }

  if (definition.schedule !== null && "cron" in definition.schedule) {
    const parsed = Cron.parse(definition.schedule.cron, "UTC")
    if (Result.isFailure(parsed)) return yield* invalid("schedule.cron", parsed.failure.message)
  }
  if (definition.operation === "delete") {
    if (!deletes) {
      return yield* invalid(
        "operation",
        "delete applies to a connector destination that finds records by business key (its writer's lookup)"
      )
    }
  } else if (!appliedOperations.includes(definition.operation)) {
    return yield* invalid(
      "operation",
      `${definition.operation} is not applied yet: definitions apply ${appliedOperations.join(", ")}`
    )
  }

  // Last, the stages themselves (a setting the checks above missed fails here, never while rows flow).
  const stages = yield* Effect.result(
    makeStages(sourceManifest, {
      select: {
        ...(definition.mapping === null ? {} : { fields: definition.mapping }),
        where: definition.filters,
        ...(definition.matchKey === null ? {} : { key: definition.matchKey })
      },
      ...(fieldMapping == null
        ? {}
        : {
            transform: {
              mapping: { entries: fieldMapping.entries },
              ...(definition.matchKey === null ? {} : { key: definition.matchKey })
            }
          })
    })
  )
  if (Result.isFailure(stages)) return yield* invalid("mapping", stages.failure.message)

  if (definition.pipeline.length > 0) {
    const schema =
      destination.kind === "postgres"
        ? (destination.schema ?? Result.getOrElse(schemaOf(sourceConnector.value), () => source.connectorId))
        : destination.connectorId
    const table = destination.kind === "postgres" ? (destination.table ?? source.entity) : destination.entity
    const compiled = yield* Effect.result(
      compilePipeline(
        definition.pipeline,
        { columns: stages.success.mapper.columns, key: stages.success.mapper.businessKey },
        { definitionId: definition.id, schema, table },
        sourceManifest.cursorField
      )
    )
    if (Result.isFailure(compiled)) {
      const { field, message } = errorField(compiled.failure)
      return yield* invalid(field, message)
    }
  }
})
