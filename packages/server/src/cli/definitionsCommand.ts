/**
 * `syncflow definitions list|show|create|update|delete|run|runs|failed|mapping|conflicts`: sync definitions, as the admin API's
 * `/api/v1/definitions` manages them. A definition is given as JSON in a file (`--file`, the API's
 * body) and/or by flags (`--name`, `--source connector:entity`, `--table`, `--map from=to`,
 * `--where "field op value"`, `--match-key`, `--cron`, `--interval`, `--pipeline steps.yaml`: its
 * ETL steps, `pipelineFile.ts`), flags over the file; without a
 * destination, a definition writes a table in the source connector's schema. `run` runs it in this
 * process (`runDefinition`): a default definition is its entity's sync, like `syncflow sync`.
 * `runs` and `failed` list a definition's runs and failed records (`definitionStateCommands.ts`);
 * `mapping show|set|history` its field mapping (`definitionMappingCommand.ts`); `conflicts list|show|resolve` a two-way
 * definition's conflicts (`definitionConflictsCommand.ts`).
 */
import {
  createDefinition,
  type DefinitionPatch,
  type DefinitionSpec,
  runDefinition,
  runTwoWayDefinition,
  type SyncDefinition,
  SyncDefinitions,
  updateDefinition
} from "@syncflow/sync-engine"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { CreateDefinition, definitionView, UpdateDefinition } from "../api/groups/DefinitionsGroup.ts"
import { CliFailure, entityBusyExitCode } from "./CliFailure.ts"
import { definitionConflictsCommand } from "./definitionConflictsCommand.ts"
import { definitionMappingCommand } from "./definitionMappingCommand.ts"
import { definitionFailedCommand, definitionRunsCommand } from "./definitionStateCommands.ts"
import { deliveringRunEnds } from "./deliverRunEnds.ts"
import { readPipelineFile } from "./pipelineFile.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
const idArgument = Argument.String("definition").pipe(Argument.withDescription("The definition's id or name"))

const scheduleText = (definition: SyncDefinition): string =>
  definition.schedule === null
    ? "on demand"
    : "cron" in definition.schedule
      ? `cron ${definition.schedule.cron}`
      : `every ${definition.schedule.intervalSeconds}s`

const destinationText = (definition: SyncDefinition): string => {
  const destination = definition.destination
  if (destination.kind === "connector") return `${destination.connectorId}:${destination.entity}`
  if (definition.isDefault) return "postgres (the entity's table)"
  return `postgres ${destination.schema ?? "(connector schema)"}.${destination.table ?? definition.source.entity}`
}

const line = (definition: SyncDefinition): string =>
  `${definition.id.padEnd(28)} ${definition.name.padEnd(24)} ${definition.source.connectorId}:${definition.source.entity} -> ` +
  `${destinationText(definition)}  ${definition.enabled ? "enabled" : "disabled"}  ${scheduleText(definition)}` +
  (definition.isDefault ? "  (default)" : "")

const details = (definition: SyncDefinition): ReadonlyArray<string> => [
  line(definition),
  `  mapping:   ${
    definition.mapping === null
      ? "every field"
      : Object.entries(definition.mapping)
          .map(([from, to]) => (from === to ? from : `${from} -> ${to}`))
          .join(", ")
  }`,
  `  filters:   ${definition.filters.length === 0 ? "none" : definition.filters.map((f) => `${f.field} ${f.op}${"value" in f ? ` ${JSON.stringify(f.value)}` : "values" in f ? ` ${JSON.stringify(f.values)}` : ""}`).join(" and ")}`,
  `  operation: ${definition.operation}  match key: ${definition.matchKey?.join(", ") ?? "the source's business key"}  direction: ${definition.direction}`,
  `  pipeline:  ${definition.pipeline.length === 0 ? "none" : definition.pipeline.map((step, i) => `[${i}] ${step.type}`).join(", ")}`
]

