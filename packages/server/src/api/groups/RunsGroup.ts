/**
 * The `runs` endpoint group: runs overall and per entity, one run with its stage counts, cancelling a
 * running one, and following one live (server-sent events).
 */
import { RunEvent, RunStatus } from "@syncflow/sync-engine"
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { Conflict, NotFound } from "../ApiErrors.ts"
import { entityParams, Limit } from "../ApiParams.ts"
import { ExecutionView, RunView } from "../Views.ts"

/** Runs: overall and per entity, with filters; one run with its stage counts. */
export class RunsGroup extends HttpApiGroup.make("runs")
  .add(
    HttpApiEndpoint.get("list", "/runs", {
      query: {
        connector: Schema.optionalKey(Schema.String),
        entity: Schema.optionalKey(Schema.String),
        status: Schema.optionalKey(RunStatus),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(RunView)
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List runs",
        description: "The latest runs, newest first, filtered by connector, entity and status (`limit`: 1 to 10000)."
      })
    ),
    HttpApiEndpoint.get("listForEntity", "/connectors/:connectorId/entities/:entity/runs", {
      params: entityParams,
      query: { status: Schema.optionalKey(RunStatus), limit: Schema.optionalKey(Limit) },
      success: Schema.Array(RunView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List an entity's runs",
        description:
          "The entity's (default sync's) latest runs, newest first, filtered by status. A sync definition's runs are at `/definitions/{id}/runs`."
      })
    ),
    HttpApiEndpoint.get("get", "/runs/:runId", {
      params: { runId: Schema.String },
      success: RunView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "One run",
        description:
          "One run with its stage counts. Accepts a run id, the run id a trigger answered with (also when the sync resumed an earlier run), or an entity sync's execution id."
      })
    ),
    HttpApiEndpoint.post("cancel", "/runs/:runId/cancel", {
      params: { runId: Schema.String },
      success: RunView.pipe(HttpApiSchema.status(202)),
      error: [NotFound, Conflict]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Cancel a running sync",
        description:
          "Asks the run to stop: its sync (in this server or any process on the same database) ends it `cancelled` at its next window boundary. What committed stays; nothing is soft-deleted; the next sync starts as its mode says. Answers 202 with the run as it is now (still `running`); 409 when the run has ended, 404 when there is no such run."
      })
    ),
    HttpApiEndpoint.get("events", "/runs/:runId/events", {
      params: { runId: Schema.String },
      success: HttpApiSchema.StreamSse({ data: RunEvent }),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Follow a run live (server-sent events)",
        description:
          "Streams the run's events as server-sent events, each `data` a JSON `RunEvent` named by its `_tag`: `RunStarted`, `WindowCommitted` (cumulative counts, rows/s, and total, percent and ETA when the source reports a total) after every committed window, and last `RunFinished` (status, final counts, error), after which the stream ends. A running run first gets a snapshot of its counts so far; a finished one gets its `RunFinished` at once."
      })
    ),
    HttpApiEndpoint.get("execution", "/executions/:executionId", {
      params: { executionId: Schema.String },
      success: ExecutionView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "One execution and its runs",
        description:
          "An entity or connector sync's execution (the `executionId` a trigger answered with): whether it runs, succeeded or failed (and why), and its runs, one per entity."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Runs" })) {}
