import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"

describe("syncflow binary", () => {
  it("reports its version, the Node it runs on, and every package of the build", () => {
    const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))
    const output = execFileSync(process.execPath, [bin], { encoding: "utf8" })
    assert.match(output, /^SyncFlow \d+\.\d+\.\d+ on Node (\d+)\./)
    const major = Number(/on Node (\d+)\./.exec(output)?.[1])
    assert.isAtLeast(major, 22)
    for (const name of ["adapter-core", "pco", "apismith", "sync-engine", "server"]) {
      assert.include(output, `@syncflow/${name}`)
    }
  })
})
