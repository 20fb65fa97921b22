/**
 * The secrets SyncFlow needs and what happens when they are not configured.
 *
 * - `SYNCFLOW_SECRET_KEY` seals connector credentials and OAuth2 tokens (AES-256-GCM). With an
 *   embedded PostgreSQL (no `DATABASE_URL`), a missing key is generated on first run and kept in
 *   `<data dir>/secret-key` (mode 0600), next to the database it protects. With an external
 *   database a missing key is a start-up error: every process sharing that database must use the
 *   same key, so none may invent its own.
 * - Admin auth (`SYNCFLOW_API_KEY` and/or `SYNCFLOW_JWT_SECRET`): the same rule, for `serve` only.
 *   With an embedded database and neither set, an API key is generated into `<data dir>/api-key`
 *   (mode 0600); its path is logged, never its value.
 */
import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Option, Redacted, Schema } from "effect"
import type { ServerSettings } from "./ServerConfig.ts"

/** SyncFlow cannot start with this configuration; the message says what to set. */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>()("ConfigurationError", {
  message: Schema.String
}) {}

/** Who may call the admin API. At least one is set. */
export interface AdminCredentials {
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly jwtSecret: Option.Option<Redacted.Redacted<string>>
}

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** Reads a secret file of the data directory, or creates it with `generate()` (mode 0600). */
const fileSecret = (settings: ServerSettings, name: string, generate: () => string) =>
  Effect.gen(function* () {
    const path = join(settings.dataDir, name)
    const existing = yield* Effect.promise(() => readFile(path, "utf8").catch(() => undefined))
    if (existing !== undefined && existing.trim() !== "") {
      return { secret: Redacted.make(existing.trim()), path, created: false }
    }
    const value = generate()
    yield* Effect.tryPromise({
      try: async () => {
        await mkdir(settings.dataDir, { recursive: true })
        await writeFile(path, `${value}\n`, { mode: 0o600, flag: "wx" })
      },
      catch: (cause) => new ConfigurationError({ message: `Cannot write ${path}: ${messageOf(cause)}` })
    })
    return { secret: Redacted.make(value), path, created: true }
  })

/** The key that seals credentials: configured, or (embedded database only) generated and kept. */
export const resolveSecretKey = Effect.fnUntraced(function* (settings: ServerSettings) {
  if (Option.isSome(settings.secretKey)) return settings.secretKey.value
  if (Option.isSome(settings.databaseUrl)) {
    return yield* new ConfigurationError({
      message:
        "SYNCFLOW_SECRET_KEY is not set. With DATABASE_URL, every SyncFlow process must share one key " +
        "(32 bytes, base64 or hex, e.g. `openssl rand -base64 32`) to seal and open connector credentials."
    })
  }
  const file = yield* fileSecret(settings, "secret-key", () => randomBytes(32).toString("base64"))
  if (file.created) {
    yield* Effect.logWarning(
      `Generated a credentials key in ${file.path}: back it up with the data directory, or set SYNCFLOW_SECRET_KEY`
    )
  }
  return file.secret
})

/** Who may call the admin API: configured, or (embedded database only) a generated API key. */
export const resolveAdminCredentials = Effect.fnUntraced(function* (settings: ServerSettings) {
  if (Option.isSome(settings.apiKey) || Option.isSome(settings.jwtSecret)) {
    return { apiKey: settings.apiKey, jwtSecret: settings.jwtSecret } satisfies AdminCredentials
  }
  if (Option.isSome(settings.databaseUrl)) {
    return yield* new ConfigurationError({
      message:
        "Neither SYNCFLOW_API_KEY nor SYNCFLOW_JWT_SECRET is set: the admin API would be open. " +
        "Set one (a long random string) to start the server."
    })
  }
  const file = yield* fileSecret(settings, "api-key", () => randomBytes(24).toString("base64url"))
  yield* Effect.logInfo(`Admin API key: read it from ${file.path} (or set SYNCFLOW_API_KEY)`)
  return { apiKey: Option.some(file.secret), jwtSecret: Option.none() } satisfies AdminCredentials
})