const specFlags = {
  file: Flag.FileText("file").pipe(
    Flag.withDescription("The definition as JSON (the API's body); flags override its fields"),
    Flag.optional
  ),
  name: Flag.String("name").pipe(Flag.withDescription("The definition's name"), Flag.optional),
  source: Flag.String("source").pipe(Flag.withDescription("The source: <connector>:<entity>"), Flag.optional),
  schema: Flag.String("schema").pipe(
    Flag.withDescription("The PostgreSQL schema to write to (default: the source connector's)"),
    Flag.optional
  ),
  table: Flag.String("table").pipe(
    Flag.withDescription("The PostgreSQL table to write to (default: the entity's name)"),
    Flag.optional
  ),
  destination: Flag.String("destination").pipe(
    Flag.withDescription("A connector's entity to push to: <connector>:<entity> (instead of a PostgreSQL table)"),
    Flag.optional
  ),
  map: Flag.KeyValuePair("map").pipe(
    Flag.withDescription("source_field=destination_field (repeat it); only the fields mapped go"),
    Flag.optional
  ),
  where: Flag.String("where").pipe(
    Flag.withDescription(
      'A filter "field op [value]" (op: eq ne gt gte lt lte in isNull notNull; in: a,b,c); repeat it'
    ),
    Flag.atLeast(0)
  ),
  matchKey: Flag.String("match-key").pipe(
    Flag.withDescription("A destination field identifying records (repeat it for several)"),
    Flag.atLeast(0)
  ),
  cron: Flag.String("cron").pipe(Flag.withDescription("A cron schedule (five fields, UTC)"), Flag.optional),
  interval: Flag.Int("interval").pipe(Flag.withDescription("Seconds between scheduled runs"), Flag.optional),
  operation: Flag.Literals("operation", ["upsert", "insert", "update", "delete"]).pipe(
    Flag.withDescription(
      "upsert (default): create and update; insert: only new records; update: only known ones; delete: delete the listed records (connectors)"
    ),
    Flag.optional
  ),
  enabled: Flag.Literals("enabled", ["true", "false"]).pipe(
    Flag.withDescription("Whether it runs on its schedule"),
    Flag.optional
  ),
  pipeline: Flag.String("pipeline").pipe(
    Flag.withDescription(
      "A file (YAML or JSON, - for stdin) with the ETL steps run on the rows before they are written: a list of steps " +
        '(filter, map, join, lookup, split, deduplicate, merge, normalize, aggregate), or {"pipeline": [...]}; [] removes them'
    ),
    Flag.optional
  )
}

type SpecInput = {
  readonly [K in keyof typeof specFlags]: (typeof specFlags)[K] extends Flag.Flag<infer A> ? A : never
}

const pair = (text: string, what: string) =>
  Effect.gen(function* () {
    const at = text.indexOf(":")
    if (at <= 0 || at === text.length - 1) {
      return yield* new CliFailure({ message: `${what}: expected <connector>:<entity>, got ${JSON.stringify(text)}` })
    }
    return { connectorId: text.slice(0, at), entity: text.slice(at + 1) }
  })

/** A filter flag: `field op [value]`; a value reads as a number or boolean when it is one. */
const predicate = (text: string) =>
  Effect.gen(function* () {
    const [field, op, ...rest] = text.trim().split(/\s+/)
    const raw = rest.join(" ")
    const value = (v: string): string | number | boolean =>
      v === "true" ? true : v === "false" ? false : v !== "" && Number.isFinite(Number(v)) ? Number(v) : v
    if (field === undefined || op === undefined) {
      return yield* new CliFailure({ message: `--where: expected "field op [value]", got ${JSON.stringify(text)}` })
    }
    if (op === "isNull" || op === "notNull") return { field, op }
    if (op === "in") return { field, op, values: raw.split(",").map((v) => value(v.trim())) }
    return { field, op, value: value(raw) }
  })

