/**
 * A stage configuration that cannot work (unknown time zone, two fields mapped to one name, ...),
 * reported when the stage is built, never while rows flow.
 */
import { Schema } from "effect"

/** A stage configuration that cannot work, found when the stage is built. */
export class StageConfigError extends Schema.TaggedError<StageConfigError>()("StageConfigError", {
  stage: Schema.String,
  message: Schema.String
}) {}
