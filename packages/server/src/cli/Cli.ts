/**
 * The `syncflow` command line: `serve`, `connectors add|list|show|update|test|remove|move-tables`,
 * `sources check`, `discover`, `entities list|show|enable|disable|set`, `sync`, `runs [show|cancel]`,
 * `failed list|retry|discard`, `orphans list|policy`, `alerts`, `version` (and `--version`, `--help`
 * on every command).
 * Sync definitions: `definitions list|show|create|update|delete|run`. n8n: `workflows
 * list|create|activate|execute|executions`.
 */
import { Effect } from "effect"
import { Command } from "effect/cli"
import { describeBuild } from "../describeBuild.ts"
import { alertsCommand } from "./alertsCommand.ts"
import { connectorsCommand } from "./connectorsCommand.ts"
import { definitionsCommand } from "./definitionsCommand.ts"
import { entitiesCommand } from "./entitiesCommand.ts"
import { orphansCommand } from "./orphansCommand.ts"
import { discoverCommand, failedCommand, runsCommand, serveCommand, versionCommand } from "./otherCommands.ts"
import { syncflow } from "./Root.ts"
import { runsCancelCommand, runsShowCommand } from "./runsCommand.ts"
import { sourcesCommand } from "./sourcesCommand.ts"
import { syncCommand } from "./syncCommand.ts"
import { workflowsCommand } from "./workflowsCommand.ts"

/** The whole command tree. */
export const command = syncflow.pipe(
  Command.withSubcommands([
    serveCommand,
    connectorsCommand,
    sourcesCommand,
    discoverCommand,
    entitiesCommand,
    definitionsCommand,
    workflowsCommand,
    syncCommand,
    runsCommand.pipe(Command.withSubcommands([runsShowCommand, runsCancelCommand])),
    failedCommand,
    orphansCommand,
    alertsCommand,
    versionCommand
  ])
)

/** Runs the command line (arguments from the process). */
export const run = Effect.gen(function* () {
  const { version } = yield* describeBuild
  return yield* Command.run(command, { version })
})
