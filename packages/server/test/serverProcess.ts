/** Helpers for tests that run `syncflow serve` as a real child process. */
import type { ChildProcess } from "node:child_process"

/** Resolves with the server's URL once it logs that it listens; rejects if it exits first. */
export const listening = (child: ChildProcess, output: Array<string>) =>
  new Promise<string>((resolve, reject) => {
    let buffer = ""
    child.stderr?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8")
      output.push(chunk.toString("utf8"))
      const match = /Listening on http:\/\/[^:]+:(\d+)/.exec(buffer)
      if (match !== null) resolve(`http://127.0.0.1:${match[1]}`)
    })
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before listening:\n${buffer}`)))
  })

/** Resolves with the exit code once the process has exited. */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode)
    else child.once("exit", (code) => resolve(code))
  })
