/**
 * Creating and changing a sync definition as a user asks for it: the spec with its defaults (a UUID
 * for an id not given), a change merged over the stored definition, the result validated
 * (`validateDefinition`) and then stored. The API and the CLI both go through here.
 */
import { Effect, Option } from "effect"
import { SecureRandom } from "effect/crypto"
import { DefaultDefinitionFixed, DefinitionNotFound } from "./DefinitionErrors.ts"
import { type DefinitionSpec, type NewSyncDefinition, withDefaults } from "./SyncDefinition.ts"
import { SyncDefinitions } from "./SyncDefinitions.ts"
import { validateDefinition } from "./validateDefinition.ts"

/** A change of a definition: absent fields are kept; `null` clears a mapping or a match key. */
export type DefinitionPatch = {
  readonly [K in keyof DefinitionSpec]?: K extends "mapping" | "matchKey" ? DefinitionSpec[K] | null : DefinitionSpec[K]
}

/** Validates and stores a new definition (`id` absent: a UUID). */
export const createDefinition = Effect.fnUntraced(function* (
  spec: DefinitionSpec & { readonly id?: string | undefined }
) {
  const id =
    spec.id ??
    (yield* Effect.flatMap(SecureRandom.SecureRandom, (random) => random.uuidV4()).pipe(
      Effect.provide(SecureRandom.layerWebCrypto)
    ))
  const definition = withDefaults(id, spec)
  yield* validateDefinition(definition)
  return yield* Effect.flatMap(SyncDefinitions, (definitions) => definitions.create(definition))
})

/** Merges a change over a stored definition, validates the result and stores it. */
export const updateDefinition = Effect.fnUntraced(function* (idOrName: string, patch: DefinitionPatch) {
  const definitions = yield* SyncDefinitions
  const found = yield* definitions.get(idOrName)
  if (Option.isNone(found)) return yield* new DefinitionNotFound({ id: idOrName })
  const current = found.value
  if (current.isDefault) return yield* new DefaultDefinitionFixed({ id: current.id })
  const definition: NewSyncDefinition = {
    id: current.id,
    name: patch.name ?? current.name,
    source: patch.source ?? current.source,
    destination: patch.destination ?? current.destination,
    mapping: patch.mapping === undefined ? current.mapping : patch.mapping,
    filters: patch.filters ?? current.filters,
    operation: patch.operation ?? current.operation,
    matchKey: patch.matchKey === undefined ? current.matchKey : patch.matchKey,
    // A new destination without a direction takes the one it implies.
    direction:
      patch.direction ??
      (patch.destination === undefined ? current.direction : patch.destination.kind === "postgres" ? "pull" : "push"),
    bidirectional: patch.bidirectional ?? current.bidirectional,
    schedule: patch.schedule === undefined ? current.schedule : patch.schedule,
    enabled: patch.enabled ?? current.enabled,
    pipeline: patch.pipeline ?? current.pipeline
  }
  yield* validateDefinition(definition, current.fieldMapping)
  return yield* definitions.replace(current.id, definition)
})
