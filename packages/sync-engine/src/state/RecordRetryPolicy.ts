/**
 * When a failed record or a pending child is tried again: exponential backoff from the Effect
 * `Clock`, up to a maximum number of attempts.
 */
import { Duration } from "effect"

/** How often and how soon something is retried. */
export interface RecordRetryPolicy {
  /** How many attempts there are at most. */
  readonly maxAttempts: number
  /** The wait before the first attempt. */
  readonly firstDelay: Duration.Duration
  /** The wait after the first attempt; it doubles after each further attempt. */
  readonly retryDelay: Duration.Duration
}

/** Failed records: at most 3 retries, after 60 s, then 120 s, then 240 s. */
export const failedRecordsRetry: RecordRetryPolicy = {
  maxAttempts: 3,
  firstDelay: Duration.seconds(60),
  retryDelay: Duration.seconds(120)
}

/**
 * Pending children: at most 5 attempts, the first at the next sweep, then 60 s, 120 s, 240 s, 480 s
 * apart; a child whose parent is still missing then becomes a failed record.
 */
export const pendingChildrenRetry: RecordRetryPolicy = {
  maxAttempts: 5,
  firstDelay: Duration.zero,
  retryDelay: Duration.seconds(60)
}

/** The wait before attempt number `attempt` (1-based). */
export const delayBeforeAttempt = (policy: RecordRetryPolicy, attempt: number): Duration.Duration =>
  attempt <= 1 ? policy.firstDelay : Duration.times(policy.retryDelay, 2 ** (attempt - 2))
