/**
 * The smaller `syncflow` commands: `serve`, `discover <connector>`, `runs`, `failed list|retry|discard`,
 * and `version`.
 */
import {
  FailedRecordStore,
  ManifestStore,
  RunStore,
  retryDefinitionFailed,
  SyncDefinitions,
  SyncEngine
} from "@syncflow/sync-engine"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { entityView, failedRecordView, runView } from "../api/Views.ts"
import { serve } from "../app/ServerApp.ts"
import { ConnectorRuntimes } from "../connectors/ConnectorRuntimes.ts"
import { describeBuild } from "../describeBuild.ts"
import { CliFailure } from "./CliFailure.ts"
import { cliSettings, withCore } from "./Root.ts"
import { renamedNames } from "./renamedNames.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))

/** `syncflow serve [--port N] [--runner [--runner-host H] [--runner-port N]]`. */
export const serveCommand = Command.make(
  "serve",
  {
    port: Flag.Int("port").pipe(Flag.withDescription("HTTP port; env PORT; default 8080"), Flag.optional),
    runner: Flag.Boolean("runner").pipe(
      Flag.withDescription(
        "Join the cluster of runners sharing DATABASE_URL instead of running the one in-process runner; env SYNCFLOW_RUNNER"
      ),
      Flag.withDefault(false)
    ),
    runnerHost: Flag.String("runner-host").pipe(
      Flag.withDescription("The name other runners reach this one by; env SYNCFLOW_RUNNER_HOST; default localhost"),
      Flag.optional
    ),
    runnerPort: Flag.Int("runner-port").pipe(
      Flag.withDescription("The port runners talk on; env SYNCFLOW_RUNNER_PORT; default 34431"),
      Flag.optional
    )
  },
  Effect.fnUntraced(function* (input) {
    const settings = yield* cliSettings({
      port: input.port,
      runner: input.runner,
      runnerHost: input.runnerHost,
      runnerPort: input.runnerPort
    })
    return yield* serve(settings)
  })
).pipe(Command.withDescription("Run the admin API, webhooks, metrics, the scheduler and the durable workflows"))

/** `syncflow discover <connector>`. */
export const discoverCommand = Command.make(
  "discover",
  { connector: Argument.String("connector"), json },
  Effect.fnUntraced(function* (input) {
    const entities = yield* withCore(
      Effect.gen(function* () {
        const manifestStore = yield* ManifestStore
        const running = yield* (yield* ConnectorRuntimes).get(input.connector)
        const manifests = yield* running.runtime.adapter.manifests
        yield* manifestStore.saveManifests(input.connector, manifests)
        return yield* manifestStore.listManifests(input.connector)
      }).pipe(Effect.mapError((error) => new CliFailure({ message: `Discovery failed: ${error.message}` })))
    )
    if (input.json) return yield* Console.log(JSON.stringify(entities.map(entityView)))
    for (const entity of entities) {
      const { manifest } = entity
      yield* Console.log(
        `${entity.entity.padEnd(28)} ${manifest.deltaStrategy.padEnd(10)} ${manifest.columns?.length ?? 0} columns` +
          (manifest.parents.length === 0 ? "" : `  parents: ${manifest.parents.map((p) => p.entity).join(", ")}`)
      )
      for (const line of renamedNames(manifest)) yield* Console.log(`  ${line}`)
    }
  })
).pipe(Command.withDescription("Discover a connector's entities and store their manifests"))

/** `syncflow runs [--connector] [--entity] [--status] [--limit] [--json]`. */
export const runsCommand = Command.make(
  "runs",
  {
    connector: Flag.String("connector").pipe(Flag.optional),
    entity: Flag.String("entity").pipe(Flag.optional),
    status: Flag.Literals("status", ["running", "succeeded", "failed", "cancelled", "abandoned"]).pipe(Flag.optional),
    limit: Flag.Int("limit").pipe(Flag.withDefault(20)),
    json
  },
  Effect.fnUntraced(function* (input) {
    const runs = yield* withCore(
      Effect.flatMap(RunStore, (runStore) =>
        runStore.searchRuns({
          connectorId: Option.getOrUndefined(input.connector),
          entity: Option.getOrUndefined(input.entity),
          status: Option.getOrUndefined(input.status),
          limit: input.limit
        })
      )
    )
    if (input.json) return yield* Console.log(JSON.stringify(runs.map(runView)))
    if (runs.length === 0) return yield* Console.log("No runs")
    for (const run of runs.map(runView)) {
      yield* Console.log(
        `${run.startedAt}  ${run.status.padEnd(9)} ${run.connectorId}/${run.entity}  fetched ${run.counts.fetched}  ` +
          `inserted ${run.counts.inserted}  updated ${run.counts.updated}  failed ${run.counts.failed}  ${run.id}` +
          (run.error === null ? "" : `\n  error: ${run.error}`)
      )
    }
  })
).pipe(Command.withDescription("List recent sync runs"))

