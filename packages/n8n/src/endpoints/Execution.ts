/**
 * n8n's execution, as its public API (`/api/v1/executions`) reads it: which workflow ran, how it
 * was started (`mode`), its `status` and its times, and with `includeData` its run data.
 */
import { Schema, SchemaTransformation } from "effect"

/** The status of an execution. */
export const ExecutionStatus = Schema.Literals([
  "canceled",
  "crashed",
  "error",
  "new",
  "running",
  "success",
  "unknown",
  "waiting"
])

/** The status of an execution. */
export type ExecutionStatus = typeof ExecutionStatus.Type

/** The statuses `GET /api/v1/executions?status=` filters by. */
export const ExecutionStatusFilter = Schema.Literals(["canceled", "error", "running", "success", "waiting"])

/** The statuses the list filters by. */
export type ExecutionStatusFilter = typeof ExecutionStatusFilter.Type

/** An id n8n may send as a number (older versions) or a string: always a string here. */
const IdText = Schema.Union([
  Schema.String,
  Schema.Number.pipe(
    Schema.decodeTo(
      Schema.String,
      SchemaTransformation.transform({
        decode: (id: number) => String(id),
        encode: (id: string) => Number(id)
      })
    )
  )
])

/** One execution. */
export const Execution = Schema.StructWithRest(
  Schema.Struct({
    id: IdText,
    workflowId: IdText,
    finished: Schema.Boolean,
    mode: Schema.String,
    status: ExecutionStatus,
    startedAt: Schema.String,
    stoppedAt: Schema.optionalKey(Schema.NullOr(Schema.String)),
    retryOf: Schema.optionalKey(Schema.NullOr(IdText)),
    retrySuccessId: Schema.optionalKey(Schema.NullOr(IdText)),
    waitTill: Schema.optionalKey(Schema.NullOr(Schema.String)),
    data: Schema.optionalKey(Schema.Unknown)
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/** One execution. */
export type Execution = typeof Execution.Type

/** One page of `GET /api/v1/executions`. */
export const ExecutionPage = Schema.Struct({
  data: Schema.Array(Execution),
  nextCursor: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** One page of executions. */
export type ExecutionPage = typeof ExecutionPage.Type
