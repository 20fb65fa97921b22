import { readFileSync } from "node:fs"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { serverVersion } from "../examples/queryEmbedded.ts"

describe("embedded-postgres README", () => {
  it("shows the example file verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("../examples/queryEmbedded.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it.live(
    "its example starts a real PostgreSQL in a fresh directory, queries it, and a second start is warm",
    () =>
      Effect.gen(function* () {
        const dir = yield* Effect.acquireRelease(
          Effect.promise(async () => {
            const dir = await mkdtemp(join(tmpdir(), "syncflow-readme-pg-"))
            // As root PostgreSQL runs as the OS user `postgres`, which must be able to enter it.
            await chmod(dir, 0o755)
            return dir
          }),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
        )
        const first = yield* serverVersion(join(dir, "pg"))
        assert.match(first.version, /^\d+\.\d+/)
        assert.isTrue(first.coldStart)
        const second = yield* serverVersion(join(dir, "pg"))
        assert.isFalse(second.coldStart)
        assert.strictEqual(second.version, first.version)
      }).pipe(Effect.scoped),
    120_000
  )
})
