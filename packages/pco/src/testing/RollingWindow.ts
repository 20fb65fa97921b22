/**
 * The fake's rate limiter: a rolling window per principal (a Personal Access Token's app, an OAuth
 * client), counting every request — rejected ones too, so hammering through a 429 keeps the window
 * full. `Retry-After` is the time until enough requests leave the window for the next one to fit.
 */

/** The outcome of counting one request. */
export interface Admission {
  /** The limit that applied. */
  readonly limit: number
  /** Requests in the window, this one included. */
  readonly count: number
  readonly rejected: boolean
  /** Whole seconds until a request would fit (rejections only). */
  readonly retryAfterSeconds: number
}

/** A rolling-window counter of requests per key. */
export interface RollingWindow {
  /** Counts a request of `key` at `now` (ms) against `limit`. */
  readonly hit: (key: string, now: number, limit: number) => Admission
  /** Adds `count` requests at `now` to `key`'s window, as another client of the same user would. */
  readonly consume: (key: string, now: number, count: number) => void
  /** Requests currently in `key`'s window. */
  readonly count: (key: string, now: number) => number
}

/** A rolling window of `periodMillis`. */
export const make = (periodMillis: number): RollingWindow => {
  const windows = new Map<string, Array<number>>()
  const windowOf = (key: string, now: number): Array<number> => {
    let window = windows.get(key)
    if (window === undefined) {
      window = []
      windows.set(key, window)
    }
    let expired = 0
    while (expired < window.length && (window[expired] ?? 0) <= now - periodMillis) expired++
    if (expired > 0) window.splice(0, expired)
    return window
  }
  return {
    hit: (key, now, limit) => {
      const window = windowOf(key, now)
      window.push(now)
      const count = window.length
      if (count <= limit) return { limit, count, rejected: false, retryAfterSeconds: 0 }
      // The next request fits once all but limit - 1 of these have left the window.
      const oldestToExpire = window[count - limit] ?? now
      const waitMillis = oldestToExpire + periodMillis - now
      return { limit, count, rejected: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMillis / 1000)) }
    },
    consume: (key, now, count) => {
      const window = windowOf(key, now)
      for (let i = 0; i < count; i++) window.push(now)
    },
    count: (key, now) => windowOf(key, now).length
  }
}
