/**
 * `syncflow orphans list|policy`: an entity's kept orphans (live rows written while a parent they
 * name was missing, flagged `_parent_missing`), and what the entity does with such rows (`keep`,
 * the default, or `park`).
 */
import { ManifestStore, OrphanPolicy, SyncEngine } from "@syncflow/sync-engine"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { CliFailure } from "./CliFailure.ts"
import { withCore } from "./Root.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON"), Flag.withDefault(false))

const orphansList = Command.make(
  "list",
  {
    connector: Argument.String("connector"),
    entity: Argument.String("entity"),
    limit: Flag.Int("limit").pipe(Flag.withDefault(100)),
    json
  },
  Effect.fnUntraced(function* (input) {
    const orphans = yield* withCore(
      Effect.flatMap(SyncEngine, (engine) => engine.listOrphans(input.connector, input.entity, { limit: input.limit }))
    )
    if (input.json) return yield* Console.log(JSON.stringify(orphans))
    if (orphans.length === 0) return yield* Console.log(`No orphans in ${input.connector}/${input.entity}`)
    for (const orphan of orphans) yield* Console.log(`${orphan.bkHash}  ${JSON.stringify(orphan.row)}`)
  })
).pipe(Command.withDescription("List an entity's rows whose parent is missing (kept and flagged _parent_missing)"))

const orphansPolicy = Command.make(
  "policy",
  {
    connector: Argument.String("connector"),
    entity: Argument.String("entity"),
    policy: Argument.Literals("policy", OrphanPolicy.literals)
  },
  Effect.fnUntraced(function* (input) {
    const updated = yield* withCore(
      Effect.flatMap(ManifestStore, (manifestStore) =>
        manifestStore.updateEntitySettings(input.connector, input.entity, { orphans: input.policy })
      )
    )
    if (Option.isNone(updated)) {
      return yield* new CliFailure({ message: `Connector ${input.connector} has no discovered entity ${input.entity}` })
    }
    yield* Console.log(`${input.connector}/${input.entity}: orphans ${updated.value.settings.orphans}`)
  })
).pipe(
  Command.withDescription(
    "Set what an entity does with rows whose parent is missing: keep (write and flag them) or park (wait for the parent)"
  )
)

/** `syncflow orphans list|policy`. */
export const orphansCommand = Command.make("orphans").pipe(
  Command.withDescription("Rows whose parent is missing: list them, choose keep or park"),
  Command.withSubcommands([orphansList, orphansPolicy])
)
