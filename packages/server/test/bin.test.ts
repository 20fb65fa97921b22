import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { bin } from "./cliProcess.ts"

describe("syncflow binary", () => {
  it("`version` reports its version, the Node it runs on, and every package of the build", () => {
    const output = execFileSync(process.execPath, [bin, "version"], { encoding: "utf8" })
    assert.match(output, /^SyncFlow \d+\.\d+\.\d+ on Node (\d+)\./)
    const major = Number(/on Node (\d+)\./.exec(output)?.[1])
    assert.isAtLeast(major, 22)
    for (const name of ["adapter-core", "pco", "apismith", "schedulehub", "sync-engine", "server"]) {
      assert.include(output, `@syncflow/${name}`)
    }
  })

  it("`--version` prints the version and `--help` lists every command", () => {
    assert.match(execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }), /^syncflow v\d+\.\d+\.\d+$/m)
    const help = execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })
    for (const command of ["serve", "connectors", "discover", "definitions", "sync", "runs", "failed", "version"]) {
      assert.match(help, new RegExp(`^\\s+${command}\\s`, "m"), command)
    }
  })
})
