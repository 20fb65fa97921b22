/**
 * `syncflow workflows list|create|activate|execute|executions`: the n8n instance of
 * `SYNCFLOW_N8N_URL` and `SYNCFLOW_N8N_API_KEY` (the key from the environment, never a flag), as
 * the admin API's `/api/v1/workflows` offers it, through `@syncflow/n8n`'s client in this process;
 * `syncflow workflows notifications list|add|remove`: which runs notify which workflow.
 */
import type { AdapterError } from "@syncflow/adapter-core"
import { type N8nClientService, type Workflow, WorkflowInput, webhookNodes } from "@syncflow/n8n"
import { Console, Effect, Schema, Stream } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { CliFailure } from "./CliFailure.ts"
import { requiredN8n } from "./n8nInstance.ts"
import { notificationsCommand } from "./workflowNotificationsCommand.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
const workflowArgument = Argument.String("workflow").pipe(Argument.withDescription("The workflow's id"))

/** Runs `f` with a client of the configured instance; any failure is a `CliFailure`. */
const withN8n = <A>(what: string, f: (client: N8nClientService) => Effect.Effect<A, AdapterError | CliFailure>) =>
  Effect.flatMap(requiredN8n, f).pipe(
    Effect.scoped,
    Effect.mapError((error) =>
      error._tag === "CliFailure" ? error : new CliFailure({ message: `${what} failed: ${error.message}` })
    )
  )

const line = (workflow: Workflow): string =>
  `${workflow.id.padEnd(18)} ${workflow.name.padEnd(28)} ${workflow.active ? "active  " : "inactive"}  ${webhookNodes(
    workflow
  )
    .map((hook) => `webhook ${hook.path}`)
    .join(", ")}`

const list = Command.make("list", { json }, ({ json }) =>
  withN8n("Listing workflows", (client) =>
    Effect.gen(function* () {
      const all = yield* Stream.runCollect(client.listWorkflows({}, { pageSize: 250 }))
      yield* json ? Console.log(JSON.stringify(all)) : Effect.forEach(all, (w) => Console.log(line(w)))
    })
  )
).pipe(Command.withDescription("List the n8n instance's workflows"))

const decodeWorkflow = Schema.decodeUnknownEffect(Schema.fromJsonString(WorkflowInput))

const create = Command.make(
  "create",
  {
    file: Flag.FileText("file").pipe(
      Flag.withDescription("The workflow as n8n's JSON (name, nodes, connections, settings)")
    ),
    activate: Flag.Boolean("activate").pipe(Flag.withDescription("Activate it once created"), Flag.withDefault(false)),
    json
  },
  ({ file, activate, json }) =>
    withN8n("Creating the workflow", (client) =>
      Effect.gen(function* () {
        const input = yield* decodeWorkflow(file).pipe(
          Effect.mapError((error) => new CliFailure({ message: `--file is not a workflow: ${error.message}` }))
        )
        const created = yield* client.createWorkflow(input)
        const workflow = activate ? yield* client.activateWorkflow(created.id) : created
        yield* Console.log(json ? JSON.stringify(workflow) : line(workflow))
      })
    )
).pipe(Command.withDescription("Create an n8n workflow from its JSON"))

const activateCommand = Command.make("activate", { workflow: workflowArgument }, ({ workflow }) =>
  withN8n("Activating the workflow", (client) =>
    Effect.flatMap(client.activateWorkflow(workflow), (w) => Console.log(line(w)))
  )
).pipe(Command.withDescription("Activate an n8n workflow (its webhooks answer from then on)"))

const execute = Command.make(
  "execute",
  {
    workflow: workflowArgument,
    payload: Flag.String("payload").pipe(Flag.withDescription("The payload, as JSON"), Flag.withDefault("{}"))
  },
  ({ workflow, payload }) =>
    withN8n("Executing the workflow", (client) =>
      Effect.gen(function* () {
        const body = yield* Effect.try({
          try: (): unknown => JSON.parse(payload),
          catch: (cause) => new CliFailure({ message: `--payload is not JSON: ${String(cause)}` })
        })
        const answer = yield* client.executeWorkflow(workflow, body)
        yield* Console.log(
          JSON.stringify({ workflowId: workflow, path: answer.path, status: answer.status, answer: answer.body })
        )
      })
    )
).pipe(Command.withDescription("Execute an active n8n workflow with a payload, through its webhook trigger"))

const executions = Command.make("executions", { workflow: workflowArgument, json }, ({ workflow, json }) =>
  withN8n("Listing executions", (client) =>
    Effect.gen(function* () {
      const all = yield* Stream.runCollect(client.listExecutions({ workflowId: workflow }, { pageSize: 250 }))
      yield* json
        ? Console.log(JSON.stringify(all))
        : Effect.forEach(all, (e) =>
            Console.log(`${e.id.padEnd(8)} ${e.mode.padEnd(8)} ${e.status.padEnd(8)} ${e.startedAt}`)
          )
    })
  )
).pipe(Command.withDescription("List an n8n workflow's executions, newest first"))

/** `syncflow workflows list|create|activate|execute|executions|notifications`. */
export const workflowsCommand = Command.make("workflows").pipe(
  Command.withDescription("The n8n instance's workflows (SYNCFLOW_N8N_URL, SYNCFLOW_N8N_API_KEY)"),
  Command.withSubcommands([list, create, activateCommand, execute, executions, notificationsCommand])
)
