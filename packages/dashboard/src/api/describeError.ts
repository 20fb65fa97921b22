/**
 * One line for a person out of whatever a request failed with: the problem's `detail` (RFC 9457)
 * when the server answered one, else what went wrong on the way.
 */
import { Predicate } from "effect"

/** Whether the server refused the admin token (401). */
export const isUnauthorized = (error: unknown): boolean =>
  Predicate.hasProperty(error, "_tag") && error._tag === "Unauthorized"

/** The error as a sentence. */
export const describeError = (error: unknown): string => {
  if (Predicate.hasProperty(error, "detail") && Predicate.isString(error.detail)) return error.detail
  if (Predicate.hasProperty(error, "_tag") && error._tag === "HttpClientError")
    return "The server could not be reached. Is `syncflow serve` running?"
  if (error instanceof Error && error.message !== "") return error.message
  return String(error)
}
