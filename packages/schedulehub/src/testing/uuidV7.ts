/**
 * UUID version 7 (RFC 9562) for the fake's `uid`s: a 48-bit Unix-millisecond timestamp, a 12-bit
 * counter that keeps uids made in one millisecond in order, and random bits; so uids sort as they
 * were made, as ScheduleHub's export (ordered by `uid`) relies on.
 */
import { randomBytes } from "node:crypto"

/** A generator of increasing UUID v7 strings; `now` is the current time in epoch milliseconds. */
export const makeUuidV7 = (): ((now: number) => string) => {
  let lastMillis = -1
  let counter = 0
  return (now) => {
    let millis = Math.max(Math.floor(now), lastMillis)
    if (millis === lastMillis) {
      counter += 1
      if (counter > 0xfff) {
        millis += 1
        counter = 0
      }
    } else {
      counter = 0
    }
    lastMillis = millis
    const time = millis.toString(16).padStart(12, "0")
    const random = randomBytes(8)
    random[0] = ((random[0] ?? 0) & 0x3f) | 0x80
    const tail = random.toString("hex")
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${counter.toString(16).padStart(3, "0")}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`
  }
}

/** Whether a string is a UUID v7 (lowercase). */
export const isUuidV7 = (value: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value)
