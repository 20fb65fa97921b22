/**
 * `syncflow runs show ID`: one run with its stage counts, its duration, its field mapping's Transform
 * stage and its ETL steps (records and milliseconds of each) and its error, as the API's
 * `GET /api/v1/runs/{id}` shows it; `syncflow runs cancel ID`: asks a running sync, in whichever
 * process it runs (the server's, another shell's), to stop at its next window boundary
 * (`RunControl.cancel`). `runs` alone lists recent runs: see `otherCommands.ts`.
 */
import { RunControl, RunStore } from "@syncflow/sync-engine"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type RunView, runView } from "../api/Views.ts"
import { CliFailure } from "./CliFailure.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))

/** Whether `text` reads as a UUID (a run's id). */
export const isUuid = (text: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)

/** The lines `runs show` prints for a run. */
export const runDetails = (run: typeof RunView.Type): ReadonlyArray<string> => {
  const c = run.counts
  return [
    `${run.id}  ${run.status}${run.live ? " (live)" : ""}  ${run.connectorId}/${run.entity}  ${run.mode}`,
    `  started:  ${run.startedAt}`,
    `  finished: ${run.finishedAt ?? "-"}${run.durationMs === null ? "" : `  (${(run.durationMs / 1000).toFixed(1)} s)`}`,
    `  fetched ${c.fetched}  inserted ${c.inserted}  updated ${c.updated}  unchanged ${c.unchanged}  ` +
      `deleted ${c.deleted}  failed ${c.failed}  orphaned ${c.orphaned}`,
    ...(c.transformed === undefined
      ? []
      : [
          `  transform (mapping${run.mappingVersion === undefined ? "" : ` v${run.mappingVersion}`}): ` +
            `${c.transformed} records  ${(run.transformMs ?? 0).toFixed(1)} ms`
        ]),
    ...(run.etlSteps ?? []).map(
      (step) =>
        `  ${step.step}: in ${step.input}  out ${step.output}  skipped ${step.skipped}  failed ${step.failed}  ` +
        `${step.ms.toFixed(1)} ms`
    ),
    ...(run.error === null ? [] : [`  error: ${run.error}`]),
    ...run.typeMismatches.map(
      (mismatch) => `  ${mismatch.column}: the source's type is ${mismatch.expected}, the column is ${mismatch.actual}`
    )
  ]
}

/** `syncflow runs show ID [--json]`. */
export const runsShowCommand = Command.make(
  "show",
  { run: Argument.String("run").pipe(Argument.withDescription("The run's id")), json },
  Effect.fnUntraced(function* (input) {
    if (!isUuid(input.run)) return yield* new CliFailure({ message: `No run ${input.run} (run ids are UUIDs)` })
    const found = yield* withCore(Effect.flatMap(RunStore, (runStore) => runStore.getRun(input.run)))
    if (Option.isNone(found)) return yield* new CliFailure({ message: `No run ${input.run}` })
    const run = runView(found.value)
    if (input.json) return yield* Console.log(JSON.stringify(run))
    for (const line of runDetails(run)) yield* Console.log(line)
  })
).pipe(Command.withDescription("Show a run: its status, counts, duration and error"))

/** `syncflow runs cancel ID [--json]`. */
export const runsCancelCommand = Command.make(
  "cancel",
  { run: Argument.String("run").pipe(Argument.withDescription("The running run's id")), json },
  Effect.fnUntraced(function* (input) {
    const run = yield* withCore(
      Effect.flatMap(RunControl, (control) => control.cancel(input.run)).pipe(
        Effect.provide(RunControl.layer),
        Effect.catchTags({
          RunNotFound: () => Effect.fail(new CliFailure({ message: `No run ${input.run}` })),
          RunNotRunning: (error) => Effect.fail(new CliFailure({ message: `Cannot cancel: ${error.message}` }))
        })
      )
    )
    if (input.json) return yield* Console.log(JSON.stringify(runView(run)))
    yield* Console.log(
      `Cancel requested: run ${run.id} (${run.connectorId}/${run.entity}) stops at its next window boundary; ` +
        "what it committed stays"
    )
  })
).pipe(Command.withDescription("Stop a running sync at its next window boundary (the run ends cancelled)"))
