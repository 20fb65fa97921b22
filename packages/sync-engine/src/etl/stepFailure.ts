/**
 * A row an ETL step refused, as a failed record (stage `etl`): the step's label and the reason in the
 * message, the row's raw, normalized and current data kept.
 */
import { FieldIssue } from "../stages/FieldIssue.ts"
import { type RecordFailure, recordFailure } from "../stages/RecordFailure.ts"
import type { EtlRow } from "./CompiledStep.ts"

/** The failure of `row` at step `label`: `field` is the offending field, `message` why, `value` its value. */
export const stepFailure = (
  label: string,
  row: EtlRow,
  index: number,
  issue: { readonly field: string; readonly message: string; readonly value: unknown }
): RecordFailure =>
  recordFailure(
    "etl",
    [
      new FieldIssue({
        field: issue.field,
        step: "etl",
        reason: "EtlStepFailed",
        message: `${label}: ${issue.message}`,
        value: issue.value
      })
    ],
    { raw: row.raw, normalized: row.normalized, mapped: row.mapped, index }
  )
