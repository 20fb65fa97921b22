/**
 * Setting a sync definition's field mapping as a user asks for it (the API's
 * `PUT /definitions/{id}/mapping`, the CLI's `definitions mapping set`): the mapping is checked
 * against the source entity's columns and, for a connector destination, the destination entity's
 * fields (`DestinationFields`: a target it does not have, or one it assigns itself, is refused), and a table lookup against the other table's columns — each problem an
 * `InvalidDefinition` naming the entry and field (`entries[2].source`, `entries[3].transform.key`) —
 * and the definition's ETL steps against the mapping's targets (`pipeline[i]...`), then stored as
 * the definition's next version (the same mapping again changes nothing).
 */
import { Effect, Option, Result } from "effect"
import { DefaultDefinitionFixed, DefinitionNotFound, InvalidDefinition } from "../definitions/DefinitionErrors.ts"
import { SyncDefinitions } from "../definitions/SyncDefinitions.ts"
import { validateDefinition } from "../definitions/validateDefinition.ts"
import { resolveSyncedTable } from "../etl/SyncedTable.ts"
import { makeStages } from "../stages/Stages.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { checkFieldMapping } from "./checkFieldMapping.ts"
import { connectorDestinationFields } from "./DestinationFields.ts"
import type { FieldMapping } from "./FieldMapping.ts"
import { FieldMappings } from "./FieldMappings.ts"

/** Each table lookup's other table must be synced and have its `key` and `field` columns. */
const checkTableLookups = Effect.fnUntraced(function* (mapping: FieldMapping) {
  for (const [index, entry] of mapping.entries.entries()) {
    const transform = entry.transform
    if (transform?.kind !== "lookup" || !("from" in transform)) continue
    const at = `entries[${index}].transform`
    const table = yield* resolveSyncedTable(at, transform.from).pipe(
      Effect.mapError(
        (error) => new InvalidDefinition({ field: `${at}.from`, message: `${at}.from: ${error.message}` })
      )
    )
    for (const name of ["key", "field"] as const) {
      if (!table.columns.some((c) => c.name === transform[name])) {
        return yield* new InvalidDefinition({
          field: `${at}.${name}`,
          message: `${at}.${name}: ${table.schema}.${table.table} has no column ${JSON.stringify(transform[name])}`
        })
      }
    }
  }
})

/** Checks and stores a definition's field mapping (see the module comment); the stored version. */
export const setFieldMapping = Effect.fnUntraced(function* (idOrName: string, mapping: FieldMapping) {
  const definitions = yield* SyncDefinitions
  const found = yield* definitions.get(idOrName)
  if (Option.isNone(found)) return yield* new DefinitionNotFound({ id: idOrName })
  const definition = found.value
  if (definition.isDefault) return yield* new DefaultDefinitionFixed({ id: definition.id })
  if (definition.mapping !== null) {
    return yield* new InvalidDefinition({
      field: "mapping",
      message:
        "the definition maps fields by name (its mapping): clear it (mapping: null) before giving it a field mapping"
    })
  }
  const manifests = yield* ManifestStore
  const { source, destination } = definition
  const sourceEntity = yield* manifests.getManifest(source.connectorId, source.entity)
  if (Option.isNone(sourceEntity)) {
    return yield* new InvalidDefinition({
      field: "source.entity",
      message: `connector ${JSON.stringify(source.connectorId)} has no discovered entity ${JSON.stringify(source.entity)}`
    })
  }
  const sourceManifest = sourceEntity.value.manifest
  const destinationFields =
    destination.kind === "connector" ? yield* connectorDestinationFields(destination) : undefined
  const problems = checkFieldMapping(mapping, sourceManifest.columns ?? [], destinationFields)
  const first = problems[0]
  if (first !== undefined) {
    return yield* new InvalidDefinition({
      field: first.field,
      message: problems.map((p) => `${p.field}: ${p.message}`).join("; ")
    })
  }
  yield* checkTableLookups(mapping)
  const stages = yield* Effect.result(
    makeStages(sourceManifest, {
      select: { where: definition.filters },
      transform: { mapping, ...(definition.matchKey === null ? {} : { key: definition.matchKey }) }
    })
  )
  if (Result.isFailure(stages))
    return yield* new InvalidDefinition({ field: "entries", message: stages.failure.message })
  // The definition's ETL steps read the mapping's targets: they must still work on them.
  if (definition.pipeline.length > 0) yield* validateDefinition(definition, mapping)
  return yield* (yield* FieldMappings).save(definition.id, mapping)
})
