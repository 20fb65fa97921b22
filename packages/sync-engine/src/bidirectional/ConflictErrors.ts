/** The failures of the conflict queue's operations: no such conflict, one not held, a bad resolution. */
import { Schema } from "effect"

/** No conflict of this definition has this id. */
export class ConflictNotFound extends Schema.TaggedError<ConflictNotFound>()("ConflictNotFound", {
  definitionId: Schema.String,
  id: Schema.String
}) {
  override get message(): string {
    return `Sync definition ${JSON.stringify(this.definitionId)} has no conflict ${this.id}`
  }
}

/** The conflict is not held (already resolved, or resolved by its policy): it cannot be resolved again. */
export class ConflictNotHeld extends Schema.TaggedError<ConflictNotHeld>()("ConflictNotHeld", {
  id: Schema.String,
  status: Schema.String
}) {
  override get message(): string {
    return `Conflict ${this.id} is ${this.status}, not held: only held conflicts are resolved`
  }
}

/** A resolution that cannot apply: `field` names the offending part (e.g. `record.first_name`). */
export class InvalidResolution extends Schema.TaggedError<InvalidResolution>()("InvalidResolution", {
  field: Schema.String,
  message: Schema.String
}) {}
