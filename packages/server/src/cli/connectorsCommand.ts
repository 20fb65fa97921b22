/**
 * `syncflow connectors add|list|show|update|test|remove|move-tables`: manage connectors in the
 * database directly. Credentials come from a file, the environment or a hidden prompt (see
 * `credentialsInput.ts`), never only from the command line.
 *
 * ```sh
 * syncflow connectors add erp --adapter <name> --config '<settings JSON>' --credentials-file erp-credentials.json
 * syncflow connectors add shop --adapter rest --config-file shop.yaml --credentials-file key.json
 * # (GET /api/v1/adapters gives each adapter's name and the JSON Schemas of its settings and credentials)
 * syncflow connectors update erp --config '{"baseUrl":"http://erp.example:8008"}'
 * syncflow connectors update shop --config-file orders-v2.yaml   # a rest connector's new document
 * syncflow connectors move-tables erp   # public.<entity> (the old layout) -> erp.<entity>
 * ```
 */
import { ConnectorStore, moveTables } from "@syncflow/sync-engine"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type ConnectorView, connectorView } from "../api/Views.ts"
import { createConnector, updateConnector } from "../connectors/ConnectorAdmin.ts"
import { ConnectorPlugins } from "../connectors/ConnectorPlugins.ts"
import { ConnectorRuntimes } from "../connectors/ConnectorRuntimes.ts"
import { checkTargetSchema, effectiveSchema } from "../connectors/TargetSchema.ts"
import { CliFailure } from "./CliFailure.ts"
import { readConfigFile } from "./configFile.ts"
import {
  credentialsEnv,
  credentialsFlags,
  readCredentials,
  readWebhookSecret,
  requireCredentials
} from "./credentialsInput.ts"
import { cliSettings, withCore } from "./Root.ts"

/** Whether a rest document's auth needs credentials (any kind but `none`). */
const needsCredentials = (config: Readonly<Record<string, unknown>>): boolean => {
  const auth = config.auth
  return typeof auth === "object" && auth !== null && "type" in auth && auth.type !== "none"
}

const decodeConfig = Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Json)))

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))

const add = Command.make(
  "add",
  {
    name: Argument.String("name").pipe(Argument.withDescription("A unique name for the connector")),
    adapter: Flag.String("adapter").pipe(
      Flag.withDescription("The adapter: a plugin's name (`GET /api/v1/adapters` lists them with their schemas)")
    ),
    id: Flag.String("id").pipe(Flag.withDescription("The connector's id (default: a UUID)"), Flag.optional),
    config: Flag.String("config").pipe(
      Flag.withDescription(`The adapter's settings as JSON, e.g. '{"baseUrl":"http://erp.example:8007"}'`),
      Flag.withDefault("{}")
    ),
    configFile: Flag.String("config-file").pipe(
      Flag.withDescription("The adapter's settings from a YAML or JSON file (for --adapter rest: the source document)"),
      Flag.optional
    ),
    ...credentialsFlags,
    targetSchema: Flag.String("target-schema").pipe(
      Flag.withDescription("The PostgreSQL schema of its tables (default: the connector's id as an identifier)"),
      Flag.optional
    ),
    json
  },
  Effect.fnUntraced(function* (input) {
    const settings = yield* cliSettings()
    const config = Option.isSome(input.configFile)
      ? yield* readConfigFile(input.configFile.value, input.adapter)
      : yield* decodeConfig(input.config).pipe(
          Effect.mapError((error) => new CliFailure({ message: `--config: ${error.message}` }))
        )
    // A declarative source whose document authenticates with nothing needs no credentials.
    const credentials =
      input.adapter === "rest" && !needsCredentials(config)
        ? Option.getOrUndefined(yield* readCredentials(input, false))
        : yield* requireCredentials(input)
    const webhookSecret = yield* readWebhookSecret(input, true)
    const publicUrl = Option.getOrElse(settings.publicUrl, () => `http://localhost:${settings.port}`)
    const connector = yield* withCore(
      createConnector(
        {
          id: Option.getOrUndefined(input.id),
          adapter: input.adapter,
          name: input.name,
          config,
          credentials,
          webhookSecret: Option.getOrUndefined(webhookSecret),
          targetSchema: Option.getOrUndefined(input.targetSchema)
        },
        publicUrl
      ).pipe(Effect.mapError((error) => new CliFailure({ message: error.message })))
    )
    yield* Console.log(input.json ? JSON.stringify(connectorView(connector)) : `Created connector ${connector.id}`)
  })
).pipe(Command.withDescription("Add a connector"))

