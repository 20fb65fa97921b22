/**
 * The value of an incremental listing's query parameter: the cursor value the engine saved, written
 * as the document's `format` says (ISO 8601, a date, Unix seconds or milliseconds, or as stored).
 */
import type { IncrementalSpec } from "../document/StreamSpec.ts"

/** The parameter value for `since`, or a message saying why it cannot be written in that format. */
export const sinceValue = (
  incremental: typeof IncrementalSpec.Type,
  since: string
): { readonly value: string } | { readonly error: string } => {
  const format = incremental.format ?? "raw"
  if (format === "raw") return { value: since }
  const numeric = /^-?\d+(\.\d+)?$/.test(since.trim()) ? Number(since) : undefined
  // A numeric cursor is taken as Unix seconds when it is small enough to be, else milliseconds.
  const millis = numeric !== undefined ? (Math.abs(numeric) < 1e11 ? numeric * 1000 : numeric) : Date.parse(since)
  if (!Number.isFinite(millis)) {
    return {
      error: `the cursor value ${JSON.stringify(since)} of ${incremental.cursorField} is not a date-time or a number`
    }
  }
  const date = new Date(millis)
  switch (format) {
    case "iso8601":
      return { value: date.toISOString().replace(/\.000Z$/, "Z") }
    case "date":
      return { value: date.toISOString().slice(0, 10) }
    case "unix-seconds":
      return { value: String(Math.floor(millis / 1000)) }
    case "unix-millis":
      return { value: String(Math.floor(millis)) }
  }
}
