/**
 * The `runs` endpoint group: runs overall and per entity, and one run with its stage counts.
 */
import { RunStatus } from "@syncflow/sync-engine"
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { NotFound } from "../ApiErrors.ts"
import { entityParams, Limit } from "../ApiParams.ts"
import { RunView } from "../Views.ts"

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
    }),
    HttpApiEndpoint.get("listForEntity", "/connectors/:connectorId/entities/:entity/runs", {
      params: entityParams,
      query: { status: Schema.optionalKey(RunStatus), limit: Schema.optionalKey(Limit) },
      success: Schema.Array(RunView),
      error: NotFound
    }),
    HttpApiEndpoint.get("get", "/runs/:runId", {
      params: { runId: Schema.String },
      success: RunView,
      error: NotFound
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Runs" })) {}
