/**
 * `syncflow definitions conflicts list|show|resolve`: a two-way definition's conflict log, one
 * conflict with both versions, and the resolution of a held (`manual`) one by choosing a side
 * (`--side source|target`) or supplying the merged record (`--record JSON`), as
 * `/api/v1/definitions/{id}/conflicts` does; the next cycle writes it to both sides.
 */
import {
  type ConflictChoice,
  ConflictValues,
  SyncDefinitions,
  type TwoWayConflict,
  TwoWayConflicts
} from "@syncflow/sync-engine"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { ConflictView } from "../api/groups/ConflictsGroup.ts"
import { CliFailure } from "./CliFailure.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))
const definitionArgument = Argument.String("definition").pipe(Argument.withDescription("The definition's id or name"))
const conflictArgument = Argument.String("conflict").pipe(Argument.withDescription("The conflict's id"))

const decodeRecord = Schema.decodeUnknownEffect(Schema.fromJsonString(ConflictValues))

/** The id of the definition `idOrName`, or a `CliFailure` naming it. */
const definitionIdOf = Effect.fnUntraced(function* (idOrName: string) {
  const found = yield* (yield* SyncDefinitions).get(idOrName)
  if (Option.isNone(found)) return yield* new CliFailure({ message: `No sync definition ${JSON.stringify(idOrName)}` })
  return found.value.id
})

/** A conflict as the API shows it (`ConflictView`: times as ISO-8601 strings). */
const view = (conflict: TwoWayConflict) => Schema.encodeSync(ConflictView)(conflict)

const line = (c: ReturnType<typeof view>) =>
  `${c.id.padStart(6)}  ${c.detectedAt}  ${c.status.padEnd(8)} ${c.policy.padEnd(11)} ${c.outcome.padEnd(7)} ` +
  `record ${c.recordKey}${c.sourceId === null ? "" : ` (${c.sourceId})`}  fields ${c.fields.join(", ")}`

const withConflicts = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  withCore(effect.pipe(Effect.provide(TwoWayConflicts.layer)))

const list = Command.make(
  "list",
  {
    definition: definitionArgument,
    status: Flag.Literals("status", ["held", "resolved", "closed"]).pipe(Flag.optional),
    limit: Flag.Int("limit").pipe(Flag.withDefault(50)),
    json
  },
  Effect.fnUntraced(function* (input) {
    const conflicts = yield* withConflicts(
      Effect.gen(function* () {
        const id = yield* definitionIdOf(input.definition)
        return yield* (yield* TwoWayConflicts).list(id, {
          status: Option.getOrUndefined(input.status),
          limit: input.limit
        })
      })
    )
    if (input.json) return yield* Console.log(JSON.stringify(conflicts.map(view)))
    if (conflicts.length === 0) return yield* Console.log("No conflicts")
    for (const conflict of conflicts) yield* Console.log(line(view(conflict)))
  })
).pipe(Command.withDescription("List a two-way definition's conflicts, newest first (--status held: the manual queue)"))

const show = Command.make(
  "show",
  { definition: definitionArgument, conflict: conflictArgument },
  Effect.fnUntraced(function* (input) {
    const conflict = yield* withConflicts(
      Effect.gen(function* () {
        const id = yield* definitionIdOf(input.definition)
        const found = yield* (yield* TwoWayConflicts).get(id, input.conflict)
        if (Option.isNone(found)) return yield* new CliFailure({ message: `No conflict ${input.conflict} of ${id}` })
        return found.value
      })
    )
    yield* Console.log(JSON.stringify(view(conflict), null, 2))
  })
).pipe(Command.withDescription("Show a conflict with both versions"))

const resolve = Command.make(
  "resolve",
  {
    definition: definitionArgument,
    conflict: conflictArgument,
    side: Flag.Literals("side", ["source", "target"]).pipe(
      Flag.withDescription("source: the connector's version; target: the table's"),
      Flag.optional
    ),
    record: Flag.String("record").pipe(Flag.withDescription("The merged record, as JSON"), Flag.optional)
  },
  Effect.fnUntraced(function* (input) {
    const resolved = yield* withConflicts(
      Effect.gen(function* () {
        let choice: ConflictChoice
        if (Option.isSome(input.side) && Option.isNone(input.record)) choice = { side: input.side.value }
        else if (Option.isSome(input.record) && Option.isNone(input.side)) {
          const record = yield* decodeRecord(input.record.value).pipe(
            Effect.mapError(() => new CliFailure({ message: "--record: not a JSON object of field values" }))
          )
          choice = { record }
        } else return yield* new CliFailure({ message: "Give --side or --record (one of them)" })
        const id = yield* definitionIdOf(input.definition)
        return yield* (yield* TwoWayConflicts).resolve(id, input.conflict, choice)
      }).pipe(
        Effect.mapError((error) =>
          error._tag === "CliFailure"
            ? error
            : new CliFailure({
                message: error._tag === "InvalidResolution" ? `${error.field}: ${error.message}` : error.message
              })
        )
      )
    )
    yield* Console.log(`Resolved conflict ${resolved.id} (${resolved.outcome}): the next cycle writes it to both sides`)
  })
).pipe(Command.withDescription("Resolve a held conflict by a side or the merged record"))

/** `syncflow definitions conflicts list|show|resolve`. */
export const definitionConflictsCommand = Command.make("conflicts").pipe(
  Command.withDescription("A two-way definition's conflicts: list, show, resolve"),
  Command.withSubcommands([list, show, resolve])
)