/** The fields the flags (and the file) give, as an API body. */
const bodyOf = Effect.fnUntraced(function* (input: SpecInput) {
  let base: Record<string, unknown> = {}
  if (Option.isSome(input.file)) {
    const text = input.file.value
    const parsed = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: (error) => new CliFailure({ message: `--file: not JSON (${String(error)})` })
    })
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return yield* new CliFailure({ message: "--file: expected a JSON object" })
    }
    base = { ...parsed }
  }
  const body: Record<string, unknown> = { ...base }
  if (Option.isSome(input.name)) body.name = input.name.value
  if (Option.isSome(input.source)) body.source = yield* pair(input.source.value, "--source")
  if (Option.isSome(input.destination)) {
    body.destination = { kind: "connector", ...(yield* pair(input.destination.value, "--destination")) }
  } else if (Option.isSome(input.table) || Option.isSome(input.schema)) {
    body.destination = {
      kind: "postgres",
      ...Option.match(input.schema, { onNone: () => ({}), onSome: (schema) => ({ schema }) }),
      ...Option.match(input.table, { onNone: () => ({}), onSome: (table) => ({ table }) })
    }
  }
  if (Option.isSome(input.map)) body.mapping = input.map.value
  if (input.where.length > 0) body.filters = yield* Effect.forEach(input.where, predicate)
  if (input.matchKey.length > 0) body.matchKey = input.matchKey
  if (Option.isSome(input.cron)) body.schedule = { cron: input.cron.value }
  else if (Option.isSome(input.interval)) body.schedule = { intervalSeconds: input.interval.value }
  if (Option.isSome(input.operation)) body.operation = input.operation.value
  if (Option.isSome(input.enabled)) body.enabled = input.enabled.value === "true"
  if (Option.isSome(input.pipeline)) body.pipeline = yield* readPipelineFile(input.pipeline.value)
  return body
})

const decodeCreate = Schema.decodeUnknownEffect(CreateDefinition)
const decodeUpdate = Schema.decodeUnknownEffect(UpdateDefinition)

/** A definition failure as one line naming the field. */
const failure = (error: { readonly _tag: string; readonly message: string; readonly field?: string }) =>
  error._tag === "CliFailure"
    ? new CliFailure({ message: error.message })
    : error._tag === "InvalidDefinition"
      ? new CliFailure({ message: `Invalid definition: ${error.field ?? ""}: ${error.message}` })
      : new CliFailure({ message: error.message })

const print = (definition: SyncDefinition, asJson: boolean) =>
  asJson ? Console.log(JSON.stringify(definitionView(definition))) : Console.log(details(definition).join("\n"))

const find = Effect.fnUntraced(function* (idOrName: string) {
  const found = yield* (yield* SyncDefinitions).get(idOrName)
  if (Option.isNone(found)) return yield* new CliFailure({ message: `No sync definition ${JSON.stringify(idOrName)}` })
  return found.value
})

const list = Command.make(
  "list",
  {
    connector: Flag.String("connector").pipe(Flag.withDescription("Only this connector's definitions"), Flag.optional),
    json
  },
  Effect.fnUntraced(function* (input) {
    const all = yield* withCore(
      Effect.flatMap(SyncDefinitions, (definitions) =>
        definitions.list({ connectorId: Option.getOrUndefined(input.connector) })
      )
    )
    if (input.json) return yield* Console.log(JSON.stringify(all.map(definitionView)))
    if (all.length === 0) return yield* Console.log("No sync definitions (discover a connector's entities first)")
    for (const definition of all) yield* Console.log(line(definition))
  })
).pipe(Command.withDescription("List sync definitions (each discovered entity has a default one)"))

const show = Command.make(
  "show",
  { definition: idArgument, json },
  Effect.fnUntraced(function* (input) {
    const definition = yield* withCore(find(input.definition))
    yield* print(definition, input.json)
  })
).pipe(Command.withDescription("Show a sync definition"))

const create = Command.make(
  "create",
  {
    id: Flag.String("id").pipe(Flag.withDescription("The definition's id (default: a UUID)"), Flag.optional),
    ...specFlags,
    json
  },
  Effect.fnUntraced(function* (input) {
    const body = yield* bodyOf(input)
    if (Option.isSome(input.id)) body.id = input.id.value
    // Without --destination, --table or --schema: a table in the source connector's schema.
    body.destination ??= { kind: "postgres" }
    const spec: DefinitionSpec & { readonly id?: string } = yield* decodeCreate(body).pipe(
      Effect.mapError((error) => new CliFailure({ message: `Invalid definition: ${error.message}` }))
    )
    const created = yield* withCore(createDefinition(spec).pipe(Effect.mapError(failure)))
    yield* print(created, input.json)
  })
).pipe(Command.withDescription("Create a sync definition (validated against the discovered entities)"))

