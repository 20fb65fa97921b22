/**
 * The failure of starting or stopping an embedded PostgreSQL server, with the end of its log.
 */
import { Schema } from "effect"

/** Why an embedded PostgreSQL server could not be started or stopped. */
export const EmbeddedPostgresFailure = Schema.Literals([
  /** Another live process owns the data directory (its lock file names a running process). */
  "InUse",
  /** This machine has no PostgreSQL binaries, or the process runs as root without an OS user `postgres`. */
  "Unsupported",
  /** The directory exists, is not empty and is not a PostgreSQL data directory. */
  "NotADataDirectory",
  /** `initdb` failed. */
  "InitdbFailed",
  /** An orphaned server (left by a killed process) was found but would not stop. */
  "OrphanNotStopped",
  /** The server exited during start-up or did not become ready in time. */
  "StartFailed",
  /** The server did not stop. */
  "StopFailed",
  /** Reading or writing the data directory, its lock file or its `postmaster.pid` failed. */
  "FileSystem"
])

/** Why an embedded PostgreSQL server could not be started or stopped. */
export type EmbeddedPostgresFailure = typeof EmbeddedPostgresFailure.Type

/**
 * Starting or stopping an embedded PostgreSQL server failed. `message` says why and ends with the
 * last lines PostgreSQL (or `initdb`) logged, which are also in `logTail`.
 */
export class EmbeddedPostgresError extends Schema.TaggedError<EmbeddedPostgresError>()("EmbeddedPostgresError", {
  reason: EmbeddedPostgresFailure,
  dataDir: Schema.String,
  message: Schema.String,
  /** The last lines logged by PostgreSQL or `initdb` before the failure, oldest first. */
  logTail: Schema.Array(Schema.String)
}) {}

/** Builds an {@link EmbeddedPostgresError} whose message ends with the log tail, so a failure says why. */
export const embeddedPostgresError = (options: {
  readonly reason: EmbeddedPostgresFailure
  readonly dataDir: string
  readonly summary: string
  readonly logTail?: ReadonlyArray<string>
}): EmbeddedPostgresError => {
  const logTail = options.logTail ?? []
  const log =
    logTail.length === 0 ? "" : `\n--- last ${logTail.length} line(s) of the PostgreSQL log ---\n${logTail.join("\n")}`
  return new EmbeddedPostgresError({
    reason: options.reason,
    dataDir: options.dataDir,
    message: `${options.summary} (data directory: ${options.dataDir})${log}`,
    logTail
  })
}
