/**
 * Stage failures as rows of the failed-records table.
 */
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { NewFailedRecord } from "../state/FailedRecord.ts"
import type { FailureKey } from "./failureKey.ts"

/** The failed-record rows of a window's stage failures, keyed by business-key hash when `keyOf` finds one. */
export const toFailedRecords = (
  failures: ReadonlyArray<RecordFailure>,
  context: {
    readonly connectorId: string
    readonly entity: string
    readonly runId: string
    /** The sync definition the records are of; absent for the entity's default sync. */
    readonly definitionId?: string | undefined
  },
  keyOf?: FailureKey
): Array<NewFailedRecord> =>
  failures.map((failure) => ({
    businessKey: keyOf?.(failure) ?? null,
    connectorId: context.connectorId,
    entity: context.entity,
    ...(context.definitionId === undefined ? {} : { definitionId: context.definitionId }),
    runId: context.runId,
    stage: failure.stage,
    errorType: failure.errorType,
    message: failure.message,
    raw: failure.raw,
    ...(failure.normalized === undefined ? {} : { normalized: failure.normalized }),
    ...(failure.mapped === undefined ? {} : { mapped: failure.mapped })
  }))

/** The business-key hashes of failed-record rows that have one. */
export const failedKeys = (records: ReadonlyArray<NewFailedRecord>): Array<string> =>
  records.flatMap((record) => (record.businessKey == null ? [] : [record.businessKey]))