const update = Command.make(
  "update",
  { definition: idArgument, ...specFlags, json },
  Effect.fnUntraced(function* (input) {
    const body = yield* bodyOf(input)
    const patch: DefinitionPatch = yield* decodeUpdate(body).pipe(
      Effect.mapError((error) => new CliFailure({ message: `Invalid definition: ${error.message}` }))
    )
    const updated = yield* withCore(updateDefinition(input.definition, patch).pipe(Effect.mapError(failure)))
    yield* print(updated, input.json)
  })
).pipe(Command.withDescription("Change a sync definition (absent flags are kept)"))

const remove = Command.make(
  "delete",
  { definition: idArgument },
  Effect.fnUntraced(function* (input) {
    yield* withCore(
      Effect.gen(function* () {
        const definition = yield* find(input.definition)
        yield* (yield* SyncDefinitions).remove(definition.id).pipe(Effect.mapError(failure))
        yield* Console.log(`Deleted ${definition.id}`)
      })
    )
  })
).pipe(Command.withDescription("Delete a sync definition (default definitions go with their entity)"))

const run = Command.make(
  "run",
  {
    definition: idArgument,
    fullRefresh: Flag.Boolean("full-refresh").pipe(
      Flag.withDescription("A reconciliation: list everything, soft-delete what the source no longer has"),
      Flag.withDefault(false)
    ),
    json
  },
  Effect.fnUntraced(function* (input) {
    yield* withCore(
      Effect.gen(function* () {
        const definition = yield* find(input.definition)
        if (definition.direction === "bidirectional") {
          const cycle = yield* runTwoWayDefinition(definition, { mode: input.fullRefresh ? "complete" : "incremental" })
          if (input.json) return yield* Console.log(JSON.stringify({ definitionId: definition.id, cycle }))
          return yield* Console.log(
            `${definition.id}: two-way cycle ${cycle.cycleId}: listed ${cycle.listed}  table changes ${cycle.tableChanges}  ` +
              `to connector +${cycle.source.created} ~${cycle.source.updated} -${cycle.source.deleted}  ` +
              `to table ~${cycle.table.written} -${cycle.table.deleted}  conflicts ${cycle.conflicts}  held ${cycle.held}  ` +
              `resolutions ${cycle.resolutionsApplied}  failed ${cycle.failed.length}`
          )
        }
        const summary = yield* runDefinition(definition, { mode: input.fullRefresh ? "full-refresh" : "incremental" })
        const c = summary.counts
        if (input.json) {
          return yield* Console.log(
            JSON.stringify({
              definitionId: definition.id,
              runId: summary.runId,
              counts: summary.counts
            })
          )
        }
        yield* Console.log(
          `${definition.id}: fetched ${c.fetched}  inserted ${c.inserted}  updated ${c.updated}  unchanged ${c.unchanged}  ` +
            `deleted ${c.deleted}  failed ${c.failed}  (run ${summary.runId})`
        )
      }).pipe(
        deliveringRunEnds,
        Effect.mapError((error) =>
          error._tag === "CliFailure"
            ? error
            : error._tag === "EntityBusy"
              ? new CliFailure({ message: `Run refused: ${error.message}`, exitCode: entityBusyExitCode })
              : new CliFailure({ message: `Run failed: ${error.message}` })
        )
      )
    )
  })
).pipe(Command.withDescription("Run a sync definition now, in this process"))

/** `syncflow definitions list|show|create|update|delete|run|runs|failed|mapping|conflicts`. */
export const definitionsCommand = Command.make("definitions").pipe(
  Command.withDescription("Sync definitions: what goes from a source entity to a destination, mapped and filtered"),
  Command.withSubcommands([
    list,
    show,
    create,
    update,
    remove,
    run,
    definitionRunsCommand,
    definitionFailedCommand,
    definitionMappingCommand,
    definitionConflictsCommand
  ])
)
