/**
 * The cluster the sync workflows run on, with its message and runner storage in the shared
 * PostgreSQL (tables `cluster_*`, created on first start):
 *
 * - `SyncCluster.layerSingle`: one in-process runner (the default of `syncflow serve`). It owns
 *   every shard; a restarted process resumes the executions the previous one left.
 * - `SyncCluster.layerRunner`: a runner that joins a cluster over the same `DATABASE_URL`. It
 *   listens on a socket for the other runners, shards are spread over the live runners, and the
 *   shards of a runner that dies (its locks expire) move to the others, which resume its workflows.
 *
 * - `SyncCluster.layerCommand`: for a short-lived process (`syncflow sync`). When a live runner
 *   already serves the database (a `syncflow serve`), a client of it: the messages it sends are
 *   stored in the SQL storage, the server's runner runs them and replies through the storage.
 *   Otherwise a single runner of its own, at an address unique to the process.
 *
 * All give the `WorkflowEngine` (and `Sharding`) the workflows register on.
 */
import { hostname } from "node:os"
import { NodeClusterSocket, NodeCrypto } from "@effect/platform-node"
import { Duration, Effect, Layer, Option } from "effect"
import type { ConfigError } from "effect/Config"
import {
  ClusterWorkflowEngine,
  type MessageStorage,
  RunnerAddress,
  type Runners,
  type Sharding,
  type ShardingConfig,
  SingleRunner
} from "effect/cluster"
import type { SocketServer } from "effect/socket"
import { SqlClient, type SqlError } from "effect/sql"
import type { WorkflowEngine } from "effect/workflow"

/** Sharding settings a deployment may tune (see effect's `ShardingConfig`). */
export type ClusterTuning = Partial<ShardingConfig.ShardingConfig["Service"]>

/** Where a runner listens for the other runners, and the address it tells them. */
export interface RunnerOptions {
  /** The host other runners reach this one at (default `localhost`). */
  readonly host?: string | undefined
  readonly port: number
  /** The interface to listen on when it differs from `host` (e.g. `0.0.0.0` in a container). */
  readonly listenHost?: string | undefined
  readonly tuning?: ClusterTuning | undefined
}

/**
 * How quickly a cluster notices a dead runner: shard locks are refreshed every 2 s and expire after
 * 10 s (effect's defaults are 10 s and 35 s), and runners check each other every 5 s. A runner that
 * shuts down waits at most 2 s (effect's default: 15 s) for each entity's uninterruptible requests
 * (workflow activities): a window in flight stops and is replayed on the next start (see
 * `WorkflowShutdown`), so SIGTERM ends `syncflow serve` within seconds.
 */
export const defaultTuning: ClusterTuning = {
  entityTerminationTimeout: Duration.seconds(2),
  shardLockRefreshInterval: Duration.seconds(2),
  shardLockExpiration: Duration.seconds(10),
  runnerHealthCheckInterval: Duration.seconds(5),
  entityMessagePollInterval: Duration.seconds(2)
}

/** The services a cluster layer provides. */
export type ClusterServices =
  | WorkflowEngine.WorkflowEngine
  | Sharding.Sharding
  | Runners.Runners
  | MessageStorage.MessageStorage

/**
 * Builds a cluster layer while holding a database-wide lock. The cluster's SQL storage creates its
 * tables when first built, and effect's migrator creates its history table before it locks it, so
 * runners starting together on a fresh database race on `CREATE TABLE` (a unique violation in
 * `pg_type`). Holding a session-level advisory lock on a reserved connection for the duration of
 * the build lets one runner create the tables while the others wait.
 */
export const serializedStartup = <A, E, R>(
  layer: Layer.Layer<A, E, R>
): Layer.Layer<A, E | SqlError.SqlError, R | SqlClient.SqlClient> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const scope = yield* Effect.scope
      return yield* Effect.scoped(
        Effect.gen(function* () {
          const connection = yield* sql.reserve
          yield* Effect.acquireRelease(
            connection.executeUnprepared(startupLock("pg_advisory_lock"), [], undefined),
            () => Effect.ignore(connection.executeUnprepared(startupLock("pg_advisory_unlock"), [], undefined))
          )
          return yield* Layer.buildWithScope(layer, scope)
        })
      )
    })
  )

const startupLock = (fn: "pg_advisory_lock" | "pg_advisory_unlock") =>
  `SELECT ${fn}(hashtextextended('syncflow:cluster-startup', 0))`

