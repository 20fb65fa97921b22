/**
 * Statuses the caller reads as answers rather than failures. A write side gets per-record outcomes
 * as 4xx statuses (404 not found or parent missing, 409 conflict, 422 invalid) whose bodies say
 * what to do next; under this reference `classifyResponse` passes them through unclassified, so
 * the caller can decode them, while every other status still becomes an `AdapterError` (and 429,
 * 5xx and network failures are still retried).
 */
import { Context } from "effect"

/** The statuses `classifyResponse` lets through as answers; none outside a write call. */
export const AnsweredStatuses = Context.Reference<ReadonlyArray<number>>("@syncflow/adapter-core/AnsweredStatuses", {
  defaultValue: () => []
})
