/**
 * Reads a `Retry-After` header: either delay-seconds or an HTTP date.
 */

/** The delay a `Retry-After` value asks for, in milliseconds, or `undefined` when absent or unreadable. */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === "") return undefined
  if (/^[+-]?\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Math.round(Number(trimmed) * 1000))
  // Otherwise it must be an HTTP date, which always names a weekday or month.
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMillis)
}
