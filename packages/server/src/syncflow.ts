#!/usr/bin/env node
/**
 * The installed `syncflow` binary (`bin` of `@syncflow/server`): checks that this Node is one
 * SyncFlow runs on, then starts `bin.ts`. The check comes first, in a file that imports nothing,
 * so that an older Node prints one clear line instead of a stack trace from a dependency.
 */

/** The oldest Node SyncFlow runs on (the `engines` field says the same). */
const required = [22, 19] as const

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
if (major < required[0] || (major === required[0] && minor < required[1])) {
  process.stderr.write(
    `syncflow: needs Node.js >= ${required.join(".")}, but this is ${process.version} (${process.execPath})\n`
  )
  process.exit(1)
}
await import("./bin.ts")
