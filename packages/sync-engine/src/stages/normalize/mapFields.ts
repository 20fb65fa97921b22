/**
 * Layer 5 of Normalize: field mapping. Each source field may be renamed to its logical name, get
 * named transforms, a default and a required flag (`MapFieldsOptions.fields`, keyed by source name).
 *
 * Rules, per field, in this order:
 * 1. transforms, in the order given, on text values only (other values pass): `trim`, `uppercase`,
 *    `lowercase` (locale-independent), `collapseWhitespace` (every run of white space -> one space);
 * 2. `default`: replaces a null value; a missing field is null (layer 1), so it gets the default too;
 *    `""` is not null and keeps its value;
 * 3. `required`: still null -> a `Required` issue.
 * Fields without a mapping keep their name and value. Undeclared fields (schema drift) are kept
 * (`unknownFields: "keep"`, default) or dropped (`"drop"`).
 */

import { FieldIssue } from "../FieldIssue.ts"
import { readOwn, writeOwn } from "../Fields.ts"
import { invalid, isInvalid } from "../Invalid.ts"
import type { Row } from "../Row.ts"
import type { FieldType } from "./FieldType.ts"
import type { FieldMapping, MapFieldsOptions, Transform } from "./NormalizeOptions.ts"
import type { LayerResult, Step } from "./Step.ts"

const WHITESPACE = /\s+/g

/** Applies one named transform to a text value (other values pass unchanged). */
export const applyTransform = (value: unknown, transform: Transform): unknown => {
  if (typeof value !== "string") return value
  switch (transform) {
    case "trim":
      return value.trim()
    case "uppercase":
      return value.toUpperCase()
    case "lowercase":
      return value.toLowerCase()
    case "collapseWhitespace":
      return value.replace(WHITESPACE, " ")
  }
}

/** Compiles layer 5's value part for one field (transforms, default, required); `undefined` when there is nothing to do. */
export const mapFieldStep = (mapping: FieldMapping | undefined): Step | undefined => {
  if (mapping === undefined) return undefined
  const transforms = mapping.transforms ?? []
  const hasDefault = mapping.default !== undefined
  const fallback = mapping.default
  const required = mapping.required ?? false
  if (transforms.length === 0 && !hasDefault && !required) return undefined
  return (v) => {
    let out = v
    for (const t of transforms) out = applyTransform(out, t)
    if (out == null) {
      if (hasDefault) return fallback
      if (required) return invalid("Required", "is required but null or missing")
      return null
    }
    return out
  }
}

/** One output field of layer 5: where it comes from and what it is called. */
export interface MappedField {
  /** The source field name. */
  readonly source: string
  /** The logical name after the rename. */
  readonly name: string
  readonly type: FieldType | undefined
  readonly mapping: FieldMapping | undefined
}

/**
 * The output fields of layer 5, in order: declared fields (manifest order), then mapped fields the
 * manifest does not declare. Fails with a message when two fields would get the same name.
 */
export const mappedFields = (
  fields: ReadonlyArray<FieldType>,
  options: MapFieldsOptions = {}
): ReadonlyArray<MappedField> | string => {
  const mappings = options.fields ?? {}
  const mappingOf = (name: string) => (Object.hasOwn(mappings, name) ? mappings[name] : undefined)
  const out: Array<MappedField> = fields.map((type) => ({
    source: type.name,
    name: mappingOf(type.name)?.to ?? type.name,
    type,
    mapping: mappingOf(type.name)
  }))
  const declared = new Set(fields.map((f) => f.name))
  for (const [source, mapping] of Object.entries(mappings)) {
    if (!declared.has(source)) out.push({ source, name: mapping.to ?? source, type: undefined, mapping })
  }
  const seen = new Map<string, string>()
  for (const f of out) {
    const other = seen.get(f.name)
    if (other !== undefined)
      return `fields ${JSON.stringify(other)} and ${JSON.stringify(f.source)} both map to ${JSON.stringify(f.name)}`
    seen.set(f.name, f.source)
  }
  return out
}

/**
 * Layer 5 on a record (keys are source names, output keys are logical names). Throws a `RangeError`
 * when two fields map to one name (check the options with `mappedFields` first).
 */
export const mapFields = (
  fields: ReadonlyArray<FieldType>,
  options: MapFieldsOptions = {}
): ((record: Row) => LayerResult) => {
  const plan = mappedFields(fields, options)
  if (typeof plan === "string") throw new RangeError(plan)
  const steps = plan.map((f) => [f, mapFieldStep(f.mapping)] as const)
  const known = new Set(plan.map((f) => f.source))
  const names = new Set(plan.map((f) => f.name))
  const keepUnknown = (options.unknownFields ?? "keep") === "keep"
  return (record) => {
    const out: Record<string, unknown> = {}
    const issues: Array<FieldIssue> = []
    for (const [f, step] of steps) {
      const value = readOwn(record, f.source) ?? null
      const result = step === undefined ? value : step(value)
      if (isInvalid(result)) {
        issues.push(
          new FieldIssue({ field: f.source, step: "mapFields", reason: result.reason, message: result.message, value })
        )
        writeOwn(out, f.name, value)
      } else if (result !== null || f.type !== undefined || Object.hasOwn(record, f.source)) {
        writeOwn(out, f.name, result)
      }
    }
    if (keepUnknown) {
      for (const key of Object.keys(record)) if (!known.has(key) && !names.has(key)) writeOwn(out, key, record[key])
    }
    return { record: out, issues }
  }
}
