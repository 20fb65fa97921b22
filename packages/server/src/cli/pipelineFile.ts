/**
 * A sync definition's ETL steps from a file (`syncflow definitions create|update --pipeline FILE`,
 * `-` for stdin): YAML or JSON, a list of steps or an object with a `pipeline` list (a definition
 * file's), decoded with sync-engine's `EtlPipeline` so a mistake is refused naming the step and its
 * field (`pipeline[1].condition: Missing key`) before anything is stored. Whether the steps work on
 * the definition's fields is checked when it is saved (`validateDefinition`), as for the API.
 */
import { formatPath } from "@syncflow/adapter-core"
import { parseText } from "@syncflow/rest"
import { EtlPipeline } from "@syncflow/sync-engine"
import { Effect, Result, Schema, SchemaIssue } from "effect"
import { CliFailure } from "./CliFailure.ts"
import { readTextFile } from "./configFile.ts"

const decode = Schema.decodeUnknownResult(EtlPipeline, { errors: "all", onExcessProperty: "error" })
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** The steps of a parsed file: its list, or its `pipeline` list. */
const stepsOf = (value: unknown): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "pipeline" in value ? value.pipeline : value

/** Reads and decodes the steps in the file at `path`: the steps as JSON, ready for a definition's body. */
export const readPipelineFile = Effect.fnUntraced(function* (path: string) {
  const text = yield* readTextFile("--pipeline", path)
  const parsed = parseText(text)
  if (Result.isFailure(parsed)) {
    return yield* new CliFailure({ message: `--pipeline ${path}:\n${parsed.failure.message}` })
  }
  const steps = stepsOf(parsed.success)
  const decoded = decode(steps)
  if (Result.isFailure(decoded)) {
    const problems = formatter(decoded.failure.issue).issues.map((issue) => {
      const at = (issue.path ?? []).map((key) => (typeof key === "object" ? key.key : key))
      return `  ${formatPath(["pipeline", ...at])}: ${issue.message}`
    })
    return yield* new CliFailure({ message: `--pipeline ${path}: invalid steps\n${problems.join("\n")}` })
  }
  return Schema.encodeSync(EtlPipeline)(decoded.success)
})
