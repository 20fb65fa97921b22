/**
 * The one error of the durable syncs: a sync that could not be started or did not finish, with a
 * message naming why (stored with the workflow's result, so it crosses runners as data).
 */
import { Predicate, Schema } from "effect"

/** A sync that could not be started or did not finish. */
export class SyncWorkflowError extends Schema.TaggedError<SyncWorkflowError>()("SyncWorkflowError", {
  message: Schema.String
}) {
  /** Wraps any failure, keeping its tag and message. */
  static readonly from = (error: unknown): SyncWorkflowError => {
    if (error instanceof SyncWorkflowError) return error
    const tag = Predicate.hasProperty(error, "_tag") && Predicate.isString(error._tag) ? error._tag : "Error"
    const message =
      Predicate.hasProperty(error, "message") && Predicate.isString(error.message) ? error.message : String(error)
    return new SyncWorkflowError({ message: `${tag}: ${message}` })
  }
}
