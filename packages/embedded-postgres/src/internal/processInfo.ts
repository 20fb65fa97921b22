/**
 * What the operating system says about a process id: whether it runs, its name and its parent.
 */
import { execFile } from "node:child_process"
import { readFile } from "node:fs/promises"
import { Effect, Option } from "effect"

/** A process as the operating system reports it. */
export interface ProcessInfo {
  readonly pid: number
  readonly parentPid: number
  /** The executable's name, such as `postgres` or `node`. */
  readonly name: string
  /** Exited but not yet reaped by its parent: it holds a pid but no longer runs. */
  readonly zombie: boolean
}

/** Parses `/proc/<pid>/stat`: `pid (comm) state ppid ...`, where comm may hold spaces and parentheses. */
const parseProcStat = (pid: number, stat: string): Option.Option<ProcessInfo> => {
  const open = stat.indexOf("(")
  const close = stat.lastIndexOf(")")
  if (open < 0 || close < open) return Option.none()
  const [state, ppid] = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  const parentPid = Number(ppid)
  if (state === undefined || !Number.isInteger(parentPid)) return Option.none()
  return Option.some({ pid, parentPid, name: stat.slice(open + 1, close), zombie: state === "Z" })
}

/** Parses `ps -o stat=,ppid=,comm= -p <pid>` (for systems without `/proc`, such as macOS). */
const parsePs = (pid: number, output: string): Option.Option<ProcessInfo> => {
  const match = /^\s*(\S+)\s+(\d+)\s+(.+?)\s*$/.exec(output)
  if (match === null) return Option.none()
  const [, state = "", ppid = "", command = ""] = match
  const name = command.split("/").pop() ?? command
  return Option.some({ pid, parentPid: Number(ppid), name, zombie: state.startsWith("Z") })
}

const fromPs = (pid: number): Effect.Effect<Option.Option<ProcessInfo>> =>
  Effect.callback<Option.Option<ProcessInfo>>((resume) => {
    execFile("ps", ["-o", "stat=,ppid=,comm=", "-p", String(pid)], (error, stdout) => {
      resume(Effect.succeed(error === null ? parsePs(pid, stdout) : Option.none()))
    })
  })

/** Whether this system exposes processes under `/proc` (Linux). */
const hasProc: Effect.Effect<boolean> = Effect.promise(() =>
  readFile("/proc/self/stat", "utf8").then(
    () => true,
    () => false
  )
)

/** What the operating system reports about `pid`, or `None` when no such process exists. */
export const inspectProcess = Effect.fnUntraced(function* (pid: number): Effect.fn.Return<Option.Option<ProcessInfo>> {
  if (!(yield* hasProc)) return yield* fromPs(pid)
  return yield* Effect.promise(() =>
    readFile(`/proc/${pid}/stat`, "utf8").then(
      (stat) => parseProcStat(pid, stat),
      () => Option.none<ProcessInfo>()
    )
  )
})

/** Whether `pid` names a process that is running (not exited, not a zombie). */
export const isRunning = (pid: number): Effect.Effect<boolean> =>
  Effect.map(inspectProcess(pid), Option.match({ onNone: () => false, onSome: (info) => !info.zombie }))