/** One in-process runner that owns every shard, on SQL storage. */
export const layerSingle = (
  tuning: ClusterTuning = {}
): Layer.Layer<ClusterServices, ConfigError | SqlError.SqlError, SqlClient.SqlClient> =>
  serializedStartup(
    ClusterWorkflowEngine.layer.pipe(
      Layer.provideMerge(SingleRunner.layer({ runnerStorage: "sql", shardingConfig: { ...defaultTuning, ...tuning } })),
      Layer.provide(NodeCrypto.layerDigest)
    )
  )

/** A runner of a multi-runner cluster, on SQL storage, reachable by the others over a socket. */
export const layerRunner = (
  options: RunnerOptions
): Layer.Layer<
  ClusterServices,
  ConfigError | SocketServer.SocketServerError | SqlError.SqlError,
  SqlClient.SqlClient
> => {
  const host = options.host ?? "localhost"
  return serializedStartup(
    ClusterWorkflowEngine.layer.pipe(
      Layer.provideMerge(
        NodeClusterSocket.layer({
          storage: "sql",
          shardingConfig: {
            ...defaultTuning,
            ...options.tuning,
            runnerAddress: Option.some(RunnerAddress.make(host, options.port)),
            runnerListenAddress:
              options.listenHost === undefined
                ? Option.none()
                : Option.some(RunnerAddress.make(options.listenHost, options.port))
          }
        })
      )
    )
  )
}

/**
 * A cluster client: it runs nothing (no runner address, no shards), and the workflow messages it
 * sends are persisted in the SQL message storage, where the cluster's runners find them (they poll
 * it) and store their replies.
 */
export const layerClient = (
  tuning: ClusterTuning = {}
): Layer.Layer<ClusterServices, ConfigError | SqlError.SqlError, SqlClient.SqlClient> =>
  serializedStartup(
    ClusterWorkflowEngine.layer.pipe(
      Layer.provideMerge(
        SingleRunner.layer({
          runnerStorage: "sql",
          shardingConfig: { ...defaultTuning, ...tuning, runnerAddress: Option.none() }
        })
      ),
      Layer.provide(NodeCrypto.layerDigest)
    )
  )

/**
 * Whether a runner serves the database: one whose heartbeat in effect's runners table is fresher
 * than the shard lock expiration, the filter of effect's `SqlRunnerStorage.getRunners`. A runner
 * renews its heartbeat with its shard locks; a dead one's goes stale. None before the cluster's
 * tables exist.
 */
export const runnerServes = (
  tuning: ClusterTuning = {}
): Effect.Effect<boolean, SqlError.SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const [table] = yield* sql<{ readonly found: boolean }>`SELECT to_regclass('cluster_runners') IS NOT NULL AS found`
    if (table?.found !== true) return false
    const expiration = Duration.fromInputUnsafe(
      tuning.shardLockExpiration ?? defaultTuning.shardLockExpiration ?? 10_000
    )
    const seconds = Math.ceil(Duration.toSeconds(expiration))
    const [live] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM cluster_runners
      WHERE last_heartbeat > NOW() - make_interval(secs => ${seconds})`
    return (live?.n ?? 0) > 0
  })

/**
 * The runner address of a short-lived process: its host, pid and a random token, so it never takes
 * the address of a server on the same machine (effect's default `localhost:34431`) or of another
 * command. Nothing listens on it (a single runner talks to no other runner).
 */
export const commandRunnerAddress = (): RunnerAddress.RunnerAddress =>
  RunnerAddress.make(`${hostname()}/syncflow-${process.pid}-${globalThis.crypto.randomUUID().slice(0, 8)}`, 0)

/**
 * The cluster of a short-lived process (`syncflow sync`): a client of the runner that serves the
 * database when one is live (the server runs the workflows it triggers), otherwise a single
 * runner of its own (see `commandRunnerAddress`), which runs them in this process.
 */
export const layerCommand = (
  tuning: ClusterTuning = {}
): Layer.Layer<ClusterServices, ConfigError | SqlError.SqlError, SqlClient.SqlClient> =>
  Layer.unwrap(
    Effect.gen(function* () {
      if (yield* runnerServes(tuning)) {
        yield* Effect.logDebug("a runner serves the database: its workflows run there")
        return layerClient(tuning)
      }
      const address = commandRunnerAddress()
      yield* Effect.logDebug("no runner serves the database: the workflows run in this process").pipe(
        Effect.annotateLogs({
          runner: address.toString()
        })
      )
      return layerSingle({ ...tuning, runnerAddress: Option.some(address) })
    })
  )
