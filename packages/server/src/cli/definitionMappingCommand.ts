/**
 * `syncflow definitions mapping show|set|history <definition>`: a sync definition's field mapping,
 * as `GET/PUT /api/v1/definitions/{id}/mapping` and `GET .../mapping/versions` manage it. `set
 * --file mapping.json` takes the API's body (`{"entries": [...]}`); a change is a new version, the
 * definition's next run uses it; a mapping that does not fit is refused naming the entry and field.
 */
import { FieldMappings, type FieldMappingVersion, SyncDefinitions, setFieldMapping } from "@syncflow/sync-engine"
import { Console, DateTime, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { mappingVersionView, SetMapping } from "../api/groups/MappingsGroup.ts"
import { CliFailure } from "./CliFailure.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
const idArgument = Argument.String("definition").pipe(Argument.withDescription("The definition's id or name"))

const entryText = (entry: FieldMappingVersion["entries"][number]): string => {
  const transform = entry.transform
  const how =
    transform === undefined
      ? ""
      : transform.kind === "format"
        ? ` format ${transform.format}`
        : transform.kind === "lookup"
          ? " lookup"
          : ` ${transform.kind} ${transform.expression}`
  return `  ${entry.target.padEnd(20)} <- ${entry.source ?? "(expression)"}${how}${entry.required === true ? "  required" : ""}${
    entry.default === undefined ? "" : `  default ${JSON.stringify(entry.default)}`
  }${entry.type === undefined ? "" : `  (${entry.type})`}`
}

const print = (version: FieldMappingVersion, asJson: boolean) =>
  asJson
    ? Console.log(JSON.stringify(mappingVersionView(version)))
    : Console.log(
        [`${version.definitionId} mapping v${version.version} (${DateTime.formatIso(version.createdAt)})`]
          .concat(version.entries.map(entryText))
          .join("\n")
      )

const historyOf = Effect.fnUntraced(function* (idOrName: string) {
  const found = yield* (yield* SyncDefinitions).get(idOrName)
  if (Option.isNone(found)) return yield* new CliFailure({ message: `No sync definition ${JSON.stringify(idOrName)}` })
  return { id: found.value.id, versions: yield* (yield* FieldMappings).history(found.value.id) }
})

const show = Command.make(
  "show",
  { definition: idArgument, json },
  Effect.fnUntraced(function* (input) {
    const { id, versions } = yield* withCore(historyOf(input.definition))
    const latest = versions[0]
    if (latest === undefined) return yield* new CliFailure({ message: `Sync definition ${id} has no field mapping` })
    yield* print(latest, input.json)
  })
).pipe(Command.withDescription("Show a sync definition's field mapping (its latest version)"))

const decodeMapping = Schema.decodeUnknownEffect(Schema.fromJsonString(SetMapping))

const set = Command.make(
  "set",
  {
    definition: idArgument,
    file: Flag.FileText("file").pipe(Flag.withDescription('The mapping as JSON: {"entries": [...]} (the API\'s body)')),
    json
  },
  Effect.fnUntraced(function* (input) {
    const mapping = yield* decodeMapping(input.file).pipe(
      Effect.mapError((error) => new CliFailure({ message: `Invalid mapping: ${error.message}` }))
    )
    const saved = yield* withCore(
      setFieldMapping(input.definition, mapping).pipe(
        Effect.mapError((error) =>
          error._tag === "InvalidDefinition"
            ? new CliFailure({ message: `Invalid mapping: ${error.message}` })
            : new CliFailure({ message: error.message })
        )
      )
    )
    if (input.json) return yield* print(saved.version, true)
    yield* Console.log(
      saved.added
        ? `${saved.version.definitionId}: mapping v${saved.version.version} saved (its next run uses it)`
        : `${saved.version.definitionId}: unchanged (mapping v${saved.version.version})`
    )
  })
).pipe(Command.withDescription("Set a sync definition's field mapping from a JSON file (a change is a new version)"))

const history = Command.make(
  "history",
  { definition: idArgument, json },
  Effect.fnUntraced(function* (input) {
    const { id, versions } = yield* withCore(historyOf(input.definition))
    if (input.json) return yield* Console.log(JSON.stringify(versions.map(mappingVersionView)))
    if (versions.length === 0) return yield* Console.log(`Sync definition ${id} has no field mapping`)
    for (const version of versions) {
      yield* Console.log(
        `v${version.version}  ${DateTime.formatIso(version.createdAt)}  ${version.entries.length} entries: ` +
          version.entries.map((e) => e.target).join(", ")
      )
    }
  })
).pipe(Command.withDescription("List a sync definition's field mapping versions, newest first"))

/** `syncflow definitions mapping show|set|history`. */
export const definitionMappingCommand = Command.make("mapping").pipe(
  Command.withDescription("A sync definition's field mapping: show, set (--file), history"),
  Command.withSubcommands([show, set, history])
)
