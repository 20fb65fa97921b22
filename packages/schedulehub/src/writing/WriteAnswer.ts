/**
 * What ScheduleHub answered to one write, as adapter-core's `WriteResult`: the same mapping for a
 * single-record request and for each result of a batch (which carries the status and body the
 * single-record endpoint would have given).
 */
import type { SourceRecord, WriteResult } from "@syncflow/adapter-core"
import { Predicate } from "effect"

/** The fields of an answer body, read leniently: a field of the wrong type counts as absent. */
const text = (body: unknown, field: string): string | undefined =>
  Predicate.hasProperty(body, field) && typeof body[field] === "string" ? body[field] : undefined

const isRecord = (u: unknown): u is SourceRecord => typeof u === "object" && u !== null && !Array.isArray(u)

/** A short description of an answer, for `refused` results. */
const describe = (status: number, body: unknown): string =>
  text(body, "message") ?? text(body, "error") ?? `ScheduleHub answered ${status}`

/**
 * The `WriteResult` of one answer. `op` is the operation answered and `id` the uid it named (for an
 * update or a delete, whose answer may not repeat it).
 *
 * - 201 -> `created`, 200 -> `updated`, 204 (or 200 to a delete) -> `deleted`, each with the `uid`;
 * - 409 `conflict` -> `conflict` with the live record's `uid`; 409 `has_children` -> `refused`;
 * - 404 `parent_missing` -> `parentMissing`; any other 404 to an update or delete -> `notFound`;
 * - 422 -> `invalid` with `field` and `message`; anything else -> `refused` with its status.
 */
export const toWriteResult = (
  op: "create" | "update" | "delete",
  status: number,
  body: unknown,
  id?: string
): WriteResult => {
  const error = text(body, "error")
  const uid = text(body, "uid") ?? id
  if (status >= 200 && status < 300) {
    if (uid === undefined) return { _tag: "refused", status, message: "ScheduleHub's answer names no uid" }
    if (op === "delete") return { _tag: "deleted", id: uid }
    const record = isRecord(body) && Object.keys(body).length > 2 ? body : undefined
    return { _tag: op === "create" ? "created" : "updated", id: uid, ...(record === undefined ? {} : { record }) }
  }
  if (status === 409 && error === "conflict" && text(body, "uid") !== undefined) {
    return { _tag: "conflict", id: text(body, "uid") ?? "" }
  }
  if (status === 404 && error === "parent_missing") {
    return {
      _tag: "parentMissing",
      parentEntity: text(body, "parent") ?? "",
      parentKey: text(body, "erp_key_hash") ?? ""
    }
  }
  if (status === 404 && op !== "create" && (error === "not_found" || error === undefined)) return { _tag: "notFound" }
  if (status === 422) {
    const field = text(body, "field")
    return { _tag: "invalid", ...(field === undefined ? {} : { field }), message: describe(status, body) }
  }
  return { _tag: "refused", status, message: describe(status, body) }
}
