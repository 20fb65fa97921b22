/**
 * The organization (church) the credentials belong to: `GET /people/v2`.
 */
import { Schema } from "effect"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of an {@link Organization}. */
export const OrganizationAttributes = Schema.Struct({
  name: Schema.String,
  /** The IANA time zone date-only filters are read in, e.g. `America/New_York`. */
  time_zone: Schema.String,
  country_code: Schema.NullOr(Schema.String),
  date_format: Schema.NullOr(Schema.Int),
  created_at: Timestamp
})

/** The organization. */
export const Organization = Resource("Organization", OrganizationAttributes, {})

/** A decoded {@link Organization}. */
export type Organization = typeof Organization.Type
