#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=1024
/**
 * The installed `syncflow` binary (`bin` of `@syncflow/server`): checks that this Node is one
 * SyncFlow runs on, then starts `bin.ts`. The check comes first, in a file that imports nothing,
 * so that an older Node prints one clear line instead of a stack trace from a dependency.
 * The first line gives Node SyncFlow's settings of its own (see the sync-engine README's Benchmark,
 * "Peak memory"). `--max-semi-space-size=8`: V8's young generation grows to 128 MB by default
 * (semi-spaces of 64 MB); with 16 MB semi-spaces a sync's peak RSS is about 70 MB lower for no
 * more CPU time, with 8 MB another ~15 MB lower for about the same. `--max-old-space-size=1024`: V8 lets its old generation grow further between
 * full collections the larger its limit is (up to 4 GB by default); a sync keeps well under 100 MB
 * alive, and with a 1 GB limit its peak RSS is ~100 MB lower for ~10 % more CPU time in an initial
 * sync. `pnpm start` and `pnpm bench` run Node with the same settings.
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
