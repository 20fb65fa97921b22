/**
 * Forms generated from an adapter's JSON Schema (`GET /adapters`: `settingsSchema`,
 * `credentialsSchema`): which inputs to show, and the JSON value the inputs make. A schema that is
 * a choice of objects told apart by a one-value `type` (credentials: `serviceJwt` or `bearer`) gives
 * one variant per choice. Secrets (`writeOnly` or `format: "password"`) are password inputs and are
 * never filled back from the server. Nested objects and other shapes are edited as JSON.
 */
import { Predicate, type Schema } from "effect"

/** A JSON value. */
export type Json = typeof Schema.Json.Type

/** A JSON Schema object, as the API publishes it. */
export type JsonSchema = { readonly [key: string]: unknown }

/** How a field is edited. */
export type FieldKind = "text" | "password" | "integer" | "number" | "boolean" | "choice" | "choices" | "json"

/** One input of a generated form. */
export interface FormField {
  /** The property's name in the value. */
  readonly name: string
  readonly kind: FieldKind
  readonly required: boolean
  readonly description: string | undefined
  /** The allowed values of a `choice` or `choices` field. */
  readonly options: ReadonlyArray<string>
  readonly minimum: number | undefined
  readonly maximum: number | undefined
}

/** One shape the value can take: its fields, and the fixed properties that select it (`type`). */
export interface FormVariant {
  /** The selecting value (e.g. `bearer`); `undefined` for a schema of one shape. */
  readonly name: string | undefined
  readonly fixed: Readonly<Record<string, string>>
  readonly fields: ReadonlyArray<FormField>
}

/** What the inputs hold: text, a checkbox, or the ticked options. */
export type FieldInput = string | boolean | ReadonlyArray<string>

/** The inputs of a form, by field name. */
export type FormInputs = Readonly<Record<string, FieldInput>>

const isSchema = (value: unknown): value is JsonSchema => Predicate.isObject(value) && !Array.isArray(value)

const schemasOf = (value: unknown): ReadonlyArray<JsonSchema> => (Array.isArray(value) ? value.filter(isSchema) : [])

const stringsOf = (value: unknown): ReadonlyArray<string> =>
  Array.isArray(value) ? value.filter(Predicate.isString) : []

/** The schema with its `$ref` resolved (against the root's `$defs`) and its `allOf` merged in. */
const resolve = (schema: JsonSchema, root: JsonSchema): JsonSchema => {
  let current = schema
  const ref = current.$ref
  if (Predicate.isString(ref) && ref.startsWith("#/$defs/")) {
    const defs = isSchema(root.$defs) ? root.$defs : {}
    const target = defs[ref.slice("#/$defs/".length)]
    if (isSchema(target))
      current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== "$ref")) }
  }
  for (const part of schemasOf(current.allOf)) current = { ...current, ...resolve(part, root) }
  return current
}

const numberOr = (value: unknown): number | undefined => (Predicate.isNumber(value) ? value : undefined)

/** How a property is edited. */
const fieldOf = (name: string, property: JsonSchema, required: boolean, root: JsonSchema): FormField => {
  const schema = resolve(property, root)
  const base = {
    name,
    required,
    description: Predicate.isString(schema.description) ? schema.description : undefined,
    options: [] as ReadonlyArray<string>,
    minimum: numberOr(schema.minimum) ?? numberOr(schema.exclusiveMinimum),
    maximum: numberOr(schema.maximum)
  }
  const secret = schema.writeOnly === true || schema.format === "password"
  const branches = schemasOf(schema.anyOf).map((branch) => resolve(branch, root))
  const options = stringsOf(schema.enum)
  if (secret) return { ...base, kind: "password" }
  if (options.length > 0) return { ...base, kind: "choice", options }
  switch (schema.type) {
    case "string":
      return { ...base, kind: "text" }
    case "integer":
      return { ...base, kind: "integer" }
    case "number":
      return { ...base, kind: "number" }
    case "boolean":
      return { ...base, kind: "boolean" }
    case "array": {
      const items = isSchema(schema.items) ? resolve(schema.items, root) : {}
      const choices = stringsOf(items.enum)
      return choices.length > 0 ? { ...base, kind: "choices", options: choices } : { ...base, kind: "json" }
    }
  }
  // A number as Effect publishes it: a number, or "Infinity"/"NaN" as text.
  if (branches.some((branch) => branch.type === "number")) return { ...base, kind: "number" }
  return { ...base, kind: "json" }
}

/** The one-value string properties of an object schema (what selects it among others). */
const fixedOf = (schema: JsonSchema, root: JsonSchema): Record<string, string> => {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  const fixed: Record<string, string> = {}
  for (const [name, property] of Object.entries(properties)) {
    if (!isSchema(property)) continue
    const values = stringsOf(resolve(property, root).enum)
    const [only] = values
    if (values.length === 1 && only !== undefined) fixed[name] = only
  }
  return fixed
}

