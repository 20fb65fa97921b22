/**
 * Flattens a decoded resource into the engine's `SourceRecord`: its `id`, its attributes encoded
 * back to their wire values (timestamps as Planning Center writes them, so records stay plain JSON),
 * and each relationship as `<name>_id` (to-one) or `<name>_ids` (to-many). An attribute of the same
 * name wins over a flattened relationship.
 */
import { InvalidResponse, type SourceRecord } from "@syncflow/adapter-core"
import { Effect, Schema } from "effect"
import type { ToMany, ToOne } from "../jsonApi/Relationship.ts"

/** A decoded resource, as far as flattening needs it. */
export interface FlattenableResource<A> {
  readonly id: string
  readonly attributes: A
  readonly relationships: { readonly [name: string]: ToOne | ToMany | undefined }
}

/** A function flattening resources whose attributes `attributes` decodes. */
export const toSourceRecord = <A>(
  endpoint: string,
  attributes: Schema.Codec<A, Readonly<Record<string, unknown>>, never, never>
) => {
  const encode = Schema.encodeEffect(attributes)
  return (resource: FlattenableResource<A>): Effect.Effect<SourceRecord, InvalidResponse> =>
    encode(resource.attributes).pipe(
      Effect.map((encoded) => {
        const record: Record<string, unknown> = { id: resource.id }
        for (const [name, relationship] of Object.entries(resource.relationships)) {
          if (relationship === undefined) continue
          const data = relationship.data
          if (data === null) record[`${name}_id`] = null
          else if ("id" in data) record[`${name}_id`] = data.id
          else record[`${name}_ids`] = data.map((identifier) => identifier.id)
        }
        return { ...record, ...encoded, id: resource.id }
      }),
      Effect.mapError(
        (error) =>
          new InvalidResponse({
            endpoint,
            reason: "schema",
            path: "attributes",
            message: `a decoded record could not be encoded back: ${error.message}`,
            sample: resource.id
          })
      )
    )
}
