/**
 * `syncflow connectors add|list|test|remove|move-tables`: manage connectors in the database directly.
 *
 * ```sh
 * syncflow connectors add erp --adapter apismith --config '{"baseUrl":"http://apismith:8007"}' \
 *   --credentials '{"type":"serviceJwt","secret":"..."}'
 * syncflow connectors move-tables erp   # public.<entity> (the old layout) -> erp.<entity>
 * ```
 */
import { moveTables, StateStore } from "@syncflow/sync-engine"
import { Console, Effect, Option, Redacted, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { connectorView } from "../api/Views.ts"
import { createConnector } from "../connectors/ConnectorAdmin.ts"
import { ConnectorRuntimes } from "../connectors/ConnectorRuntimes.ts"
import { AdapterName, CredentialsInput } from "../connectors/ConnectorSettings.ts"
import { checkTargetSchema, effectiveSchema } from "../connectors/TargetSchema.ts"
import { CliFailure } from "./CliFailure.ts"
import { cliSettings, withCore } from "./Root.ts"

const decodeCredentials = Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.toCodecJson(CredentialsInput)))
const decodeConfig = Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.Record(Schema.String, Schema.Json)))

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))

const add = Command.make(
  "add",
  {
    name: Argument.String("name").pipe(Argument.withDescription("A unique name for the connector")),
    adapter: Flag.Literals("adapter", AdapterName.literals).pipe(Flag.withDescription("apismith or pco")),
    id: Flag.String("id").pipe(Flag.withDescription("The connector's id (default: a UUID)"), Flag.optional),
    config: Flag.String("config").pipe(
      Flag.withDescription(`The adapter's settings as JSON, e.g. '{"baseUrl":"http://apismith:8007"}'`),
      Flag.withDefault("{}")
    ),
    credentials: Flag.Redacted("credentials").pipe(
      Flag.withDescription(`Credentials as JSON, e.g. '{"type":"serviceJwt","secret":"..."}'`)
    ),
    webhookSecret: Flag.Redacted("webhook-secret").pipe(
      Flag.withDescription("PCO: the secret webhook deliveries are signed with"),
      Flag.optional
    ),
    targetSchema: Flag.String("target-schema").pipe(
      Flag.withDescription("The PostgreSQL schema of its tables (default: the connector's id as an identifier)"),
      Flag.optional
    ),
    json
  },
  Effect.fnUntraced(function* (input) {
    const settings = yield* cliSettings()
    const credentials = yield* decodeCredentials(Redacted.value(input.credentials)).pipe(
      Effect.mapError(() => new CliFailure({ message: "--credentials: not valid credentials JSON" }))
    )
    const config = yield* decodeConfig(input.config).pipe(
      Effect.mapError((error) => new CliFailure({ message: `--config: ${error.message}` }))
    )
    const publicUrl = Option.getOrElse(settings.publicUrl, () => `http://localhost:${settings.port}`)
    const connector = yield* withCore(
      createConnector(
        {
          id: Option.getOrUndefined(input.id),
          adapter: input.adapter,
          name: input.name,
          config,
          credentials,
          webhookSecret: Option.getOrUndefined(input.webhookSecret),
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
    const connectors = yield* withCore(Effect.flatMap(StateStore, (state) => state.listConnectors))
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
        const deleted = yield* (yield* StateStore).deleteConnector(input.connector)
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
        const existing = yield* (yield* StateStore).getConnector(input.connector)
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
  Command.withSubcommands([add, list, test, remove, move])
)
