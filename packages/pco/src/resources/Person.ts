/**
 * A person in Planning Center People: the central record every other People resource hangs off.
 */
import { Schema } from "effect"
import { ToMany, ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { CalendarDate } from "../schema/CalendarDate.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** `Male` / `Female`, or the older one-letter values Planning Center still returns for some records. */
export const Gender = Schema.Literals(["Male", "Female", "M", "F"])

/** Whether the person is active in the church. */
export const PersonStatus = Schema.Literals(["active", "inactive"])

/** School grade: -1 (pre-K), 0 (kindergarten) to 12. */
export const Grade = Schema.Int.check(Schema.isBetween({ minimum: -1, maximum: 12 }))

/** The attributes of a {@link Person}. */
export const PersonAttributes = Schema.Struct({
  first_name: Schema.String,
  last_name: Schema.String,
  given_name: Schema.NullOr(Schema.String),
  middle_name: Schema.NullOr(Schema.String),
  nickname: Schema.NullOr(Schema.String),
  /** The display name Planning Center composes from the name parts. */
  name: Schema.String,
  birthdate: Schema.NullOr(CalendarDate),
  anniversary: Schema.NullOr(CalendarDate),
  gender: Schema.NullOr(Gender),
  grade: Schema.NullOr(Grade),
  child: Schema.Boolean,
  status: PersonStatus,
  inactivated_at: Schema.NullOr(Timestamp),
  /** The church's own membership label, such as `Member` or `Visitor`. */
  membership: Schema.NullOr(Schema.String),
  remote_id: Schema.NullOr(Schema.Int),
  medical_notes: Schema.NullOr(Schema.String),
  site_administrator: Schema.Boolean,
  people_permissions: Schema.NullOr(Schema.String),
  created_at: Timestamp,
  updated_at: Timestamp
})

/** Decoded {@link PersonAttributes}. */
export type PersonAttributes = typeof PersonAttributes.Type

/** A person. `primary_campus` is always present; the other relationships appear when included. */
export const Person = Resource("Person", PersonAttributes, {
  primary_campus: Schema.optionalKey(ToOne),
  emails: Schema.optionalKey(ToMany),
  phone_numbers: Schema.optionalKey(ToMany),
  addresses: Schema.optionalKey(ToMany),
  households: Schema.optionalKey(ToMany),
  field_data: Schema.optionalKey(ToMany)
})

/** A decoded {@link Person}. */
export type Person = typeof Person.Type

/** The attributes a client may set when creating a person (names are required). */
export const PersonCreate = Schema.Struct({
  first_name: Schema.String,
  last_name: Schema.String,
  given_name: Schema.optionalKey(Schema.NullOr(Schema.String)),
  middle_name: Schema.optionalKey(Schema.NullOr(Schema.String)),
  nickname: Schema.optionalKey(Schema.NullOr(Schema.String)),
  birthdate: Schema.optionalKey(Schema.NullOr(CalendarDate)),
  anniversary: Schema.optionalKey(Schema.NullOr(CalendarDate)),
  gender: Schema.optionalKey(Schema.NullOr(Gender)),
  grade: Schema.optionalKey(Schema.NullOr(Grade)),
  child: Schema.optionalKey(Schema.Boolean),
  status: Schema.optionalKey(PersonStatus),
  membership: Schema.optionalKey(Schema.NullOr(Schema.String)),
  remote_id: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  medical_notes: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** The attributes a client may change on a person: any of {@link PersonCreate}'s. */
export const PersonUpdate = Schema.Struct({
  ...PersonCreate.fields,
  first_name: Schema.optionalKey(Schema.String),
  last_name: Schema.optionalKey(Schema.String)
})