const failedList = Command.make(
  "list",
  {
    connector: Argument.String("connector"),
    entity: Flag.String("entity").pipe(Flag.optional),
    limit: Flag.Int("limit").pipe(Flag.withDefault(100)),
    json
  },
  Effect.fnUntraced(function* (input) {
    const records = yield* withCore(
      Effect.flatMap(FailedRecordStore, (failedRecordStore) =>
        failedRecordStore.listFailedRecords({
          connectorId: input.connector,
          entity: Option.getOrUndefined(input.entity),
          limit: input.limit
        })
      )
    )
    if (input.json) return yield* Console.log(JSON.stringify(records.map(failedRecordView)))
    if (records.length === 0) return yield* Console.log("No failed records")
    for (const record of records) {
      yield* Console.log(
        `${record.id.padStart(8)}  ${record.entity}  ${record.stage}  ${record.errorType}: ${record.message}`
      )
    }
  })
).pipe(Command.withDescription("List a connector's unresolved failed records (its entities' default syncs')"))

const failedRetry = Command.make(
  "retry",
  { records: Argument.String("record").pipe(Argument.variadic({ min: 1 })) },
  Effect.fnUntraced(function* (input) {
    yield* withCore(
      Effect.gen(function* () {
        const manifestStore = yield* ManifestStore
        const failedRecordStore = yield* FailedRecordStore
        const engine = yield* SyncEngine
        const runtimes = yield* ConnectorRuntimes
        for (const id of input.records) {
          const record = yield* failedRecordStore.getFailedRecord(id)
          if (Option.isNone(record)) return yield* new CliFailure({ message: `No failed record ${id}` })
          const { connectorId, entity } = record.value
          const outcome = yield* Option.match(record.value.definitionId, {
            // Exactly this record, due or not.
            onNone: () =>
              Effect.gen(function* () {
                const manifests = (yield* manifestStore.listManifests(connectorId)).map((e) => e.manifest)
                const manifest = manifests.find((m) => m.entity === entity)
                if (manifest === undefined) {
                  return yield* new CliFailure({ message: `Entity ${entity} is not discovered` })
                }
                const running = yield* runtimes.get(connectorId)
                return yield* engine.retryFailedRecords({
                  connectorId,
                  manifest,
                  manifests,
                  stages: running.runtime.stages(manifest),
                  ids: [id]
                })
              }),
            // A sync definition's record: through its definition (mapping, filters, destination).
            onSome: (definitionId) =>
              Effect.gen(function* () {
                const definition = yield* (yield* SyncDefinitions).get(definitionId)
                if (Option.isNone(definition)) {
                  return yield* new CliFailure({ message: `Definition ${definitionId} no longer exists` })
                }
                return yield* retryDefinitionFailed(definition.value, [id])
              })
          })
          const verdict =
            outcome.resolved > 0
              ? "resolved"
              : outcome.stale > 0
                ? "stale: the table holds a newer or deleted row, nothing written"
                : outcome.stillWaiting > 0
                  ? "still failing"
                  : "not open (already resolved)"
          yield* Console.log(`${id}: ${verdict} (${connectorId}/${entity})`)
        }
      }).pipe(
        Effect.mapError((error) =>
          error._tag === "CliFailure" ? error : new CliFailure({ message: `Retry failed: ${error.message}` })
        )
      )
    )
  })
).pipe(
  Command.withDescription(
    "Retry exactly these failed records now, through today's configuration (never over a newer or deleted row)"
  )
)

const failedDiscard = Command.make(
  "discard",
  { records: Argument.String("record").pipe(Argument.variadic({ min: 1 })), json },
  Effect.fnUntraced(function* (input) {
    const discarded = yield* withCore(
      Effect.gen(function* () {
        const failedRecordStore = yield* FailedRecordStore
        const known: Array<string> = []
        for (const id of input.records) {
          if (!/^\d+$/.test(id) || Option.isNone(yield* failedRecordStore.getFailedRecord(id))) {
            return yield* new CliFailure({ message: `No failed record ${id} (nothing discarded)` })
          }
          known.push(id)
        }
        return yield* failedRecordStore.discardFailedRecords(known)
      })
    )
    if (input.json) return yield* Console.log(JSON.stringify({ discarded }))
    yield* Console.log(`Discarded ${discarded} failed record${discarded === 1 ? "" : "s"}`)
  })
).pipe(
  Command.withDescription(
    "Discard failed records: they are deleted and never retried (all ids must exist, or none is discarded)"
  )
)

/** `syncflow failed list|retry|discard`. */
export const failedCommand = Command.make("failed").pipe(
  Command.withDescription("The dead-letter queue: failed records"),
  Command.withSubcommands([failedList, failedRetry, failedDiscard])
)

/** `syncflow version`: the version, the Node it runs on and the packages of this build. */
export const versionCommand = Command.make(
  "version",
  {},
  Effect.fnUntraced(function* () {
    const build = yield* describeBuild
    yield* Console.log(`SyncFlow ${build.version} on Node ${process.versions.node}`)
    for (const pkg of build.packages) {
      yield* Console.log(`  ${pkg.name.padEnd(24)} ${pkg.version}  ${pkg.description}`)
    }
  })
).pipe(Command.withDescription("Print the version and the packages of this build"))
