/**
 * The server file `<dataDir>.server.json`: where the server of a data directory listens, published
 * by the process that started it so that other processes (the `syncflow` CLI beside `syncflow
 * serve`) connect to it instead of failing on the lock. Written atomically (a temporary file
 * renamed), removed on a clean stop; the pids in it tell a stale file (its owner killed) from a live one.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises"
import { Effect, Option, Schema } from "effect"
import { type EmbeddedPostgresError, embeddedPostgresError } from "../EmbeddedPostgresError.ts"
import { inspectProcess } from "./processInfo.ts"

/** The path of the server file of a data directory (next to it, like the lock file). */
export const serverFilePath = (dataDir: string): string => `${dataDir}.server.json`

/** What the server file says: no password (the caller knows it), only where and whose. */
export const ServerFile = Schema.Struct({
  /** The process that started the server and holds the lock. */
  ownerPid: Schema.Int,
  /** The postmaster. */
  pid: Schema.Int,
  host: Schema.String,
  port: Schema.Int,
  user: Schema.String
})

/** The content of a server file. */
export type ServerFile = typeof ServerFile.Type

const decode = Schema.decodeUnknownOption(Schema.fromJsonString(ServerFile))

/** Writes the server file of `dataDir` atomically (readable by all: it holds no secret). */
export const writeServerFile = (dataDir: string, content: ServerFile): Effect.Effect<void, EmbeddedPostgresError> => {
  const path = serverFilePath(dataDir)
  const temporary = `${path}.${process.pid}.tmp`
  return Effect.tryPromise({
    try: async () => {
      await writeFile(temporary, `${JSON.stringify(content)}\n`, { mode: 0o644 })
      await rename(temporary, path)
    },
    catch: (cause) =>
      embeddedPostgresError({
        reason: "FileSystem",
        dataDir,
        summary: `Cannot write the server file ${path}: ${cause}`
      })
  })
}

/** Reads the server file of `dataDir`: `None` when missing or unreadable. */
export const readServerFile = (dataDir: string): Effect.Effect<Option.Option<ServerFile>> =>
  Effect.promise(() =>
    readFile(serverFilePath(dataDir), "utf8").then(
      (text) => decode(text),
      () => Option.none<ServerFile>()
    )
  )

/** Removes the server file of `dataDir` if this process wrote it. */
export const removeServerFile = Effect.fnUntraced(function* (dataDir: string) {
  const content = yield* readServerFile(dataDir)
  if (Option.exists(content, (file) => file.ownerPid === process.pid)) {
    yield* Effect.promise(() => rm(serverFilePath(dataDir), { force: true }).catch(() => undefined))
  }
})

/**
 * The server file of `dataDir` when the server it names still runs: its owner runs and its
 * postmaster runs as the owner's child. A file left by a killed owner is stale: `None`.
 */
export const liveServerFile = Effect.fnUntraced(function* (dataDir: string) {
  const content = yield* readServerFile(dataDir)
  if (Option.isNone(content)) return Option.none<ServerFile>()
  const owner = yield* inspectProcess(content.value.ownerPid)
  const postmaster = yield* inspectProcess(content.value.pid)
  const live =
    Option.exists(owner, (info) => !info.zombie) &&
    Option.exists(postmaster, (info) => !info.zombie && info.parentPid === content.value.ownerPid)
  return live ? content : Option.none<ServerFile>()
})
