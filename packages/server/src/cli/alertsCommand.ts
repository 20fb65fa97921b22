/**
 * `syncflow alerts [--state firing|resolved] [--rule R] [--connector C] [--entity E] [--limit N]
 * [--json]`: the alerts the cluster's evaluator recorded, newest first, as `GET /api/v1/alerts`
 * lists them; straight from the database, so it works whether or not a server runs.
 */
import { AlertStore } from "@syncflow/sync-engine"
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { alertView } from "../api/Views.ts"
import { withCore } from "./Root.ts"

/** `syncflow alerts`. */
export const alertsCommand = Command.make(
  "alerts",
  {
    state: Flag.Literals("state", ["firing", "resolved"]).pipe(
      Flag.withDescription("Only firing or only resolved alerts"),
      Flag.optional
    ),
    rule: Flag.Literals("rule", [
      "consecutive_failures",
      "long_run",
      "not_synced",
      "upstream_unreachable",
      "failed_records",
      "pending_children"
    ]).pipe(Flag.withDescription("Only this rule's alerts"), Flag.optional),
    connector: Flag.String("connector").pipe(Flag.optional),
    entity: Flag.String("entity").pipe(Flag.optional),
    limit: Flag.Int("limit").pipe(Flag.withDefault(20)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
  },
  Effect.fnUntraced(function* (input) {
    const alerts = yield* withCore(
      Effect.flatMap(AlertStore, (store) =>
        store.list({
          state: Option.getOrUndefined(input.state),
          rule: Option.getOrUndefined(input.rule),
          connectorId: Option.getOrUndefined(input.connector),
          entity: Option.getOrUndefined(input.entity),
          limit: input.limit
        })
      )
    )
    const views = alerts.map(alertView)
    if (input.json) return yield* Console.log(JSON.stringify(views))
    if (views.length === 0) return yield* Console.log("No alerts")
    for (const alert of views) {
      yield* Console.log(
        `${alert.firedAt}  ${alert.state.padEnd(8)} ${alert.rule.padEnd(20)} ${alert.connectorId}${
          alert.entity === null ? "" : `/${alert.entity}`
        }  ${alert.summary}${alert.resolvedAt === null ? "" : `  (resolved ${alert.resolvedAt})`}`
      )
    }
  })
).pipe(Command.withDescription("List alerts (firing and resolved), newest first"))
