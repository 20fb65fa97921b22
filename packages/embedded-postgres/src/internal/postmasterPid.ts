/**
 * The `postmaster.pid` file a running PostgreSQL server keeps in its data directory.
 */
import { readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Option } from "effect"
import { inspectProcess } from "./processInfo.ts"

/** What `postmaster.pid` says: the server's pid (line 1) and port (line 4). */
export interface PostmasterPid {
  readonly pid: number
  readonly port: number | undefined
}

/** The path of `postmaster.pid` in a data directory. */
export const postmasterPidPath = (dataDir: string): string => join(dataDir, "postmaster.pid")

/** Reads `postmaster.pid`, or `None` when the file is missing or unreadable. */
export const readPostmasterPid = (dataDir: string): Effect.Effect<Option.Option<PostmasterPid>> =>
  Effect.promise(() =>
    readFile(postmasterPidPath(dataDir), "utf8").then(
      (text) => {
        const lines = text.split("\n")
        const pid = Number(lines[0])
        const port = Number(lines[3])
        return Number.isInteger(pid) && pid > 0
          ? Option.some({ pid, port: Number.isInteger(port) && port > 0 ? port : undefined })
          : Option.none()
      },
      () => Option.none<PostmasterPid>()
    )
  )

/**
 * The PostgreSQL server running in `dataDir`, if any: `postmaster.pid` names a pid that is a running
 * (not zombie) process called `postgres`. A pid file naming anything else is stale.
 */
export const runningPostmaster = Effect.fnUntraced(function* (dataDir: string) {
  const pidFile = yield* readPostmasterPid(dataDir)
  if (Option.isNone(pidFile)) return Option.none()
  const info = yield* inspectProcess(pidFile.value.pid)
  return Option.filter(info, (process) => process.name === "postgres" && !process.zombie)
})

/** Removes a stale `postmaster.pid` (one that names no running PostgreSQL server). */
export const removePostmasterPid = (dataDir: string): Effect.Effect<void> =>
  Effect.promise(() => rm(postmasterPidPath(dataDir), { force: true }).catch(() => undefined))
