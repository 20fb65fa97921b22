/**
 * What the fake accepts in a write (`POST` / `PATCH` with `{ data: { type, attributes } }`): the
 * attributes each type lets a client set, the ones a create requires, the defaults a created record
 * gets, and Planning Center's 422 body for a missing attribute.
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
