/**
 * `syncflow definitions runs <id>` and `syncflow definitions failed <id>`: a sync definition's runs
 * and failed records, as `GET /api/v1/definitions/{id}/runs` and `.../failed-records` list them (a
 * default definition's are its entity's default sync's). Retry a failed record with
 * `syncflow failed retry <record>`: a definition's goes through its definition.
 */
import { definitionStateKey, FailedRecordStore, RunStore, SyncDefinitions } from "@syncflow/sync-engine"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { failedRecordView, runView } from "../api/Views.ts"
import { CliFailure } from "./CliFailure.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
const idArgument = Argument.String("definition").pipe(Argument.withDescription("The definition's id or name"))

/** The state key of the definition `idOrName`, or a `CliFailure` naming it. */
const stateKeyOf = Effect.fnUntraced(function* (idOrName: string) {
  const found = yield* (yield* SyncDefinitions).get(idOrName)
  if (Option.isNone(found)) return yield* new CliFailure({ message: `No sync definition ${JSON.stringify(idOrName)}` })
  return definitionStateKey(found.value)
})

/** `syncflow definitions runs <id> [--status] [--limit] [--json]`. */
export const definitionRunsCommand = Command.make(
  "runs",
  {
    definition: idArgument,
    status: Flag.Literals("status", ["running", "succeeded", "failed", "cancelled", "abandoned"]).pipe(Flag.optional),
    limit: Flag.Int("limit").pipe(Flag.withDefault(20)),
    json
  },
  Effect.fnUntraced(function* (input) {
    const runs = yield* withCore(
      Effect.gen(function* () {
        const key = yield* stateKeyOf(input.definition)
        return yield* (yield* RunStore).searchRuns({
          ...key,
          definitionId: key.definitionId ?? null,
          status: Option.getOrUndefined(input.status),
          limit: input.limit
        })
      })
    )
    if (input.json) return yield* Console.log(JSON.stringify(runs.map(runView)))
    if (runs.length === 0) return yield* Console.log("No runs")
    for (const run of runs.map(runView)) {
      yield* Console.log(
        `${run.startedAt}  ${run.status.padEnd(9)} ${run.mode.padEnd(12)} fetched ${run.counts.fetched}  ` +
          `inserted ${run.counts.inserted}  updated ${run.counts.updated}  deleted ${run.counts.deleted}  ` +
          `failed ${run.counts.failed}  ${run.id}` +
          (run.mappingVersion === undefined ? "" : `  mapping v${run.mappingVersion}`) +
          (run.error === null ? "" : `\n  error: ${run.error}`)
      )
    }
  })
).pipe(Command.withDescription("List a sync definition's runs, newest first"))

/** `syncflow definitions failed <id> [--include-resolved] [--limit] [--json]`. */
export const definitionFailedCommand = Command.make(
  "failed",
  {
    definition: idArgument,
    includeResolved: Flag.Boolean("include-resolved").pipe(
      Flag.withDescription("Also the records already closed"),
      Flag.withDefault(false)
    ),
    limit: Flag.Int("limit").pipe(Flag.withDefault(100)),
    json
  },
  Effect.fnUntraced(function* (input) {
    const records = yield* withCore(
      Effect.gen(function* () {
        const key = yield* stateKeyOf(input.definition)
        return yield* (yield* FailedRecordStore).listFailedRecords({
          ...key,
          includeResolved: input.includeResolved,
          limit: input.limit
        })
      })
    )
    if (input.json) return yield* Console.log(JSON.stringify(records.map(failedRecordView)))
    if (records.length === 0) return yield* Console.log("No failed records")
    for (const record of records) {
      yield* Console.log(
        `${record.id.padStart(8)}  ${record.stage}  ${record.errorType}: ${record.message}` +
          (record.resolution === null ? "" : `  (${record.resolution})`)
      )
    }
  })
).pipe(
  Command.withDescription(
    "List a sync definition's unresolved failed records (retry one with `syncflow failed retry <record>`)"
  )
)
