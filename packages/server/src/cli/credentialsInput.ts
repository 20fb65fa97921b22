/**
 * Where `syncflow connectors add|update` read a connector's credentials and webhook secret from,
 * so that they never have to be typed on the command line (where shell history and `ps` see them):
 *
 * 1. `--credentials-file PATH`: a JSON file (`-` for stdin), e.g. `{"type":"serviceJwt","secret":"..."}`;
 * 2. the environment variable `SYNCFLOW_CREDENTIALS` (the same JSON);
 * 3. a hidden prompt (nothing echoed) when stdin is a terminal;
 * 4. `--credentials JSON` still works, for scripts that used it, but is the last resort.
 *
 * `connectors update` changes credentials only when asked (`--credentials-file`, `--credentials`, or
 * `--new-credentials` to read the environment or prompt). The webhook secret likewise comes from
 * `--webhook-secret-file PATH`, `SYNCFLOW_WEBHOOK_SECRET`, or `--webhook-secret`.
 */
import { readFile } from "node:fs/promises"
import { Effect, Option, Redacted, Schema } from "effect"
import { Flag, Prompt } from "effect/cli"
import { CliFailure } from "./CliFailure.ts"

/** The environment variable holding a connector's credentials as JSON. */
export const credentialsEnv = "SYNCFLOW_CREDENTIALS"

/** The environment variable holding a connector's webhook secret (adapters with webhooks). */
export const webhookSecretEnv = "SYNCFLOW_WEBHOOK_SECRET"

/** The flags of the credentials' and webhook secret's sources. */
export const credentialsFlags = {
  credentialsFile: Flag.String("credentials-file").pipe(
    Flag.withDescription(
      `A JSON file with the credentials ("-": stdin), e.g. {"type":"serviceJwt","secret":"..."}; or env ${credentialsEnv}; or a hidden prompt on a terminal`
    ),
    Flag.optional
  ),
  credentials: Flag.Redacted("credentials").pipe(
    Flag.withDescription(
      "Credentials as JSON on the command line (seen by shell history and ps: prefer --credentials-file)"
    ),
    Flag.optional
  ),
  webhookSecretFile: Flag.String("webhook-secret-file").pipe(
    Flag.withDescription(
      `Adapters with webhooks: a file holding the secret deliveries are signed with; or env ${webhookSecretEnv}`
    ),
    Flag.optional
  ),
  webhookSecret: Flag.Redacted("webhook-secret").pipe(
    Flag.withDescription(
      "Adapters with webhooks: the webhook secret on the command line (prefer --webhook-secret-file)"
    ),
    Flag.optional
  )
}

/** The parsed source flags. */
export interface CredentialsSources {
  readonly credentialsFile: Option.Option<string>
  readonly credentials: Option.Option<Redacted.Redacted<string>>
  readonly webhookSecretFile: Option.Option<string>
  readonly webhookSecret: Option.Option<Redacted.Redacted<string>>
}

/** Credentials as JSON: an object, checked field by field by the adapter's plugin when the connector is written. */
const CredentialsJson = Schema.Record(Schema.String, Schema.Json)
/** Credentials as JSON, before the adapter's plugin decodes them. */
export type CredentialsJson = typeof CredentialsJson.Type

const decodeCredentials = Schema.decodeUnknownResult(CredentialsJson)

/** Reads a file (or stdin for `-`) whole; the failure names the file, never its content. */
const readText = (flag: string, path: string): Effect.Effect<string, CliFailure> =>
  Effect.tryPromise({
    try: () => readFile(path === "-" ? "/dev/stdin" : path, "utf8"),
    catch: (cause) =>
      new CliFailure({
        message: `${flag} ${path}: cannot read it (${cause instanceof Error && "code" in cause ? String(cause.code) : String(cause)})`
      })
  })

/** Decodes credentials JSON from `source`; the failure names the source and the field, never a value. */
export const parseCredentials = (source: string, text: string): Effect.Effect<CredentialsJson, CliFailure> =>
  Effect.gen(function* () {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return yield* new CliFailure({
        message: `${source}: not JSON (expected e.g. {"type":"serviceJwt","secret":"..."})`
      })
    }
    const decoded = decodeCredentials(json)
    if (decoded._tag === "Success") return decoded.success
    return yield* new CliFailure({ message: `${source}: expected a JSON object, e.g. {"type":"bearer","token":"..."}` })
  })

/** Whether stdin is a terminal a person can type into. */
const interactive = (): boolean => process.stdin.isTTY === true

const promptCredentials = Prompt.Hidden({ message: "Credentials (JSON, not echoed)" }).pipe(
  Prompt.run,
  Effect.mapError(() => new CliFailure({ message: "Credentials: prompt cancelled" }))
)

/**
 * The credentials from the first source given: `--credentials-file`, `--credentials`, then (when
 * `fallback`, as for `add`, or `update --new-credentials`) `SYNCFLOW_CREDENTIALS`, then a hidden
 * prompt on a terminal. `None` when none applies.
 */
export const readCredentials = Effect.fnUntraced(function* (sources: CredentialsSources, fallback: boolean) {
  if (Option.isSome(sources.credentialsFile)) {
    const path = sources.credentialsFile.value
    const text = yield* readText("--credentials-file", path)
    return Option.some(yield* parseCredentials(`--credentials-file ${path}`, text))
  }
  if (Option.isSome(sources.credentials)) {
    return Option.some(yield* parseCredentials("--credentials", Redacted.value(sources.credentials.value)))
  }
  if (fallback) {
    const fromEnv = process.env[credentialsEnv]
    if (fromEnv !== undefined && fromEnv.trim() !== "") {
      return Option.some(yield* parseCredentials(credentialsEnv, fromEnv))
    }
    if (interactive()) {
      const typed = yield* promptCredentials
      return Option.some(yield* parseCredentials("the typed credentials", Redacted.value(typed)))
    }
  }
  return Option.none<CredentialsJson>()
})

/** {@link readCredentials} with every fallback, failing with how to give them when none does. */
export const requireCredentials = (sources: CredentialsSources) =>
  Effect.flatMap(readCredentials(sources, true), (found) =>
    Option.match(found, {
      onSome: Effect.succeed,
      onNone: () =>
        Effect.fail(
          new CliFailure({
            message: `No credentials: give --credentials-file PATH (JSON), set ${credentialsEnv}, or run on a terminal to be asked`
          })
        )
    })
  )

/**
 * The webhook secret from `--webhook-secret-file` (its first line), `--webhook-secret`, or (when
 * `fromEnv`) `SYNCFLOW_WEBHOOK_SECRET`; `None` when none is given.
 */
export const readWebhookSecret = Effect.fnUntraced(function* (sources: CredentialsSources, fromEnv: boolean) {
  if (Option.isSome(sources.webhookSecretFile)) {
    const path = sources.webhookSecretFile.value
    const secret = (yield* readText("--webhook-secret-file", path)).trim()
    if (secret === "") return yield* new CliFailure({ message: `--webhook-secret-file ${path}: the file is empty` })
    return Option.some(Redacted.make(secret))
  }
  if (Option.isSome(sources.webhookSecret)) return Option.some(sources.webhookSecret.value)
  const env = fromEnv ? process.env[webhookSecretEnv]?.trim() : undefined
  return env === undefined || env === "" ? Option.none<Redacted.Redacted<string>>() : Option.some(Redacted.make(env))
})
