/**
 * The `alerts` endpoint group: the alerts, firing and resolved (their history), newest first.
 */
import { AlertRule, AlertState } from "@syncflow/sync-engine"
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { Limit } from "../ApiParams.ts"
import { AlertView } from "../Views.ts"

/** Alerts: firing and resolved, with filters. */
export class AlertsGroup extends HttpApiGroup.make("alerts")
  .add(
    HttpApiEndpoint.get("list", "/alerts", {
      query: {
        state: Schema.optionalKey(AlertState),
        rule: Schema.optionalKey(AlertRule),
        connector: Schema.optionalKey(Schema.String),
        entity: Schema.optionalKey(Schema.String),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(AlertView)
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List alerts",
        description:
          "The alerts, newest first: each is one episode of a rule holding for an entity (or, for `upstream_unreachable`, a connector), `firing` while it holds and `resolved` after, with the value observed and the threshold it crossed (in `unit`). Rules: `consecutive_failures`, `long_run`, `not_synced`, `upstream_unreachable`, `failed_records`, `pending_children`. Filter by `state`, `rule`, `connector` and `entity`; `limit`: 1 to 10000 (100 by default)."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Alerts" })) {}