const list = Command.make(
  "list",
  { json },
  Effect.fnUntraced(function* (input) {
    const connectors = yield* withCore(
      Effect.flatMap(ConnectorStore, (connectorStore) => connectorStore.listConnectors)
    )
    if (input.json) return yield* Console.log(JSON.stringify(connectors.map(connectorView)))
    if (connectors.length === 0) return yield* Console.log("No connectors")
    for (const connector of connectors) {
      const schema = effectiveSchema(connector) ?? "(no schema: set --target-schema)"
      yield* Console.log(
        `${connector.id.padEnd(38)} ${connector.adapter.padEnd(9)} ${schema.padEnd(20)} ${connector.name}`
      )
    }
  })
).pipe(Command.withDescription("List the connectors"))

/** The lines `connectors show` prints for a connector. */
const details = (connector: typeof ConnectorView.Type, receivesWebhooks: boolean): ReadonlyArray<string> => [
  `${connector.id}  ${connector.adapter}  ${connector.name}`,
  `  schema:         ${connector.schema ?? "(none: set --target-schema)"}${connector.targetSchema === null ? " (default)" : ""}`,
  `  config:         ${JSON.stringify(connector.config)}`,
  `  credentials:    ${connector.hasCredentials ? "stored (sealed)" : "none"}`,
  ...(receivesWebhooks || connector.hasWebhookSecret
    ? [`  webhook secret: ${connector.hasWebhookSecret ? "stored (sealed)" : "none"}`]
    : []),
  `  created:        ${connector.createdAt}`,
  `  updated:        ${connector.updatedAt}`
]

/** The stored connector `id`, or a failure naming it. */
const getConnector = (id: string) =>
  Effect.flatMap(ConnectorStore, (connectorStore) => connectorStore.getConnector(id)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new CliFailure({ message: `No connector ${id}` })),
        onSome: Effect.succeed
      })
    )
  )

const show = Command.make(
  "show",
  { connector: Argument.String("connector"), json },
  Effect.fnUntraced(function* (input) {
    const connector = connectorView(yield* withCore(getConnector(input.connector)))
    if (input.json) return yield* Console.log(JSON.stringify(connector))
    const plugin = (yield* ConnectorPlugins).find(connector.adapter)
    for (const line of details(connector, plugin?.webhooks !== undefined)) yield* Console.log(line)
  })
).pipe(Command.withDescription("Show a connector: adapter, settings, schema, whether credentials are stored"))

const update = Command.make(
  "update",
  {
    connector: Argument.String("connector"),
    name: Flag.String("name").pipe(Flag.withDescription("A new unique name"), Flag.optional),
    config: Flag.String("config").pipe(
      Flag.withDescription("The adapter's settings as JSON, replacing the stored ones as a whole"),
      Flag.optional
    ),
    configFile: Flag.String("config-file").pipe(
      Flag.withDescription(
        "The adapter's settings from a YAML or JSON file, replacing the stored ones (for a rest connector: its new source document; the next sync rediscovers its streams)"
      ),
      Flag.optional
    ),
    targetSchema: Flag.String("target-schema").pipe(
      Flag.withDescription('The schema of its tables ("none": its id). Moves no table: see move-tables'),
      Flag.optional
    ),
    newCredentials: Flag.Boolean("new-credentials").pipe(
      Flag.withDescription(
        `Replace the credentials from env ${credentialsEnv} or a hidden prompt (or give --credentials-file)`
      ),
      Flag.withDefault(false)
    ),
    ...credentialsFlags,
    json
  },
  Effect.fnUntraced(function* (input) {
    const settings = yield* cliSettings()
    const credentials = yield* readCredentials(input, input.newCredentials)
    if (input.newCredentials && Option.isNone(credentials)) {
      return yield* new CliFailure({
        message: `--new-credentials: set ${credentialsEnv}, give --credentials-file PATH, or run on a terminal to be asked`
      })
    }
    const webhookSecret = yield* readWebhookSecret(input, false)
    if (Option.isSome(input.config) && Option.isSome(input.configFile)) {
      return yield* new CliFailure({ message: "--config and --config-file: give one of them" })
    }
    const publicUrl = Option.getOrElse(settings.publicUrl, () => `http://localhost:${settings.port}`)
    const updated = yield* withCore(
      Effect.gen(function* () {
        const existing = yield* getConnector(input.connector)
        // A settings file is read as the connector's adapter takes it (a rest document is checked, by line).
        const config = Option.isSome(input.configFile)
          ? yield* readConfigFile(input.configFile.value, existing.adapter)
          : Option.isSome(input.config)
            ? yield* decodeConfig(input.config.value).pipe(
                Effect.mapError((error) => new CliFailure({ message: `--config: ${error.message}` }))
              )
            : undefined
        return yield* updateConnector(
          existing,
          {
            name: Option.getOrUndefined(input.name),
            config,
            credentials: Option.getOrUndefined(credentials),
            webhookSecret: Option.getOrUndefined(webhookSecret),
            targetSchema: Option.getOrUndefined(
              Option.map(input.targetSchema, (schema) => (schema === "none" ? null : schema))
            )
          },
          publicUrl
        ).pipe(Effect.mapError((error) => new CliFailure({ message: error.message })))
      })
    )
    const view = connectorView(updated)
    if (input.json) return yield* Console.log(JSON.stringify(view))
    const plugin = (yield* ConnectorPlugins).find(view.adapter)
    for (const line of details(view, plugin?.webhooks !== undefined)) yield* Console.log(line)
  })
).pipe(
  Command.withDescription(
    "Change a connector's name, settings, schema, credentials or webhook secret (absent flags are kept)"
  )
)

