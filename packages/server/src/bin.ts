/**
 * The `syncflow` entry point. For now it reports the version and the packages of this build;
 * `serve` and the CLI commands arrive with the server issue.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { describeBuild } from "./describeBuild.ts"

const main = Effect.gen(function* () {
  const build = yield* describeBuild
  yield* Console.log(`SyncFlow ${build.version} on Node ${process.versions.node}`)
  for (const pkg of build.packages) yield* Console.log(`  ${pkg.name.padEnd(24)} ${pkg.version}  ${pkg.description}`)
})

NodeRuntime.runMain(main)
