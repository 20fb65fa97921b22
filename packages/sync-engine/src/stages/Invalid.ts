/**
 * The value-level failure of a normalizer step: returned in place of a value (never thrown), so
 * the hot path allocates nothing for valid values.
 */
import type { IssueReason } from "./FieldIssue.ts"

/** Why one value could not be turned into its clean form. */
export class Invalid {
  readonly reason: IssueReason
  readonly message: string
  constructor(reason: IssueReason, message: string) {
    this.reason = reason
    this.message = message
  }
}

/** Builds an {@link Invalid}. */
export const invalid = (reason: IssueReason, message: string): Invalid => new Invalid(reason, message)

/** Whether a step's result is an {@link Invalid} rather than a value. */
export const isInvalid = (u: unknown): u is Invalid => u instanceof Invalid

/** Renders a value for an issue message (short, JSON-like). */
export const showValue = (u: unknown): string => {
  if (typeof u === "string") return JSON.stringify(u.length > 80 ? `${u.slice(0, 77)}...` : u)
  if (typeof u === "bigint") return `${u}n`
  if (u === undefined) return "undefined"
  if (u instanceof Date) return `Date(${Number.isNaN(u.getTime()) ? "invalid" : u.toISOString()})`
  try {
    const s = JSON.stringify(u)
    return s === undefined ? String(u) : s.length > 80 ? `${s.slice(0, 77)}...` : s
  } catch {
    return String(u)
  }
}
