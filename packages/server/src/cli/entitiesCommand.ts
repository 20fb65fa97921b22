/**
 * `syncflow entities list|show|enable|disable|set`: each entity's sync settings (enabled, schedule,
 * mode, reconciliation schedule, orphans, table, alert thresholds), changed as the admin API's
 * `PATCH /api/v1/connectors/{id}/entities/{entity}` changes them (absent flags are kept). A cron
 * expression is checked as the scheduler reads it (`Cron.parse`): a bad one is refused, not stored.
 */
import { type DiscoveredEntity, ManifestStore } from "@syncflow/sync-engine"
import { Console, Cron, Effect, Option, Result, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { UpdateEntity } from "../api/groups/EntitiesGroup.ts"
import { entityView } from "../api/Views.ts"
import { checkTargetTable } from "../connectors/TargetSchema.ts"
import { CliFailure } from "./CliFailure.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))

const decodePatch = Schema.decodeUnknownEffect(UpdateEntity)

/** `every 300s` or `cron 0 3 * * *`, or `off`. */
const scheduleText = (intervalSeconds: number | null, cron: string | null): string =>
  cron !== null ? `cron ${cron}` : intervalSeconds !== null ? `every ${intervalSeconds}s` : "off"

const line = (entity: DiscoveredEntity): string => {
  const { settings } = entity
  return (
    `${entity.entity.padEnd(28)} ${settings.enabled ? "enabled " : "disabled"} ${settings.mode.padEnd(12)} ` +
    `${scheduleText(settings.intervalSeconds, settings.cron)}  reconcile: ` +
    `${scheduleText(settings.reconcileIntervalSeconds, settings.reconcileCron)}  orphans: ${settings.orphans}` +
    (settings.targetTable === null ? "" : `  table: ${settings.targetTable}`)
  )
}

/** The first cron expression of `patch` the scheduler could not read, as a failure naming its flag. */
const checkCrons = (patch: { readonly cron: unknown; readonly reconcileCron: unknown }): CliFailure | undefined => {
  for (const [flag, cron] of [
    ["--cron", patch.cron],
    ["--reconcile-cron", patch.reconcileCron]
  ] as const) {
    if (typeof cron !== "string") continue
    const parsed = Cron.parse(cron, "UTC")
    if (Result.isFailure(parsed)) {
      return new CliFailure({ message: `Invalid settings: ${flag} ${JSON.stringify(cron)}: ${parsed.failure.message}` })
    }
  }
  return undefined
}

/** Changes an entity's settings; a failure names a connector or entity that does not exist. */
const updateSettings = (connector: string, entity: string, patch: typeof UpdateEntity.Type) =>
  withCore(
    Effect.flatMap(ManifestStore, (manifestStore) => manifestStore.updateEntitySettings(connector, entity, patch)).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () =>
            Effect.fail(new CliFailure({ message: `Connector ${connector} has no discovered entity ${entity}` })),
          onSome: Effect.succeed
        })
      )
    )
  )

const list = Command.make(
  "list",
  { connector: Argument.String("connector"), json },
  Effect.fnUntraced(function* (input) {
    const entities = yield* withCore(
      Effect.flatMap(ManifestStore, (manifestStore) => manifestStore.listManifests(input.connector))
    )
    if (input.json) return yield* Console.log(JSON.stringify(entities.map(entityView)))
    if (entities.length === 0) return yield* Console.log(`No discovered entities for ${input.connector}`)
    for (const entity of entities) yield* Console.log(line(entity))
  })
).pipe(Command.withDescription("List a connector's entities with their sync and reconciliation schedules"))

/** `off`/`none` -> null, anything else as given (a number when it reads as one), for the schema to judge. */
const nullable = (text: Option.Option<string>, numeric: boolean): unknown =>
  Option.match(text, {
    onNone: () => undefined,
    onSome: (value) => (value === "off" || value === "none" ? null : numeric ? Number(value) : value)
  })

