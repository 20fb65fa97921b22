/**
 * A step that cannot run (its other table is missing, a read failed): the run fails with it, naming
 * the step, and nothing of the window is written.
 */
import { Schema } from "effect"

/** A step that cannot run. */
export class EtlRunError extends Schema.TaggedError<EtlRunError>()("EtlRunError", {
  step: Schema.String,
  message: Schema.String
}) {}

/**
 * The path of the definition field an `EtlRunError` is about: `pipeline[i]` and, when the message
 * starts with one, the step's field (`pipeline[2].on.field`); and the message without it.
 */
export const errorField = (error: EtlRunError): { readonly field: string; readonly message: string } => {
  const index = /^pipeline\[(\d+)\]/.exec(error.step)
  const base = index === null ? "pipeline" : `pipeline[${index[1]}]`
  const path = /^([A-Za-z_][\w.[\]]*): (.*)$/s.exec(error.message)
  return path === null
    ? { field: base, message: `${error.step}: ${error.message}` }
    : { field: `${base}.${path[1]}`, message: `${error.step}: ${path[2]}` }
}
