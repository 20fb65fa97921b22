/**
 * A compiled per-field step of a normalizer layer, and how a layer applies its steps to a record.
 */

import { FieldIssue, type IssueStep } from "../FieldIssue.ts"
import { readOwn, writeOwn } from "../Fields.ts"
import { isInvalid } from "../Invalid.ts"
import type { Row } from "../Row.ts"
import { type FieldType, untypedField } from "./FieldType.ts"

/** One layer's transformation of one field's value: the new value, or an `Invalid` (never throws). */
export type Step = (value: unknown) => unknown

/** A layer's result on one record: the transformed record and the fields it rejected (which keep their input value). */
export interface LayerResult {
  readonly record: Row
  readonly issues: ReadonlyArray<FieldIssue>
}

/**
 * Applies a layer to a record: each field's value goes through the step compiled for its type
 * (undeclared fields get the untyped step). With `fillMissing`, the declared fields come first, in
 * manifest order, and those absent from the record are given to the step as `undefined`.
 */
export const applyLayer = (
  step: IssueStep,
  fields: ReadonlyArray<FieldType>,
  compile: (field: FieldType) => Step | undefined,
  options: { readonly fillMissing?: boolean } = {}
): ((record: Row) => LayerResult) => {
  const steps = new Map<string, Step | undefined>(fields.map((field) => [field.name, compile(field)]))
  const untyped = new Map<string, Step | undefined>()
  const stepFor = (name: string): Step | undefined => {
    if (steps.has(name)) return steps.get(name)
    if (!untyped.has(name)) untyped.set(name, compile(untypedField(name)))
    return untyped.get(name)
  }
  return (record) => {
    const out: Record<string, unknown> = {}
    const issues: Array<FieldIssue> = []
    const visit = (name: string, value: unknown) => {
      const f = stepFor(name)
      const result = f === undefined ? value : f(value)
      if (isInvalid(result)) {
        issues.push(new FieldIssue({ field: name, step, reason: result.reason, message: result.message, value }))
        writeOwn(out, name, value)
      } else {
        writeOwn(out, name, result)
      }
    }
    if (options.fillMissing === true) {
      for (const field of fields) visit(field.name, readOwn(record, field.name))
      for (const name of Object.keys(record)) if (!steps.has(name)) visit(name, record[name])
    } else {
      for (const name of Object.keys(record)) visit(name, record[name])
    }
    return { record: out, issues }
  }
}
