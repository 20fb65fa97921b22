/** The durable workflows on one in-process runner over the test database, for the workflow tests. */
import type { Adapter } from "@syncflow/adapter-core"
import { Context, type Duration, Effect, Layer } from "effect"
import { ConnectorAdapters, type ConnectorRuntime } from "../../src/workflow/ConnectorAdapters.ts"
import * as SyncCluster from "../../src/workflow/SyncCluster.ts"
import type { SyncWorkflowSettings } from "../../src/workflow/SyncEntityWorkflow.ts"
import { SyncWorkflows } from "../../src/workflow/SyncWorkflows.ts"
import { apiSmithStages } from "../pipeline/fixtures.ts"

/**
 * `SyncWorkflows` with these settings, every connector served by `adapter` (an APISmith one unless
 * `stages` gives other stage options), its manifests rediscovered after
 * `discoveryTtl` (the engine's default when absent).
 */
export const inProcessWorkflows = (
  adapter: Adapter,
  settings: SyncWorkflowSettings,
  options: {
    readonly discoveryTtl?: Duration.Input | undefined
    readonly stages?: ConnectorRuntime["stages"] | undefined
  } = {}
) =>
  Layer.build(
    SyncWorkflows.layerWith(settings).pipe(
      Layer.provideMerge(SyncCluster.layerSingle()),
      Layer.provide(
        Layer.succeed(
          ConnectorAdapters,
          ConnectorAdapters.of({
            runtime: () =>
              Effect.succeed({
                adapter,
                stages: options.stages ?? (() => apiSmithStages),
                ...(options.discoveryTtl === undefined ? {} : { discoveryTtl: options.discoveryTtl })
              })
          })
        )
      )
    )
  ).pipe(Effect.map((services) => Context.get(services, SyncWorkflows)))
