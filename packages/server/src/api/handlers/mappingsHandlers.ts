/**
 * The field mappings group: a definition's current mapping, setting a new version (checked by
 * `setFieldMapping`: a 400 names the entry and field) and the versions. Unknown definitions are 404s.
 */
import {
  type DefinitionNotFound,
  FieldMappings,
  type ManifestStore,
  type StateStoreError,
  SyncDefinitions,
  setFieldMapping
} from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { Conflict, InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"
import { mappingVersionView } from "../groups/MappingsGroup.ts"

/** The field mappings handlers. */
export const MappingsHandlers = HttpApiBuilder.group(Api, "mappings", (handlers) =>
  Effect.gen(function* () {
    const definitions = yield* SyncDefinitions
    const mappings = yield* FieldMappings
    const context = yield* Effect.context<SyncDefinitions | FieldMappings | ManifestStore>()
    const notFound = (error: DefinitionNotFound) => Effect.fail(new NotFound({ detail: error.message }))
    const unavailable = (error: StateStoreError) => Effect.fail(new Unavailable({ detail: error.message }))
    const find = (idOrName: string) =>
      Effect.flatMap(definitions.get(idOrName).pipe(Effect.orDie), (found) =>
        Option.isNone(found)
          ? Effect.fail(new NotFound({ detail: `No sync definition ${JSON.stringify(idOrName)}` }))
          : Effect.succeed(found.value)
      )

    return handlers
      .handle("get", ({ params }) =>
        Effect.gen(function* () {
          const definition = yield* find(params.definitionId)
          const latest = (yield* mappings.history(definition.id).pipe(Effect.orDie))[0]
          if (latest === undefined) {
            return yield* new NotFound({ detail: `Sync definition ${definition.id} has no field mapping` })
          }
          return mappingVersionView(latest)
        })
      )
      .handle("set", ({ params, payload }) =>
        setFieldMapping(params.definitionId, payload).pipe(
          Effect.map(({ version }) => mappingVersionView(version)),
          Effect.catchTags({
            InvalidDefinition: (error) => Effect.fail(new InvalidField({ field: error.field, detail: error.message })),
            DefaultDefinitionFixed: (error) => Effect.fail(new Conflict({ detail: error.message })),
            DefinitionNotFound: notFound,
            StateStoreError: unavailable
          }),
          Effect.provideContext(context)
        )
      )
      .handle("versions", ({ params }) =>
        Effect.gen(function* () {
          const definition = yield* find(params.definitionId)
          return (yield* mappings.history(definition.id).pipe(Effect.orDie)).map(mappingVersionView)
        })
      )
  })
)
