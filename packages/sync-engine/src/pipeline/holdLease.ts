/**
 * Holding an entity's lease (see `EntityLeases`) for the life of a scope: taken (or renewed) when
 * the scope opens, renewed in the background every third of its time to live, and released when
 * the scope closes if asked to.
 */
import { hostname } from "node:os"
import { Duration, Effect, Schedule, type Scope } from "effect"
import type { SqlError } from "effect/sql"
import type { EntityBusy } from "../state/EntityBusy.ts"
import type { EntityLease, EntityLeases, LeaseKey } from "../state/EntityLeases.ts"

/** Takes the lease, waiting (and saying whom for) while another holder has it. */
const waitForLease = (leases: EntityLeases["Service"], key: LeaseKey, holder: string) =>
  leases.acquire(key, holder).pipe(
    Effect.tapError((error) =>
      error._tag === "EntityBusy"
        ? Effect.logInfo("waiting for the entity's lease").pipe(Effect.annotateLogs({ holder: error.holder }))
        : Effect.void
    ),
    Effect.retry({ while: (error) => error._tag === "EntityBusy", schedule: Schedule.spaced("1 second") })
  )

/** The holder name of a process calling the engine directly: its host, pid and a random token. */
export const processHolder = (): string =>
  `process ${hostname()}:${process.pid}/${globalThis.crypto.randomUUID().slice(0, 8)}`

/** The holder name of a SyncEntity workflow execution (the same on whichever runner runs it). */
export const workflowHolder = (executionId: string): string => `workflow ${executionId}`

/**
 * Takes the lease of `key` for `holder` (failing with `EntityBusy` while another holds it, or with
 * `wait: true` waiting for it, trying every second) and keeps it renewed until the scope closes;
 * `release: true` releases it then.
 */
export const holdLease = (
  leases: EntityLeases["Service"],
  key: LeaseKey,
  holder: string,
  options: { readonly release: boolean; readonly wait?: boolean | undefined }
): Effect.Effect<EntityLease, EntityBusy | SqlError.SqlError, Scope.Scope> =>
  Effect.gen(function* () {
    const take = options.wait === true ? waitForLease(leases, key, holder) : leases.acquire(key, holder)
    const lease = options.release
      ? yield* Effect.acquireRelease(take, () => leases.release(key, holder).pipe(Effect.ignore))
      : yield* take
    const every = Duration.divideUnsafe(leases.ttl, 3)
    yield* leases.acquire(key, holder).pipe(
      Effect.tapError((error) =>
        Effect.logWarning("entity lease not renewed").pipe(Effect.annotateLogs({ holder, error: error.message }))
      ),
      Effect.ignore,
      Effect.delay(every),
      Effect.forever,
      Effect.forkScoped
    )
    return lease
  })

/**
 * Once the holder has opened its listing: records its run on the lease and marks the entity's other
 * running runs abandoned (holding the lease, nobody else can be running them).
 */
export const takeOver = (
  leases: EntityLeases["Service"],
  key: LeaseKey,
  holder: string,
  runId: string
): Effect.Effect<void, SqlError.SqlError> =>
  Effect.gen(function* () {
    yield* leases.attachRun(key, holder, runId)
    const abandoned = yield* leases.abandonOthers(key, runId)
    if (abandoned.length > 0) {
      yield* Effect.logWarning("runs abandoned by their executor marked abandoned").pipe(
        Effect.annotateLogs({
          runs: abandoned.map((run) => run.runId)
        })
      )
    }
  })
