/**
 * The last lines of a process's output, kept to explain a failure.
 */

/** A bounded buffer of the last complete lines written to it. */
export interface LogTail {
  /** Adds a chunk of output; it may hold several lines or part of one. */
  readonly write: (chunk: string) => void
  /** The kept lines, oldest first, including a trailing partial line. */
  readonly lines: () => ReadonlyArray<string>
}

/** Makes a {@link LogTail} that keeps the last `max` lines and passes each complete line to `onLine`. */
export const makeLogTail = (max: number, onLine?: (line: string) => void): LogTail => {
  const kept: Array<string> = []
  let partial = ""
  const keep = (line: string) => {
    if (line.trim() === "") return
    kept.push(line)
    if (kept.length > max) kept.shift()
    onLine?.(line)
  }
  return {
    write: (chunk) => {
      const parts = (partial + chunk).split(/\r?\n/)
      partial = parts.pop() ?? ""
      for (const line of parts) keep(line)
    },
    lines: () => (partial.trim() === "" ? [...kept] : [...kept, partial])
  }
}
