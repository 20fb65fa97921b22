/**
 * `syncflow sources check FILE`: checks a declarative source document (each problem with its path
 * into the document, its line and what was expected), then reads one page of each stream through
 * the same adapter a `rest` connector runs, and prints its first records and its columns — declared,
 * and inferred from the page for the other fields: the column types the first sync creates. Needs
 * no database.
 *
 * ```sh
 * syncflow sources check github.yaml --credentials-file token.json   # {"type":"bearer","token":"..."}
 * ```
 */
import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, type Credentials, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { type CheckedStream, checkSource, readDocument, restPlugin, type SourceCheck } from "@syncflow/rest"
import { Console, Effect, Layer, Option, Result } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { CliFailure } from "./CliFailure.ts"
import { readTextFile } from "./configFile.ts"
import { credentialsFlags, readCredentials } from "./credentialsInput.ts"

const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

const origins: Record<CheckedStream["origin"], string> = {
  declared: "declared",
  inferred: "inferred from the page",
  "declared-and-inferred": "declared; the others inferred from the page",
  none: "none yet: no records to infer them from; the first sync types them"
}

/** The lines `sources check` prints for a check. */
export const checkLines = (check: SourceCheck): ReadonlyArray<string> =>
  check.streams.flatMap((stream) => {
    if (stream.error !== undefined) return [`${stream.name}: cannot read its first page: ${stream.error.message}`, ""]
    const width = Math.max(8, ...stream.columns.map((column) => column.name.length))
    return [
      `${stream.name}: ${stream.pageSize} records on the first page`,
      `  columns (${origins[stream.origin]}):`,
      ...stream.columns.map((column) =>
        `    ${column.name.padEnd(width)}  ${column.type.padEnd(9)}${column.businessKey ? "  key" : column.nullable ? "" : "  not null"}`.trimEnd()
      ),
      "  first records:",
      ...stream.records.map((record) => `    ${JSON.stringify(record)}`),
      ""
    ]
  })

const check = Command.make(
  "check",
  {
    file: Argument.String("file").pipe(Argument.withDescription("The source document (YAML or JSON)")),
    credentialsFile: credentialsFlags.credentialsFile,
    credentials: credentialsFlags.credentials,
    sample: Flag.Int("sample").pipe(Flag.withDescription("Records to show per stream"), Flag.withDefault(3)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
  },
  Effect.fnUntraced(function* (input) {
    const text = yield* readTextFile("sources check", input.file)
    const document = readDocument(text)
    if (Result.isFailure(document)) {
      return yield* new CliFailure({ message: `${input.file}:\n${document.failure.message}` })
    }
    const given = yield* readCredentials(
      {
        credentialsFile: input.credentialsFile,
        credentials: input.credentials,
        webhookSecretFile: Option.none(),
        webhookSecret: Option.none()
      },
      false
    )
    let credentials: Credentials | undefined
    if (Option.isSome(given)) {
      const checked = restPlugin.checkCredentials(given.value, {
        settings: document.success,
        oauthRedirectUri: "http://localhost/oauth/callback"
      })
      if (Result.isFailure(checked))
        return yield* new CliFailure({ message: `credentials: ${checked.failure.message}` })
      credentials = checked.success
    }
    const result = yield* checkSource(text, { credentials, sample: input.sample }).pipe(
      Effect.provide(HttpStack),
      Effect.mapError((error) => new CliFailure({ message: `${input.file}:\n${error.message}` }))
    )
    if (input.json) {
      yield* Console.log(
        JSON.stringify(
          result.streams.map((stream) => ({
            name: stream.name,
            pageSize: stream.pageSize,
            origin: stream.origin,
            columns: stream.columns,
            records: stream.records,
            ...(stream.error === undefined ? {} : { error: stream.error.message })
          }))
        )
      )
    } else {
      for (const line of checkLines(result)) yield* Console.log(line)
    }
    const failed = result.streams.filter((stream) => stream.error !== undefined)
    if (failed.length > 0) {
      return yield* new CliFailure({
        message: `${failed.length} of ${result.streams.length} streams could not be read: ${failed.map((s) => s.name).join(", ")}`
      })
    }
    if (!input.json) yield* Console.log(`${input.file}: ${result.streams.length} streams read`)
  })
).pipe(
  Command.withDescription(
    "Check a declarative source document and read one page of each stream, showing records and (inferred) columns"
  )
)

/** `syncflow sources ...`. */
export const sourcesCommand = Command.make("sources").pipe(
  Command.withDescription("Declarative REST sources (the rest adapter's documents)"),
  Command.withSubcommands([check])
)
