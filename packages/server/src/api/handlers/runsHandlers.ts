/**
 * The runs group: runs across connectors with filters, one entity's runs, and one run with its stage
 * counts (a running run's counts are read live: the engine adds to them with every committed window).
 */
import { StateStore } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { NotFound } from "../ApiErrors.ts"
import { runView } from "../Views.ts"
import { requireEntity, unavailable } from "./common.ts"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The runs handlers. */
export const RunsHandlers = HttpApiBuilder.group(Api, "runs", (handlers) =>
  Effect.gen(function* () {
    const state = yield* StateStore
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
          if (Option.isNone(run)) return yield* new NotFound({ message: `No run ${JSON.stringify(params.runId)}` })
          return runView(run.value)
        })
      )
  })
)