const set = Command.make(
  "set",
  {
    connector: Argument.String("connector"),
    entity: Argument.String("entity"),
    enabled: Flag.Literals("enabled", ["true", "false"]).pipe(
      Flag.withDescription("Whether the entity is synced on schedule"),
      Flag.optional
    ),
    interval: Flag.Int("interval").pipe(Flag.withDescription("Seconds between scheduled syncs"), Flag.optional),
    cron: Flag.String("cron").pipe(
      Flag.withDescription('A cron expression (5 fields, UTC) for scheduled syncs; "none" clears it'),
      Flag.optional
    ),
    mode: Flag.Literals("mode", ["incremental", "reconcile", "full-refresh"]).pipe(
      Flag.withDescription("The mode scheduled syncs run in (full-refresh is another name for reconcile)"),
      Flag.optional
    ),
    reconcileInterval: Flag.String("reconcile-interval").pipe(
      Flag.withDescription('Seconds between reconciliations (default 86400, daily); "off" for none'),
      Flag.optional
    ),
    reconcileCron: Flag.String("reconcile-cron").pipe(
      Flag.withDescription('A cron expression (5 fields, UTC) for reconciliations; "none" clears it'),
      Flag.optional
    ),
    orphans: Flag.Literals("orphans", ["keep", "park"]).pipe(
      Flag.withDescription("Rows whose parent is missing: keep (write and flag them, the default) or park"),
      Flag.optional
    ),
    alerts: Flag.String("alerts").pipe(
      Flag.withDescription(
        'The entity\'s own alert thresholds as JSON, replacing its previous ones, e.g. \'{"consecutiveFailures":1,"longRunMinutes":180}\' (null turns a rule off; {} returns to the global thresholds)'
      ),
      Flag.optional
    ),
    targetTable: Flag.String("target-table").pipe(
      Flag.withDescription(
        "The entity's table in its connector's schema (default: the entity's name; \"none\" restores it). Moves no table"
      ),
      Flag.optional
    ),
    json
  },
  Effect.fnUntraced(function* (input) {
    const given = {
      enabled: Option.getOrUndefined(Option.map(input.enabled, (value) => value === "true")),
      intervalSeconds: Option.getOrUndefined(input.interval),
      cron: nullable(input.cron, false),
      mode: Option.getOrUndefined(input.mode),
      reconcileIntervalSeconds: nullable(input.reconcileInterval, true),
      reconcileCron: nullable(input.reconcileCron, false),
      orphans: Option.getOrUndefined(input.orphans),
      targetTable: nullable(input.targetTable, false),
      alerts: yield* Option.match(input.alerts, {
        onNone: () => Effect.succeed(undefined),
        onSome: (text) =>
          Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.Unknown))(text).pipe(
            Effect.mapError(() => new CliFailure({ message: "Invalid settings: --alerts is not JSON" }))
          )
      })
    }
    // Crons first, so that a bad one names its flag (the schema also refuses it, naming the field).
    const badCron = checkCrons(given)
    if (badCron !== undefined) return yield* badCron
    const patch = yield* decodePatch(
      Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))
    ).pipe(Effect.mapError((error) => new CliFailure({ message: `Invalid settings: ${error.message}` })))
    const badTable = checkTargetTable(patch.targetTable)
    if (badTable !== undefined) return yield* new CliFailure({ message: `Invalid settings: ${badTable.message}` })
    const updated = yield* updateSettings(input.connector, input.entity, patch)
    if (input.json) return yield* Console.log(JSON.stringify(entityView(updated)))
    yield* Console.log(line(updated))
  })
).pipe(Command.withDescription("Change an entity's sync settings (absent flags are kept)"))

const show = Command.make(
  "show",
  { connector: Argument.String("connector"), entity: Argument.String("entity"), json },
  Effect.fnUntraced(function* (input) {
    const entities = yield* withCore(
      Effect.flatMap(ManifestStore, (manifestStore) => manifestStore.listManifests(input.connector))
    )
    const found = entities.find((entity) => entity.entity === input.entity)
    if (found === undefined) {
      return yield* new CliFailure({ message: `Connector ${input.connector} has no discovered entity ${input.entity}` })
    }
    if (input.json) return yield* Console.log(JSON.stringify(entityView(found)))
    const { manifest } = found
    yield* Console.log(line(found))
    yield* Console.log(
      `  ${manifest.deltaStrategy} changes, ${manifest.columns?.length ?? 0} columns, key ${manifest.businessKey.join(", ")}` +
        (manifest.parents.length === 0 ? "" : `, parents: ${manifest.parents.map((p) => p.entity).join(", ")}`)
    )
    yield* Console.log(`  discovered ${entityView(found).discoveredAt}`)
    for (const mismatch of found.typeMismatches) {
      yield* Console.log(
        `  ${mismatch.column}: the source's type is ${mismatch.expected}, the column is ${mismatch.actual}`
      )
    }
  })
).pipe(Command.withDescription("Show an entity: its settings, change strategy, columns, parents"))

/** `entities enable|disable`: whether scheduled syncs run. */
const toggle = (name: "enable" | "disable") =>
  Command.make(
    name,
    { connector: Argument.String("connector"), entity: Argument.String("entity"), json },
    Effect.fnUntraced(function* (input) {
      const updated = yield* updateSettings(input.connector, input.entity, { enabled: name === "enable" })
      if (input.json) return yield* Console.log(JSON.stringify(entityView(updated)))
      yield* Console.log(line(updated))
    })
  ).pipe(
    Command.withDescription(
      name === "enable"
        ? "Sync an entity on its schedule again"
        : "Stop an entity's scheduled syncs (manual syncs still run)"
    )
  )

/** `syncflow entities list|show|enable|disable|set`. */
export const entitiesCommand = Command.make("entities").pipe(
  Command.withDescription("Entities' sync settings: schedules, mode, reconciliation"),
  Command.withSubcommands([list, show, toggle("enable"), toggle("disable"), set])
)
