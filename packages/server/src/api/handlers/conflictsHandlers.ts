/**
 * The two-way conflicts group: a definition's conflict log, one conflict, and the resolution of a
 * held one (through `TwoWayConflicts`). A definition that does not exist is a 404.
 */
import { type ConflictChoice, SyncDefinitions, TwoWayConflicts } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { Conflict, InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"

const unavailable = (error: { readonly message: string }) => Effect.fail(new Unavailable({ detail: error.message }))

/** The conflicts handlers. */
export const ConflictsHandlers = HttpApiBuilder.group(Api, "conflicts", (handlers) =>
  Effect.gen(function* () {
    const definitions = yield* SyncDefinitions
    const conflicts = yield* TwoWayConflicts

    const definitionOf = (idOrName: string) =>
      Effect.flatMap(definitions.get(idOrName), (found) =>
        Option.isNone(found)
          ? Effect.fail(new NotFound({ detail: `No sync definition ${JSON.stringify(idOrName)}` }))
          : Effect.succeed(found.value.id)
      ).pipe(Effect.catchTags({ StateStoreError: unavailable }))

    return handlers
      .handle("list", ({ params, query }) =>
        Effect.gen(function* () {
          const id = yield* definitionOf(params.definitionId)
          const all = yield* conflicts
            .list(id, { status: query.status, limit: query.limit })
            .pipe(Effect.catchTags({ StateStoreError: unavailable }))
          return all
        })
      )
      .handle("get", ({ params }) =>
        Effect.gen(function* () {
          const id = yield* definitionOf(params.definitionId)
          const found = yield* conflicts
            .get(id, params.conflictId)
            .pipe(Effect.catchTags({ StateStoreError: unavailable }))
          if (Option.isNone(found)) {
            return yield* new NotFound({
              detail: `Sync definition ${JSON.stringify(id)} has no conflict ${params.conflictId}`
            })
          }
          return found.value
        })
      )
      .handle("resolve", ({ params, payload }) =>
        Effect.gen(function* () {
          const id = yield* definitionOf(params.definitionId)
          let choice: ConflictChoice
          if (payload.side !== undefined && payload.record === undefined) choice = { side: payload.side }
          else if (payload.record !== undefined && payload.side === undefined) choice = { record: payload.record }
          else {
            return yield* new InvalidField({ field: "side", detail: "side: give either side or record (one of them)" })
          }
          const resolved = yield* conflicts.resolve(id, params.conflictId, choice).pipe(
            Effect.catchTags({
              ConflictNotFound: (error) => Effect.fail(new NotFound({ detail: error.message })),
              ConflictNotHeld: (error) => Effect.fail(new Conflict({ detail: error.message })),
              InvalidResolution: (error) =>
                Effect.fail(new InvalidField({ field: error.field, detail: `${error.field}: ${error.message}` })),
              StateStoreError: unavailable
            })
          )
          yield* Effect.logInfo("two-way conflict resolved").pipe(
            Effect.annotateLogs({ definition: id, conflict: params.conflictId, outcome: resolved.outcome })
          )
          return resolved
        })
      )
  })
)
