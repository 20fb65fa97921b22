/**
 * The alerts group: the alerts the cluster's evaluator recorded (`AlertStore`), filtered.
 */
import { AlertStore } from "@syncflow/sync-engine"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { alertView } from "../Views.ts"
import { unavailable } from "./common.ts"

/** The alerts handlers. */
export const AlertsHandlers = HttpApiBuilder.group(Api, "alerts", (handlers) =>
  Effect.gen(function* () {
    const store = yield* AlertStore
    return handlers.handle("list", ({ query }) =>
      unavailable(
        store.list({
          state: query.state,
          rule: query.rule,
          connectorId: query.connector,
          entity: query.entity,
          limit: query.limit
        })
      ).pipe(
        Effect.map((alerts) => alerts.map(alertView)),
        Effect.orDie
      )
    )
  })
)
