/**
 * How Planning Center's answers to a write become adapter-core `WriteResult`s: a 404 is `notFound`
 * (or, for a create under a person, `parentMissing`), a 422 is `invalid` naming the attribute from
 * the JSON:API error's `source.pointer`, another 4xx refusal of the record is `refused`; transport
 * trouble (401, 403, 429 and 5xx after retries, timeouts) stays an `AdapterError`.
 */
import { type AdapterError, firstIssue, type SourceRecord, type WriteResult } from "@syncflow/adapter-core"
import { Effect, Result, Schema } from "effect"

/** The person a created child record belongs to, for `parentMissing`. */
export interface ParentRef {
  readonly entity: string
  readonly key: string
}

const POINTER = /"pointer"\s*:\s*"\/data\/attributes\/([^"]+)"/
const DETAIL = /"detail"\s*:\s*"((?:[^"\\]|\\.)*)"/

/** The attribute and detail of a JSON:API error body (read from its start, which may be cut). */
const errorOf = (sample: string): { readonly field?: string; readonly message: string } => {
  const field = POINTER.exec(sample)?.[1]
  const detail = DETAIL.exec(sample)?.[1]
  return { ...(field === undefined ? {} : { field }), message: detail ?? sample }
}

/** Turns the refusals of one record into results; other failures stay failures. */
export const outcomeOf =
  (parent?: ParentRef) =>
  (error: AdapterError): Effect.Effect<WriteResult, AdapterError> => {
    switch (error._tag) {
      case "NotFound":
        return Effect.succeed(
          parent === undefined
            ? { _tag: "notFound" }
            : { _tag: "parentMissing", parentEntity: parent.entity, parentKey: parent.key }
        )
      case "RequestRejected": {
        if (error.status === 422) return Effect.succeed({ _tag: "invalid", ...errorOf(error.sample) })
        return Effect.succeed({ _tag: "refused", status: error.status, message: errorOf(error.sample).message })
      }
      default:
        return Effect.fail(error)
    }
  }

/**
 * The writable attributes of a record, decoded by the endpoint's attribute schema: only the
 * schema's fields are taken (the record's `id`, timestamps and relationship ids are not attributes),
 * and a value that does not fit is an `invalid` result naming the field, before any request.
 */
export const attributesOf = <A>(
  schema: Schema.Codec<A, Readonly<Record<string, unknown>>, never, never> & { readonly fields: Schema.Struct.Fields },
  record: SourceRecord
): Result.Result<A, WriteResult> => {
  const picked: Record<string, unknown> = {}
  for (const name of Object.keys(schema.fields)) if (record[name] !== undefined) picked[name] = record[name]
  const decoded = Schema.decodeUnknownResult(schema)(picked)
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success)
  const { path, message } = firstIssue(decoded.failure.issue)
  return Result.fail({ _tag: "invalid", ...(path === "" ? {} : { field: path }), message })
}
