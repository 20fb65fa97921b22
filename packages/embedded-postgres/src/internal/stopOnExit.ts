/**
 * The last resort for servers still running when this process exits without stopping them (an
 * explicit `process.exit`, an uncaught error): on `exit`, each gets SIGINT (a fast shutdown, which it
 * completes on its own) and its lock and server files are removed. A process killed outright leaves an orphan,
 * which the next start on the data directory stops.
 */
import { rmSync } from "node:fs"

/** Running servers: postmaster pid to the files to remove (lock file, server file). */
const running = new Map<number, ReadonlyArray<string>>()

let installed = false

const onExit = (): void => {
  for (const [pid, files] of running) {
    try {
      process.kill(pid, "SIGINT")
    } catch {
      // already gone
    }
    for (const file of files) rmSync(file, { force: true })
  }
  running.clear()
}

/** Stops the server `pid` (and removes `files`) when this process exits, unless {@link forget} is called first. */
export const stopOnExit = (pid: number, files: ReadonlyArray<string>): void => {
  if (!installed) {
    installed = true
    process.once("exit", onExit)
  }
  running.set(pid, files)
}

/** The server `pid` was stopped: nothing to do for it on exit. */
export const forget = (pid: number): void => {
  running.delete(pid)
}
