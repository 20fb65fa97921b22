/**
 * The cluster scheduler driven by a TestClock, for the schedule tests: the durable workflows on one
 * in-process runner (every connector served by one APISmith adapter), and passes of the scheduler
 * (`SyncScheduler.tick`, what its singleton runs every second) at the test clock's time.
 */
import type { Adapter } from "@syncflow/adapter-core"
import { Clock, Context, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { EntityLeases } from "../../src/state/EntityLeases.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import * as SyncCluster from "../../src/workflow/SyncCluster.ts"
import type { SyncWorkflowSettings } from "../../src/workflow/SyncEntityWorkflow.ts"
import { tick } from "../../src/workflow/SyncScheduler.ts"
import { SyncWorkflows } from "../../src/workflow/SyncWorkflows.ts"
import { WorkflowTriggers } from "../../src/workflow/WorkflowTriggers.ts"
import { apiSmithStages } from "../pipeline/fixtures.ts"

/** The workflows, the entity leases, a test clock starting at `startMillis`, and scheduler passes. */
export const schedulerPasses = (adapter: Adapter, settings: SyncWorkflowSettings, startMillis: number) =>
  Effect.gen(function* () {
    const services = yield* Layer.build(
      SyncWorkflows.layerWith(settings).pipe(
        Layer.provideMerge(SyncCluster.layerSingle()),
        Layer.provide(
          Layer.succeed(
            ConnectorAdapters,
            ConnectorAdapters.of({ runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages }) })
          )
        )
      )
    )
    const workflows = Context.get(services, SyncWorkflows)
    const clock = yield* TestClock.make()
    yield* clock.setTime(startMillis)
    const claimed = new Map<string, number>()
    /** One pass at the test clock's time: what it started, without waiting for it. */
    const fire = tick(claimed).pipe(
      Effect.provideService(Clock.Clock, clock),
      Effect.provideService(WorkflowTriggers, Context.get(services, WorkflowTriggers)),
      Effect.provideService(SyncWorkflows, workflows)
    )
    /** One pass, waiting for each sync it started: their modes and summaries. */
    const pass = Effect.gen(function* () {
      const fired = yield* fire
      const summaries = []
      for (const sync of fired) {
        if (sync.executionId === undefined) return yield* Effect.die(new Error(`${sync.entity} did not start`))
        summaries.push({ mode: sync.mode, summary: yield* workflows.awaitEntity(sync.executionId) })
      }
      return summaries
    })
    return { workflows, leases: Context.get(services, EntityLeases), clock, fire, pass }
  })
