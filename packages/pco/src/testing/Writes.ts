/**
 * What the fake accepts in a write (`POST` / `PATCH` with `{ data: { type, attributes } }`): the
 * attributes each type lets a client set, the ones a create requires, the values each accepts (a
 * gender from the list, a grade from -1 to 12, a `YYYY-MM-DD` birthdate, an e-mail address with an
 * `@`, ...), the defaults a created record gets, and Planning Center's 422 body for a missing or
 * invalid attribute.
 */
import { Schema } from "effect"
import type { FakeType } from "./ResourceTypes.ts"

/** A write body as the fake reads it (loosely: attributes are checked per type afterwards). */
export const WriteBody = Schema.Struct({
  data: Schema.Struct({
    type: Schema.optionalKey(Schema.String),
    id: Schema.optionalKey(Schema.String),
    attributes: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
  })
})

/** Decodes a write body from JSON text. */
export const decodeWriteBody = Schema.decodeUnknownOption(Schema.fromJsonString(WriteBody))

interface WriteSpec {
  /** Attributes a client may set. */
  readonly writable: ReadonlyArray<string>
  /** Attributes a create must have. */
  readonly required: ReadonlyArray<string>
  /** What a created record has unless the client said otherwise. */
  readonly defaults: Readonly<Record<string, unknown>>
}

/** The writable types. */
export const writeSpecs: Partial<Record<FakeType, WriteSpec>> = {
  Person: {
    writable: [
      "first_name",
      "last_name",
      "given_name",
      "middle_name",
      "nickname",
      "birthdate",
      "anniversary",
      "gender",
      "grade",
      "child",
      "status",
      "membership",
      "remote_id",
      "medical_notes"
    ],
    required: ["first_name", "last_name"],
    defaults: {
      given_name: null,
      middle_name: null,
      nickname: null,
      birthdate: null,
      anniversary: null,
      gender: null,
      grade: null,
      child: false,
      status: "active",
      inactivated_at: null,
      membership: null,
      remote_id: null,
      medical_notes: null,
      site_administrator: false,
      people_permissions: null,
      avatar: null
    }
  },
  Email: {
    writable: ["address", "location", "primary"],
    required: ["address"],
    defaults: { location: null, primary: false, blocked: false }
  },
  PhoneNumber: {
    writable: ["number", "country_code", "location", "primary"],
    required: ["number"],
    defaults: {
      e164: null,
      international: null,
      national: null,
      country_code: "US",
      carrier: null,
      location: null,
      primary: false
    }
  },
  Address: {
    writable: ["street_line_1", "street_line_2", "city", "state", "zip", "country_code", "location", "primary"],
    required: ["street_line_1", "city", "state", "zip"],
    defaults: { street_line_2: null, country_code: "US", country_name: "United States", location: null, primary: false }
  },
  FieldDatum: {
    writable: ["value"],
    required: ["field_definition_id"],
    defaults: { value: null, file: null, file_size: null, file_content_type: null, file_name: null }
  },
  Household: { writable: ["name"], required: ["name"], defaults: { avatar: null } }
}

/** The attributes of `attributes` a client may set on `type`. */
export const permitted = (type: FakeType, attributes: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const spec = writeSpecs[type]
  const out: Record<string, unknown> = {}
  for (const name of spec?.writable ?? []) if (name in attributes) out[name] = attributes[name]
  return out
}

/** The first required attribute a create is missing, if any. */
export const missing = (type: FakeType, attributes: Readonly<Record<string, unknown>>): string | undefined =>
  writeSpecs[type]?.required.find(
    (name) => attributes[name] === undefined || attributes[name] === null || attributes[name] === ""
  )

/** A new record's attributes: the defaults, then what the client set. */
export const withDefaults = (
  type: FakeType,
  attributes: Readonly<Record<string, unknown>>
): Record<string, unknown> => ({
  ...writeSpecs[type]?.defaults,
  ...attributes
})

/** What an attribute accepts, or why a value is refused (as Planning Center words it). */
type Rule = (value: unknown) => string | undefined

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const isCalendarDate = (value: string): boolean => {
  const match = CALENDAR_DATE.exec(value)
  if (match === null) return false
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return date.getUTCDate() === Number(match[3]) && date.getUTCMonth() === Number(match[2]) - 1
}

const text: Rule = (value) => (value === null || typeof value === "string" ? undefined : "must be text")
const flag: Rule = (value) => (typeof value === "boolean" ? undefined : "must be true or false")
const date: Rule = (value) =>
  value === null || (typeof value === "string" && isCalendarDate(value)) ? undefined : "is not a valid date"
const oneOf =
  (values: ReadonlyArray<string>, nullable: boolean): Rule =>
  (value) =>
    (nullable && value === null) || (typeof value === "string" && values.includes(value))
      ? undefined
      : "is not included in the list"
const integer =
  (min: number, max: number): Rule =>
  (value) =>
    value === null || (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)
      ? undefined
      : "is not included in the list"

/** The rules of each writable type's attributes (attributes without a rule accept any value). */
const rules: Partial<Record<FakeType, Readonly<Record<string, Rule>>>> = {
  Person: {
    first_name: text,
    last_name: text,
    given_name: text,
    middle_name: text,
    nickname: text,
    birthdate: date,
    anniversary: date,
    gender: oneOf(["Male", "Female", "M", "F"], true),
    grade: integer(-1, 12),
    child: flag,
    status: oneOf(["active", "inactive"], false),
    membership: text,
    remote_id: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    medical_notes: text
  },
  Email: {
    address: (value) =>
      typeof value === "string" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) ? undefined : "is invalid",
    location: text,
    primary: flag
  },
  PhoneNumber: { number: text, country_code: text, location: text, primary: flag },
  Address: {
    street_line_1: text,
    street_line_2: text,
    city: text,
    state: text,
    zip: text,
    country_code: text,
    location: text,
    primary: flag
  },
  FieldDatum: { value: text },
  Household: { name: text }
}

/**
 * The first attribute a write sets to a value its type refuses, with Planning Center's detail
 * (`gender is not included in the list`); a required attribute set blank by an update included.
 */
export const invalid = (
  type: FakeType,
  attributes: Readonly<Record<string, unknown>>
): { readonly attribute: string; readonly detail: string } | undefined => {
  const spec = writeSpecs[type]
  for (const [name, value] of Object.entries(attributes)) {
    if (!(spec?.writable.includes(name) ?? false)) continue
    if (spec?.required.includes(name) === true && (value === null || value === "")) {
      return { attribute: name, detail: `${name.replace(/_/g, " ")} can't be blank` }
    }
    const problem = rules[type]?.[name]?.(value)
    if (problem !== undefined) return { attribute: name, detail: `${name.replace(/_/g, " ")} ${problem}` }
  }
  return undefined
}
