/**
 * The lock file `<dataDir>.lock` that says which process runs the server of a data directory, so two
 * processes never start (or stop) servers on the same directory, and a lock left by a killed
 * process is recognised as stale.
 */
import { readFile, rm, writeFile } from "node:fs/promises"
import { Effect, Option } from "effect"
import { type EmbeddedPostgresError, embeddedPostgresError } from "../EmbeddedPostgresError.ts"
import { runningPostmaster } from "./postmasterPid.ts"
import { isRunning } from "./processInfo.ts"

/** The path of the lock file of a data directory (next to it, as PostgreSQL wants its directory to itself). */
export const lockPath = (dataDir: string): string => `${dataDir}.lock`

const readOwner = (path: string): Effect.Effect<Option.Option<number>> =>
  Effect.promise(() =>
    readFile(path, "utf8").then(
      (text) => {
        const pid = Number(text.trim())
        return Number.isInteger(pid) && pid > 0 ? Option.some(pid) : Option.none()
      },
      () => Option.none<number>()
    )
  )

/** Creates the lock file if it does not exist: `true` when this call created it. */
const tryCreate = (path: string, dataDir: string): Effect.Effect<boolean, EmbeddedPostgresError> =>
  Effect.tryPromise({
    try: () =>
      writeFile(path, `${process.pid}\n`, { flag: "wx" }).then(
        () => true,
        (error: NodeJS.ErrnoException) => (error.code === "EEXIST" ? false : Promise.reject(error))
      ),
    catch: (cause) =>
      embeddedPostgresError({ reason: "FileSystem", dataDir, summary: `Cannot create the lock file ${path}: ${cause}` })
  })

/**
 * Whether `owner` (the pid in a lock file) still runs the data directory: it is running and, when a
 * server runs there, it is that server's parent. A pid reused by an unrelated process after a
 * reboot fails the second test.
 */
const ownerIsLive = Effect.fnUntraced(function* (owner: number, dataDir: string) {
  if (!(yield* isRunning(owner))) return false
  const server = yield* runningPostmaster(dataDir)
  return Option.match(server, { onNone: () => true, onSome: (postmaster) => postmaster.parentPid === owner })
})

/**
 * Takes the lock of `dataDir` for this process. Fails with reason `InUse` when a live process
 * (possibly this one) holds it; takes over a stale lock left by a dead process.
 */
export const acquireLock = Effect.fnUntraced(function* (
  dataDir: string
): Effect.fn.Return<void, EmbeddedPostgresError> {
  const path = lockPath(dataDir)
  for (let attempt = 0; attempt < 3; attempt++) {
    if (yield* tryCreate(path, dataDir)) return
    const owner = yield* readOwner(path)
    if (Option.isSome(owner)) {
      if (owner.value === process.pid) {
        return yield* embeddedPostgresError({
          reason: "InUse",
          dataDir,
          summary: "This process already runs a PostgreSQL server on this data directory"
        })
      }
      if (yield* ownerIsLive(owner.value, dataDir)) {
        return yield* embeddedPostgresError({
          reason: "InUse",
          dataDir,
          summary: `Process ${owner.value} runs a PostgreSQL server on this data directory (lock file ${path})`
        })
      }
    }
    yield* Effect.promise(() => rm(path, { force: true }).catch(() => undefined))
  }
  return yield* embeddedPostgresError({
    reason: "InUse",
    dataDir,
    summary: `Could not take the lock file ${path}: other processes keep taking it`
  })
})

/** Removes the lock of `dataDir` if this process holds it. */
export const releaseLock = Effect.fnUntraced(function* (dataDir: string) {
  const path = lockPath(dataDir)
  const owner = yield* readOwner(path)
  if (Option.contains(owner, process.pid)) {
    yield* Effect.promise(() => rm(path, { force: true }).catch(() => undefined))
  }
})
