/**
 * The runs group: runs across connectors with filters, one entity's runs, one run with its stage
 * counts (a running run's counts are read live: the engine adds to them with every committed window),
 * cancelling a running run (`RunControl`) and following one live (`RunEvents`, server-sent events).
 */
import { RunControl, RunEvents, RunStore, SyncWorkflows } from "@syncflow/sync-engine"
import { Effect, Option, Stream } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { Conflict, NotFound, Unavailable } from "../ApiErrors.ts"
import { executionRunViews, runView } from "../Views.ts"
import { requireEntity, unavailable } from "./common.ts"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The runs handlers. */
export const RunsHandlers = HttpApiBuilder.group(Api, "runs", (handlers) =>
  Effect.gen(function* () {
    const runStore = yield* RunStore
    const control = yield* RunControl
    const events = yield* RunEvents
    const workflows = yield* SyncWorkflows
    const notFound = (runId: string) => new NotFound({ detail: `No run ${JSON.stringify(runId)}` })
    return handlers
      .handle("list", ({ query }) =>
        unavailable(
          runStore.searchRuns({
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
            runStore.searchRuns({
              connectorId: params.connectorId,
              entity: params.entity,
              // The entity's default sync: its definitions' runs are theirs (`/definitions/{id}/runs`).
              definitionId: null,
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
            ? yield* unavailable(runStore.getRun(params.runId)).pipe(Effect.orDie)
            : Option.none()
          if (Option.isSome(run)) return runView(run.value)
          // The run id a trigger answered with, or an entity sync's execution id.
          const links = yield* unavailable(runStore.executionRuns(params.runId)).pipe(Effect.orDie)
          const id = JSON.stringify(params.runId)
          const entities = new Set(links.map((link) => `${link.connectorId}/${link.entity}`))
          if (entities.size > 1) {
            return yield* new NotFound({
              detail: `${id} is a connector sync's execution: GET /api/v1/executions/${params.runId} lists its runs`
            })
          }
          const started = links.flatMap((link) => (Option.isSome(link.run) ? [link.run.value] : []))
          const latest = started.sort((a, b) => b.startedAt.epochMilliseconds - a.startedAt.epochMilliseconds)[0]
          if (latest !== undefined) return runView(latest)
          return yield* new NotFound({
            detail:
              links.length > 0
                ? `Run ${id} has not started yet (queued behind the entity's running sync)`
                : `No run ${id}`
          })
        })
      )
      .handle("execution", ({ params }) =>
        Effect.gen(function* () {
          const status = yield* workflows.executionStatus(params.executionId)
          if (Option.isNone(status)) {
            return yield* new NotFound({ detail: `No execution ${JSON.stringify(params.executionId)}` })
          }
          const links = yield* unavailable(runStore.executionRuns(params.executionId)).pipe(Effect.orDie)
          const mine = links.filter((link) => link.executionId === params.executionId)
          return {
            executionId: params.executionId,
            status:
              status.value._tag === "Running" ? "running" : status.value._tag === "Succeeded" ? "succeeded" : "failed",
            error: status.value._tag === "Failed" ? status.value.message : null,
            runs: executionRunViews(mine)
          } as const
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
            ? yield* unavailable(runStore.getRun(params.runId)).pipe(Effect.orDie)
            : Option.none()
          if (Option.isNone(run)) return yield* notFound(params.runId)
          return events.subscribe(params.runId).pipe(
            Stream.tapError((error) =>
              Effect.logWarning("run events stream failed").pipe(Effect.annotateLogs({ error: error.message }))
            ),
            Stream.orDie
          )
        })
      )
  })
)
