/**
 * A convention of every package's sources: an event's fields go in log annotations
 * (`Effect.logInfo("sync finished").pipe(Effect.annotateLogs({ ... }))`), never as a second
 * argument, which puts them inside the message (`message: ["sync finished", { ... }]`) where log
 * pipelines and OTLP attributes cannot index them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"

const packagesDir = new URL("../../", import.meta.url).pathname

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

/** `Effect.logX("message", {` (a literal message, then an object of fields), across lines. */
const fieldsInMessage =
  /Effect\.log(?:Info|Debug|Warning|Error|Fatal|Trace)?\(\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)\s*,\s*\{/g

describe("log events", () => {
  it("carry their fields as annotations, not in the message", () => {
    const offenders: Array<string> = []
    for (const pkg of readdirSync(packagesDir)) {
      let files: Array<string> = []
      try {
        files = sources(join(packagesDir, pkg, "src"))
      } catch {
        continue
      }
      for (const file of files) {
        const text = readFileSync(file, "utf8")
        for (const match of text.matchAll(fieldsInMessage)) {
          const line = text.slice(0, match.index).split("\n").length
          offenders.push(`${file.slice(packagesDir.length)}:${line}`)
        }
      }
    }
    assert.deepStrictEqual(offenders, [])
  })
})
