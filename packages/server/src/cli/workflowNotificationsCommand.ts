/**
 * `syncflow workflows notifications list|add|remove`: which connectors' and sync definitions' run
 * ends notify which n8n workflow (a webhook), as `/api/v1/workflows/notifications` manages them;
 * straight from the database, so it works whether or not a server runs. `add` names the workflow
 * by its id in the configured instance (`--workflow`, its Webhook trigger's URL) or by a URL
 * (`--webhook-url`); a refusal names the flag's field, as the API's 400 does.
 */
import { type EndStatus, type NotificationTarget, RunNotifier } from "@syncflow/n8n"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { NotificationSubscription, subscribeNotification } from "../notifications/subscribeNotification.ts"
import { CliFailure } from "./CliFailure.ts"
import { configuredN8n } from "./n8nInstance.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
const idArgument = Argument.String("notification").pipe(Argument.withDescription("The notification's id"))

const line = (target: NotificationTarget): string =>
  `${target.id.padEnd(24)} ${(target.connectorId === null ? `definition ${target.definitionId}` : `connector ${target.connectorId}`).padEnd(32)} ` +
  `on ${target.statuses.join(",").padEnd(26)} -> ${target.webhookUrl}`

const list = Command.make("list", { json }, ({ json }) =>
  Effect.gen(function* () {
    const targets = yield* withCore(Effect.flatMap(RunNotifier, (notifier) => notifier.targets))
    if (json) return yield* Console.log(JSON.stringify(targets))
    if (targets.length === 0) return yield* Console.log("No run notifications")
    for (const target of targets) yield* Console.log(line(target))
  })
).pipe(Command.withDescription("List which runs notify which webhooks (n8n workflows) when they end"))

const decodeSubscription = Schema.decodeUnknownEffect(NotificationSubscription)

const add = Command.make(
  "add",
  {
    id: idArgument,
    connector: Flag.String("connector").pipe(
      Flag.withDescription("Notify the ends of this connector's runs (its entities' and its definitions')"),
      Flag.optional
    ),
    definition: Flag.String("definition").pipe(
      Flag.withDescription("Notify the ends of this sync definition's runs"),
      Flag.optional
    ),
    workflow: Flag.String("workflow").pipe(
      Flag.withDescription(
        "The n8n workflow (its id in SYNCFLOW_N8N_URL's instance) whose POST Webhook trigger is told"
      ),
      Flag.optional
    ),
    webhookUrl: Flag.String("webhook-url").pipe(
      Flag.withDescription("The webhook URL to POST each run's summary to (instead of --workflow)"),
      Flag.optional
    ),
    on: Flag.Literals("on", ["succeeded", "failed", "cancelled"] as const).pipe(
      Flag.withDescription("An end status to notify (repeat it); all three when absent"),
      Flag.atLeast(0)
    ),
    json
  },
  Effect.fnUntraced(function* (input) {
    const statuses: ReadonlyArray<EndStatus> = input.on
    const subscription = yield* decodeSubscription({
      id: input.id,
      ...Option.match(input.connector, { onNone: () => ({}), onSome: (connectorId) => ({ connectorId }) }),
      ...Option.match(input.definition, { onNone: () => ({}), onSome: (definitionId) => ({ definitionId }) }),
      ...Option.match(input.workflow, { onNone: () => ({}), onSome: (workflowId) => ({ workflowId }) }),
      ...Option.match(input.webhookUrl, { onNone: () => ({}), onSome: (webhookUrl) => ({ webhookUrl }) }),
      ...(statuses.length === 0 ? {} : { statuses })
    }).pipe(Effect.mapError((error) => new CliFailure({ message: error.message })))
    const target = yield* withCore(
      Effect.gen(function* () {
        const n8n = Option.isSome(input.workflow) ? yield* configuredN8n : undefined
        return yield* subscribeNotification(subscription, n8n)
      }).pipe(
        Effect.scoped,
        Effect.mapError((error) => new CliFailure({ message: error.message }))
      )
    )
    yield* Console.log(input.json ? JSON.stringify(target) : `Added run notification ${target.id}: ${line(target)}`)
  })
).pipe(
  Command.withDescription(
    "Notify an n8n workflow (--workflow ID or --webhook-url URL) when a connector's or a definition's runs end"
  )
)

const remove = Command.make("remove", { id: idArgument }, ({ id }) =>
  Effect.gen(function* () {
    const removed = yield* withCore(Effect.flatMap(RunNotifier, (notifier) => notifier.unsubscribe(id)))
    if (!removed) return yield* new CliFailure({ message: `No run notification ${JSON.stringify(id)}` })
    yield* Console.log(`Removed run notification ${id}`)
  })
).pipe(Command.withDescription("Stop a run notification (its undelivered notifications are dropped)"))

/** `syncflow workflows notifications list|add|remove`. */
export const notificationsCommand = Command.make("notifications").pipe(
  Command.withDescription("Which connectors' and sync definitions' run ends notify which n8n workflows"),
  Command.withSubcommands([list, add, remove])
)
