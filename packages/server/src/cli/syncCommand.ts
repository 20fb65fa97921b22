/**
 * `syncflow sync <connector> [entities...] [--full-refresh] [--wait] [--json]`: a one-off sync of a
 * connector (or of the named entities, parents first) through the durable SyncConnector workflow,
 * the one the API, the scheduler and the webhooks trigger. Beside a running `syncflow serve` on the
 * same database the server's runner runs it; without one this process does (see
 * `SyncCluster.layerCommand`). The command waits for its end. The connector's entities are
 * rediscovered first when its discovery TTL has passed (10 minutes by default), so new upstream
 * columns are synced.
 * While it runs, stderr shows each entity's progress from its run events (`syncProgress.ts`: bars on
 * a terminal, plain lines otherwise, JSON lines with `--json`); at the end stdout gets a line per
 * entity, or with `--json` a summary of every entity's run, with the columns whose type changed upstream. Each entity's sync holds its lease:
 * while another sync of an entity runs (the server's, another shell's), the command stops with one
 * line naming it and exit code 75, or with `--wait` waits for it (queued) and then syncs.
 */
import {
  type ColumnTypeMismatch,
  dependencyLevels,
  EntityBusy,
  EntityLeases,
  freshManifests,
  RunStore,
  type SyncSummary,
  SyncWorkflows
} from "@syncflow/sync-engine"
import { Clock, Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { ConnectorRuntimes } from "../connectors/ConnectorRuntimes.ts"
import { commandWorkflowsLayer } from "../wiring/workflows.ts"
import { CliFailure, entityBusyExitCode } from "./CliFailure.ts"
import { deliveringRunEnds } from "./deliverRunEnds.ts"
import { withCore } from "./Root.ts"
import { progressStyle, withProgress } from "./syncProgress.ts"

/** The JSON summary of a one-off sync. */
export interface SyncReport {
  readonly connectorId: string
  readonly mode: string
  readonly entities: ReadonlyArray<{
    readonly entity: string
    readonly runId: string
    readonly resumed: boolean
    readonly counts: SyncSummary["counts"]
    readonly pending: number
    readonly wallMs: number
    /** Columns whose type in the table differs from the source's (their unstorable values are failed records). */
    readonly typeMismatches: ReadonlyArray<ColumnTypeMismatch>
  }>
  readonly totals: SyncSummary["counts"]
}

const addCounts = (a: SyncSummary["counts"], b: SyncSummary["counts"]): SyncSummary["counts"] => ({
  fetched: a.fetched + b.fetched,
  normalized: a.normalized + b.normalized,
  validated: a.validated + b.validated,
  mapped: a.mapped + b.mapped,
  inserted: a.inserted + b.inserted,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  deleted: a.deleted + b.deleted,
  failed: a.failed + b.failed,
  orphaned: a.orphaned + b.orphaned
})

const zero: SyncSummary["counts"] = {
  fetched: 0,
  normalized: 0,
  validated: 0,
  mapped: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  failed: 0,
  orphaned: 0
}

/** Builds the report of a connector sync, with each run's type mismatches. */
export const toReport = (
  connectorId: string,
  mode: string,
  summaries: ReadonlyArray<SyncSummary>,
  typeMismatches: (runId: string) => ReadonlyArray<ColumnTypeMismatch> = () => []
): SyncReport => ({
  connectorId,
  mode,
  entities: summaries.map((summary) => ({
    entity: summary.entity,
    runId: summary.runId,
    resumed: summary.resumed,
    counts: summary.counts,
    pending: summary.pending,
    wallMs: summary.timings.wallMs,
    typeMismatches: typeMismatches(summary.runId)
  })),
  totals: summaries.reduce((total, summary) => addCounts(total, summary.counts), zero)
})

/**
 * Refuses the sync (`EntityBusy`, exit code 75) while another sync holds an entity's live lease; with
 * `wait`, says whom it waits for instead (the workflow's windows wait for the lease).
 */
const checkLeases = Effect.fnUntraced(function* (connectorId: string, entities: ReadonlyArray<string>, wait: boolean) {
  const leases = yield* EntityLeases.make()
  const now = yield* Clock.currentTimeMillis
  for (const entity of entities) {
    const lease = yield* leases.current({ connectorId, entity })
    if (Option.isNone(lease) || lease.value.expiresAt.epochMilliseconds <= now) continue
    const busy = new EntityBusy({
      connectorId,
      entity,
      holder: lease.value.holder,
      runId: lease.value.runId,
      expiresAt: new Date(lease.value.expiresAt.epochMilliseconds).toISOString()
    })
    if (!wait) return yield* busy
    yield* Effect.logInfo("waiting for the entity's lease").pipe(Effect.annotateLogs({ entity, holder: busy.holder }))
  }
})

const sync = Effect.fnUntraced(function* (input: {
  readonly connector: string
  readonly entities: ReadonlyArray<string>
  readonly fullRefresh: boolean
  readonly wait: boolean
  readonly json: boolean
}) {
  const running = yield* (yield* ConnectorRuntimes).get(input.connector)
  // Rediscovered when the connector's discovery TTL has passed, so new upstream columns are synced.
  const { manifests } = yield* freshManifests(
    input.connector,
    running.runtime.adapter,
    running.runtime.discoveryTtl,
    running.runtime.changedAt
  )
  const unknown = input.entities.find((entity) => !manifests.some((manifest) => manifest.entity === entity))
  if (unknown !== undefined) {
    return yield* new CliFailure({
      message: `Connector ${input.connector} has no entity ${unknown} (known: ${manifests.map((m) => m.entity).join(", ")})`
    })
  }
  const mode = input.fullRefresh ? "full-refresh" : "incremental"
  const named = input.entities.length === 0 ? undefined : input.entities
  const entities = dependencyLevels(manifests, named).flat()
  yield* checkLeases(input.connector, entities, input.wait)
  const summaries = yield* withProgress(
    input.connector,
    entities,
    progressStyle(input.json),
    // The cluster is built inside the progress display, so the workflows' log lines print above the bars.
    Effect.gen(function* () {
      const workflows = yield* SyncWorkflows
      const trigger = yield* workflows.triggerConnector({
        connectorId: input.connector,
        mode,
        ...(named === undefined ? {} : { entities: named })
      })
      yield* Effect.logDebug("connector sync triggered").pipe(
        Effect.annotateLogs({ status: trigger.status, executionId: trigger.executionId })
      )
      const done = yield* workflows.awaitConnector(trigger.executionId)
      // A running connector sync that was joined may carry more entities than were asked for.
      return done.filter((summary) => entities.includes(summary.entity))
    }).pipe(Effect.provide(commandWorkflowsLayer), Effect.annotateLogs({ connector: input.connector })),
    (done) => done.map((summary) => summary.runId)
  )
  const runStore = yield* RunStore
  const mismatches = new Map<string, ReadonlyArray<ColumnTypeMismatch>>()
  for (const summary of summaries) {
    const run = yield* runStore.getRun(summary.runId)
    mismatches.set(summary.runId, Option.match(run, { onNone: () => [], onSome: (found) => found.typeMismatches }))
  }
  const report = toReport(input.connector, mode, summaries, (runId) => mismatches.get(runId) ?? [])
  if (input.json) return yield* Console.log(JSON.stringify(report))
  for (const entity of report.entities) {
    const c = entity.counts
    yield* Console.log(
      `${entity.entity.padEnd(24)} fetched ${c.fetched}  inserted ${c.inserted}  updated ${c.updated}  ` +
        `unchanged ${c.unchanged}  deleted ${c.deleted}  failed ${c.failed}  orphaned ${c.orphaned}  ` +
        `pending ${entity.pending}  ` +
        `(${(entity.wallMs / 1000).toFixed(1)} s, run ${entity.runId})`
    )
    for (const mismatch of entity.typeMismatches) {
      yield* Console.log(
        `  ${mismatch.column}: the source's type changed (now ${mismatch.expected}, the column is ${mismatch.actual}); ` +
          "values the column cannot hold are failed records"
      )
    }
  }
})

/** `syncflow sync ...`. */
export const syncCommand = Command.make(
  "sync",
  {
    connector: Argument.String("connector").pipe(Argument.withDescription("The connector's id")),
    entities: Argument.String("entity").pipe(
      Argument.withDescription("Entities to sync (default: all, parents first)"),
      Argument.variadic()
    ),
    fullRefresh: Flag.Boolean("full-refresh").pipe(
      Flag.withDescription(
        "A reconciliation: list everything, write new and changed rows, soft-delete rows the source no longer has"
      ),
      Flag.withDefault(false)
    ),
    wait: Flag.Boolean("wait").pipe(
      Flag.withDescription("While another sync of an entity runs, wait for it instead of exiting with code 75"),
      Flag.withDefault(false)
    ),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print a JSON summary"), Flag.withDefault(false))
  },
  (input) =>
    withCore(
      sync(input).pipe(
        deliveringRunEnds,
        Effect.mapError((error) =>
          error._tag === "CliFailure"
            ? error
            : error._tag === "EntityBusy"
              ? new CliFailure({ message: `Sync refused: ${error.message}`, exitCode: entityBusyExitCode })
              : new CliFailure({ message: `Sync failed: ${error.message}` })
        )
      )
    )
).pipe(
  Command.withDescription(
    "Sync a connector now (through the server's runner when one is running, else in this process)"
  )
)