const variantOf = (schema: JsonSchema, root: JsonSchema, selecting: boolean): FormVariant => {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  const required = new Set(stringsOf(schema.required))
  const fixed = selecting ? fixedOf(schema, root) : {}
  const fields = Object.entries(properties).flatMap(([name, property]) =>
    isSchema(property) && !(name in fixed) ? [fieldOf(name, property, required.has(name), root)] : []
  )
  const name = Object.values(fixed)[0]
  return { name: selecting ? name : undefined, fixed, fields }
}

/** The variants of a form for `schema`: one for an object schema, one per choice of an `anyOf`/`oneOf`. */
export const formVariants = (schema: JsonSchema): ReadonlyArray<FormVariant> => {
  const root = schema
  const resolved = resolve(schema, root)
  const choices = [...schemasOf(resolved.anyOf), ...schemasOf(resolved.oneOf)].map((choice) => resolve(choice, root))
  if (choices.length > 0) return choices.map((choice) => variantOf(choice, root, true))
  return [variantOf(resolved, root, false)]
}

/** The inputs of a variant before anything is typed: empty, unticked. */
export const emptyInputs = (variant: FormVariant): FormInputs =>
  Object.fromEntries(
    variant.fields.map((field) => [field.name, field.kind === "boolean" ? false : field.kind === "choices" ? [] : ""])
  )

/** The inputs showing a stored value (settings): every field but secrets, which are never shown back. */
export const inputsOf = (variant: FormVariant, value: unknown): FormInputs => {
  const inputs: Record<string, FieldInput> = { ...emptyInputs(variant) }
  if (!Predicate.isObject(value)) return inputs
  const record: Record<string, unknown> = { ...value }
  for (const field of variant.fields) {
    const stored = record[field.name]
    if (stored === undefined || stored === null || field.kind === "password") continue
    if (field.kind === "boolean") inputs[field.name] = stored === true
    else if (field.kind === "choices") inputs[field.name] = stringsOf(stored)
    else if (field.kind === "json") inputs[field.name] = JSON.stringify(stored, null, 2)
    else inputs[field.name] = String(stored)
  }
  return inputs
}

/** The value the inputs make, or the problems of the inputs by field name. */
export type FormValue =
  | { readonly _tag: "Value"; readonly value: { readonly [name: string]: Json } }
  | { readonly _tag: "Problems"; readonly problems: Readonly<Record<string, string>> }

/**
 * The JSON value of a variant's inputs: numbers parsed, JSON fields parsed, empty optional fields
 * left out, the variant's fixed properties set. Missing required fields, numbers that are not and
 * bad JSON are problems named by field.
 */
export const formValue = (variant: FormVariant, inputs: FormInputs): FormValue => {
  const value: Record<string, Json> = { ...variant.fixed }
  const problems: Record<string, string> = {}
  for (const field of variant.fields) {
    const input = inputs[field.name]
    if (field.kind === "boolean") {
      if (input === true || field.required) value[field.name] = input === true
      continue
    }
    if (field.kind === "choices") {
      const ticked = Array.isArray(input) ? input : []
      if (ticked.length > 0) value[field.name] = ticked
      else if (field.required) problems[field.name] = "choose at least one"
      continue
    }
    const text = typeof input === "string" ? (field.kind === "password" ? input : input.trim()) : ""
    if (text === "") {
      if (field.required) problems[field.name] = "required"
      continue
    }
    if (field.kind === "integer" || field.kind === "number") {
      const parsed = Number(text)
      if (!Number.isFinite(parsed) || (field.kind === "integer" && !Number.isInteger(parsed))) {
        problems[field.name] = field.kind === "integer" ? "expected a whole number" : "expected a number"
      } else if (field.minimum !== undefined && parsed < field.minimum) {
        problems[field.name] = `expected at least ${field.minimum}`
      } else if (field.maximum !== undefined && parsed > field.maximum) {
        problems[field.name] = `expected at most ${field.maximum}`
      } else value[field.name] = parsed
      continue
    }
    if (field.kind === "json") {
      try {
        const parsed: Json = JSON.parse(text)
        value[field.name] = parsed
      } catch {
        problems[field.name] = "expected JSON"
      }
      continue
    }
    value[field.name] = text
  }
  return Object.keys(problems).length > 0 ? { _tag: "Problems", problems } : { _tag: "Value", value }
}

/** A field's label: its name in words (`discoveryTtlSeconds` → "Discovery ttl seconds"). */
export const labelOf = (name: string): string => {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
