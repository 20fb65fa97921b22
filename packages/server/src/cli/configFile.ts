/**
 * A connector's settings from a file (`--config-file PATH`, `-` for stdin), in YAML or JSON. For a
 * `rest` connector the file is a source document: it is checked here, so a mistake is refused with
 * its path into the document and its line, before anything is stored.
 */
import { readFile } from "node:fs/promises"
import { parseText, readDocument, SourceDocument } from "@syncflow/rest"
import { Effect, Result, Schema } from "effect"
import { CliFailure } from "./CliFailure.ts"

const encodeDocument = Schema.encodeUnknownSync(SourceDocument)
const ConfigObject = Schema.Record(Schema.String, Schema.Json)
const decodeConfig = Schema.decodeUnknownResult(ConfigObject)

/** A settings file's text; the failure names the file. */
export const readTextFile = (flag: string, path: string): Effect.Effect<string, CliFailure> =>
  Effect.tryPromise({
    try: () => readFile(path === "-" ? "/dev/stdin" : path, "utf8"),
    catch: (cause) =>
      new CliFailure({
        message: `${flag} ${path}: cannot read it (${cause instanceof Error && "code" in cause ? String(cause.code) : String(cause)})`
      })
  })

/** The settings in a file, as JSON; for `adapter` `rest`, a checked source document. */
export const readConfigFile = Effect.fnUntraced(function* (path: string, adapter: string) {
  const text = yield* readTextFile("--config-file", path)
  if (adapter === "rest") {
    const document = readDocument(text)
    if (Result.isFailure(document)) {
      return yield* new CliFailure({ message: `--config-file ${path}:\n${document.failure.message}` })
    }
    const config = decodeConfig(encodeDocument(document.success))
    if (Result.isSuccess(config)) return config.success
    return yield* new CliFailure({ message: `--config-file ${path}: ${config.failure.message}` })
  }
  const parsed = parseText(text)
  if (Result.isFailure(parsed)) {
    return yield* new CliFailure({ message: `--config-file ${path}:\n${parsed.failure.message}` })
  }
  const config = decodeConfig(parsed.success)
  if (Result.isFailure(config)) {
    return yield* new CliFailure({ message: `--config-file ${path}: expected an object of settings` })
  }
  return config.success
})