const test = Command.make(
  "test",
  { connector: Argument.String("connector") },
  Effect.fnUntraced(function* (input) {
    yield* withCore(
      Effect.gen(function* () {
        const running = yield* (yield* ConnectorRuntimes).get(input.connector)
        yield* running.runtime.adapter.testConnection
      }).pipe(Effect.mapError((error) => new CliFailure({ message: `Connection failed: ${error.message}` })))
    )
    yield* Console.log(`Connector ${input.connector}: connected`)
  })
).pipe(Command.withDescription("Check that a connector's upstream answers and accepts its credentials"))

const remove = Command.make(
  "remove",
  { connector: Argument.String("connector") },
  Effect.fnUntraced(function* (input) {
    const deleted = yield* withCore(
      Effect.gen(function* () {
        const deleted = yield* (yield* ConnectorStore).deleteConnector(input.connector)
        yield* (yield* ConnectorRuntimes).forget(input.connector)
        return deleted
      })
    )
    if (!deleted) return yield* new CliFailure({ message: `No connector ${input.connector}` })
    yield* Console.log(`Removed connector ${input.connector} and all its state`)
  })
).pipe(Command.withDescription("Remove a connector and all its state (its synced tables stay)"))

const move = Command.make(
  "move-tables",
  {
    connector: Argument.String("connector"),
    toSchema: Flag.String("to-schema").pipe(
      Flag.withDescription("The schema to move to (default: the connector's id as an identifier)"),
      Flag.optional
    ),
    json
  },
  Effect.fnUntraced(function* (input) {
    const moved = yield* withCore(
      Effect.gen(function* () {
        const toSchema = Option.getOrNull(input.toSchema)
        const existing = yield* (yield* ConnectorStore).getConnector(input.connector)
        if (Option.isNone(existing)) return yield* new CliFailure({ message: `No connector ${input.connector}` })
        if (toSchema !== existing.value.targetSchema) yield* checkTargetSchema(input.connector, toSchema)
        return yield* moveTables({ connectorId: input.connector, toSchema })
      }).pipe(Effect.mapError((error) => new CliFailure({ message: error.message })))
    )
    if (input.json) return yield* Console.log(JSON.stringify(moved))
    for (const table of moved) {
      yield* Console.log(
        table.moved
          ? `${table.entity}: moved ${table.from} to ${table.to}`
          : `${table.entity}: no table at ${table.from}; the next sync creates ${table.to}`
      )
    }
    yield* Console.log(`Connector ${input.connector}: ${moved.filter((table) => table.moved).length} tables moved`)
  })
).pipe(
  Command.withDescription(
    "Move a connector's tables, rows and all, to another schema (default: its id) in one transaction, without re-syncing; run it while none of its syncs runs"
  )
)

/** `syncflow connectors ...`. */
export const connectorsCommand = Command.make("connectors").pipe(
  Command.withDescription("Manage connectors"),
  Command.withSubcommands([add, list, show, update, test, remove, move])
)
