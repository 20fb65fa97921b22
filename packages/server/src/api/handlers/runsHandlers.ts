/**
 * The runs group: runs across connectors with filters, one entity's runs, one run with its stage
 * counts (a running run's counts are read live: the engine adds to them with every committed window),
 * cancelling a running run (`RunControl`) and following one live (`RunEvents`, server-sent events).
 */
import { RunControl, RunEvents, StateStore } from "@syncflow/sync-engine"
import { Effect, Option, Stream } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { Conflict, NotFound, Unavailable } from "../ApiErrors.ts"
import { runView } from "../Views.ts"
import { requireEntity, unavailable } from "./common.ts"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The runs handlers. */
export const RunsHandlers = HttpApiBuilder.group(Api, "runs", (handlers) =>
  Effect.gen(function* () {
    const state = yield* StateStore
    const control = yield* RunControl
    const events = yield* RunEvents
    const notFound = (runId: string) => new NotFound({ detail: `No run ${JSON.stringify(runId)}` })
    return handlers
      .handle("list", ({ query }) =>
        unavailable(
          state.searchRuns({
            connectorId: query.connector,
            entity: query.entity,
            status: query.status,
            limit: query.limit
          })
        ).pipe(
          Effect.map((runs) => runs.map(runView)),
          Effect.orDie
        )
      )
      .handle("listForEntity", ({ params, query }) =>
        Effect.gen(function* () {
          yield* requireEntity(params.connectorId, params.entity)
          const runs = yield* unavailable(
            state.searchRuns({
              connectorId: params.connectorId,
              entity: params.entity,
              status: query.status,
              limit: query.limit
            })
          ).pipe(Effect.orDie)
          return runs.map(runView)
        })
      )
      .handle("get", ({ params }) =>
        Effect.gen(function* () {
          const run = uuidPattern.test(params.runId)
            ? yield* unavailable(state.getRun(params.runId)).pipe(Effect.orDie)
            : Option.none()
          if (Option.isNone(run)) return yield* new NotFound({ detail: `No run ${JSON.stringify(params.runId)}` })
          return runView(run.value)
        })
      )
      .handle("cancel", ({ params }) =>
        control.cancel(params.runId).pipe(
          Effect.map(runView),
          Effect.catchTags({
            RunNotFound: () => Effect.fail(notFound(params.runId)),
            RunNotRunning: (error) => Effect.fail(new Conflict({ field: "runId", detail: error.message })),
            StateStoreError: (error) => Effect.die(new Unavailable({ detail: error.message }))
          })
        )
      )
      .handle("events", ({ params }) =>
        Effect.gen(function* () {
          const run = uuidPattern.test(params.runId)
            ? yield* unavailable(state.getRun(params.runId)).pipe(Effect.orDie)
            : Option.none()
          if (Option.isNone(run)) return yield* notFound(params.runId)
          return events.subscribe(params.runId).pipe(
            Stream.tapError((error) => Effect.logWarning("run events stream failed", { error })),
            Stream.orDie
          )
        })
      )
  })
)
