/**
 * What the state stores' operation groups share: the error wrapper, the clock, and the array
 * parameters and batching of their statements.
 */
import { PgTypes } from "@effect/sql-pg"
import { Clock, Effect } from "effect"
import { StateStoreError } from "./StateStoreError.ts"

/** Wraps database, decoding and unsealing failures of `operation` as a `StateStoreError`. */
export const storeError =
  (operation: string) =>
  <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.mapError(effect, (cause) => new StateStoreError({ operation, message: cause.message, cause }))

/** The current time from the Effect `Clock` (so tests control it with `TestClock`). */
export const now = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))

/** Splits `items` into batches of at most `size`. */
export const batches = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size))
  return out
}

/** A PostgreSQL `text[]` parameter. */
export const textArray = (values: ReadonlyArray<string | null>) =>
  Effect.fromResult(PgTypes.array(values, PgTypes.OID.text)).pipe(Effect.orDie)

/** A PostgreSQL `uuid[]` parameter. */
export const uuidArray = (values: ReadonlyArray<string | null>) =>
  Effect.fromResult(PgTypes.array(values, PgTypes.OID.uuid)).pipe(Effect.orDie)

/** The number a limit option stands for, clamped to [1, 10000]. */
export const limitOf = (limit: number | undefined, fallback: number): number =>
  Math.min(10_000, Math.max(1, Math.floor(limit ?? fallback)))

/** Rows per statement of a batch option (default 1,000, at least 1). */
export const batchSizeOf = (batchSize: number | undefined): number => Math.max(1, Math.floor(batchSize ?? 1000))
