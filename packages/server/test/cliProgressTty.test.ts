/**
 * `syncflow sync` on a terminal, as a user sees it: the CLI runs under a pseudo-terminal (`script`
 * from util-linux, or the BSD one on macOS) with its log lines on, so stderr and stdout are the same
 * terminal. The bars are redrawn in place, and the log lines are printed above them, never into a
 * bar: on the final screen every log line is whole and each entity's outcome shows once.
 */
import { execFile } from "node:child_process"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect } from "effect"
import { addErpConnector } from "./cliConnector.ts"
import { bin, cliEnv, ok, spawningTimeout } from "./cliProcess.ts"

const esc = String.fromCharCode(27)
const clearBelow = `\r${esc}[J`

/** What the terminal shows at the end: cursor-up, clear-below, carriage returns and newlines applied. */
const screen = (text: string): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let row = 0
  let i = 0
  while (i < text.length) {
    if (text.startsWith(clearBelow, i)) {
      lines.length = row
      i += clearBelow.length
    } else if (text.startsWith(`${esc}[`, i)) {
      const end = text.indexOf("A", i)
      row = Math.max(0, row - Number(text.slice(i + 2, end)))
      i = end + 1
    } else if (text[i] === "\n") {
      row++
      i++
    } else {
      if (text[i] !== "\r") lines[row] = (lines[row] ?? "") + text[i]
      i++
    }
  }
  return lines.slice(0, row)
}

/** Runs `syncflow <args>` under a pseudo-terminal 120 columns wide; everything it wrote to it. */
const onTerminal = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  Effect.promise(
    () =>
      new Promise<{ readonly code: number; readonly output: string }>((resolve) => {
        const command = [process.execPath, bin, ...args].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ")
        const shell = `stty cols 120 2>/dev/null; exec ${command}`
        const [file, scriptArgs] =
          process.platform === "darwin"
            ? ["script", ["-q", "/dev/null", "sh", "-c", shell]]
            : ["script", ["-qec", shell, "/dev/null"]]
        execFile(file, scriptArgs, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: stdout })
        )
      })
  )

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow sync on a terminal", (it) => {
  it.effect(
    "draws a bar per entity in place, log lines above the bars, never inside them",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 24, rows: { items: 300, customers: 20, orders: 20 } })
        const env = { ...(yield* cliEnv), SYNCFLOW_LOG_FORMAT: "pretty" }
        ok(yield* addErpConnector(env, fake, "erp"))
        const { code, output } = yield* onTerminal(["sync", "erp", "items", "customers"], env)
        assert.strictEqual(code, 0, output)
        assert.include(output, clearBelow, "redrawn in place")
        const shown = screen(output)
        // Log lines (logfmt) are whole lines of their own.
        const logs = shown.filter((line) => line.includes("level="))
        assert.isNotEmpty(logs)
        for (const line of logs) assert.match(line, /^timestamp=\S+ level=\w+ fiber=/, line)
        // Each entity's outcome shows once as its bar, then once in stdout's result.
        for (const [entity, rows] of [
          ["items", 300],
          ["customers", 20]
        ] as const) {
          const bars = shown.filter((line) => new RegExp(`^${entity}\\s+succeeded\\s+fetched ${rows}\\s`).test(line))
          assert.strictEqual(bars.length, 1, `${entity}:\n${shown.join("\n")}`)
          assert.isTrue(
            shown.some((line) => new RegExp(`^${entity}\\s+fetched ${rows}\\s+inserted ${rows}`).test(line))
          )
        }
        // Never "0 rows" before an entity is known: the first thing an entity shows is that it started.
        assert.notMatch(output, /(?:\[J|\n)[a-z_]+\s+0 rows\s/)
      }).pipe(Effect.scoped),
    spawningTimeout * 2
  )
})
