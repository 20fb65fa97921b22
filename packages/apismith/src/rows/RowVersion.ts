/**
 * Row versions as APISmith sends them: IFS `OBJVERSION` / EBS `LAST_UPDATE_DATE` rendered as
 * `YYYYMMDDHH24MISS` (UTC, one-second resolution). They compare as strings; several rows often
 * share one, which is why an incremental listing re-reads the boundary second.
 */
import { Schema } from "effect"

/** A row version: fourteen digits, `YYYYMMDDHH24MISS`. */
export const RowVersion = Schema.String.check(
  Schema.isPattern(/^\d{14}$/, { message: "expected a row version YYYYMMDDHH24MISS (14 digits)" })
)

/** A row version: fourteen digits, `YYYYMMDDHH24MISS`. */
export type RowVersion = typeof RowVersion.Type

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** The row version of an instant given in epoch seconds (UTC). */
export const fromEpochSeconds = (seconds: number): string => {
  const date = new Date(seconds * 1000)
  return (
    String(date.getUTCFullYear()).padStart(4, "0") +
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds())
  )
}

/** The instant of a row version in epoch seconds (UTC), or `undefined` when it is not a valid date and time. */
export const toEpochSeconds = (version: string): number | undefined => {
  if (!/^\d{14}$/.test(version)) return undefined
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(version.slice(at, at + (i === 0 ? 4 : 2))))
  if (
    y === undefined ||
    mo === undefined ||
    d === undefined ||
    h === undefined ||
    mi === undefined ||
    s === undefined
  ) {
    return undefined
  }
  const millis = Date.UTC(y, mo - 1, d, h, mi, s)
  return fromEpochSeconds(millis / 1000) === version ? millis / 1000 : undefined
}

/**
 * The row version one second before `version`. Asking for `rowversion_gt = previous(v)` lists the
 * rows at `v` and after: the boundary second is read again, so rows that share the last version
 * seen (committed in the same second after an earlier listing) are not skipped.
 */
export const previous = (version: string): string | undefined => {
  const seconds = toEpochSeconds(version)
  return seconds === undefined ? undefined : fromEpochSeconds(seconds - 1)
}
