/**
 * Helpers shared by the API handlers: reading a connector or an entity or failing with `NotFound`,
 * and turning internal failures into the API's errors.
 */
import { ConnectorStore, ManifestStore } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { NotFound, Unavailable } from "../ApiErrors.ts"

/** Any failure with a message becomes a 503 `Unavailable` (the database or the engine failed). */
export const unavailable = <A, E extends { readonly message: string }, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Unavailable, R> => Effect.mapError(effect, (error) => new Unavailable({ detail: error.message }))

/** The connector, or `NotFound`. */
export const requireConnector = Effect.fnUntraced(function* (connectorId: string) {
  const connectorStore = yield* ConnectorStore
  const found = yield* unavailable(connectorStore.getConnector(connectorId)).pipe(Effect.orDie)
  if (Option.isNone(found)) return yield* new NotFound({ detail: `No connector ${JSON.stringify(connectorId)}` })
  return found.value
})

/** The discovered entity, or `NotFound`. */
export const requireEntity = Effect.fnUntraced(function* (connectorId: string, entity: string) {
  yield* requireConnector(connectorId)
  const manifestStore = yield* ManifestStore
  const found = yield* unavailable(manifestStore.getManifest(connectorId, entity)).pipe(Effect.orDie)
  if (Option.isNone(found)) {
    return yield* new NotFound({
      detail: `Connector ${JSON.stringify(connectorId)} has no discovered entity ${JSON.stringify(entity)}`
    })
  }
  return found.value
})
