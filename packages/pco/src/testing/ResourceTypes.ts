/**
 * What the fake knows about each Planning Center People type: its collection path, which
 * `where[...]` keys it honours (and how to compare them), which `order` keys, which includes, its
 * named filters and its webhook resource name. Keys not listed here are silently ignored, as the
 * real API does.
 */

/** The JSON:API types the fake serves. */
export type FakeType =
  | "Person"
  | "Email"
  | "PhoneNumber"
  | "Address"
  | "Household"
  | "HouseholdMembership"
  | "Campus"
  | "List"
  | "FieldDefinition"
  | "FieldDatum"
  | "PersonMerger"

/** How a `where[...]` value is compared: instants, case-insensitive text, word-prefix search, integers, booleans. */
export type FieldKind = "timestamp" | "string" | "search" | "integer" | "boolean"

/** The fake's description of one type. */
export interface TypeSpec {
  readonly type: FakeType
  /** The collection path segment, e.g. `people`. */
  readonly collection: string
  /** The webhook resource name, e.g. `person` in `people.v2.events.person.created`. */
  readonly event: string
  /** `where[...]` keys honoured (`meta.can_query_by`). */
  readonly queryable: Readonly<Record<string, FieldKind>>
  /** `order` keys honoured (`meta.can_order_by`). */
  readonly orderable: ReadonlyArray<string>
  /** `include` names honoured (`meta.can_include`). */
  readonly includes: ReadonlyArray<string>
  /** Named filters (`meta.can_filter`). */
  readonly filters: ReadonlyArray<string>
}

const timestamps = { updated_at: "timestamp", created_at: "timestamp" } as const

/** Every type, by name. */
export const typeSpecs: Readonly<Record<FakeType, TypeSpec>> = {
  Person: {
    type: "Person",
    collection: "people",
    event: "person",
    queryable: {
      ...timestamps,
      id: "integer",
      search_name: "search",
      first_name: "string",
      last_name: "string",
      status: "string",
      membership: "string",
      gender: "string",
      remote_id: "integer",
      child: "boolean"
    },
    orderable: ["updated_at", "created_at", "first_name", "last_name"],
    includes: ["addresses", "emails", "field_data", "households", "phone_numbers", "primary_campus"],
    filters: ["created_since", "admins", "organization_admins"]
  },
  Email: {
    type: "Email",
    collection: "emails",
    event: "email",
    queryable: { ...timestamps, address: "string", primary: "boolean" },
    orderable: ["updated_at", "created_at", "address"],
    includes: ["person"],
    filters: []
  },
  PhoneNumber: {
    type: "PhoneNumber",
    collection: "phone_numbers",
    event: "phone_number",
    queryable: { ...timestamps, number: "string", primary: "boolean" },
    orderable: ["updated_at", "created_at"],
    includes: ["person"],
    filters: []
  },
  Address: {
    type: "Address",
    collection: "addresses",
    event: "address",
    // Addresses can be ordered by updated_at but not filtered on it: where[updated_at] is ignored.
    queryable: { city: "string", state: "string", zip: "string", primary: "boolean" },
    orderable: ["updated_at", "created_at", "city"],
    includes: ["person"],
    filters: []
  },
  Household: {
    type: "Household",
    collection: "households",
    event: "household",
    queryable: { ...timestamps, name: "string" },
    orderable: ["updated_at", "created_at", "name"],
    includes: ["people", "primary_contact"],
    filters: []
  },
  HouseholdMembership: {
    type: "HouseholdMembership",
    collection: "household_memberships",
    event: "household_membership",
    queryable: {},
    orderable: [],
    includes: ["person"],
    filters: []
  },
  Campus: {
    type: "Campus",
    collection: "campuses",
    event: "campus",
    queryable: { ...timestamps, name: "string" },
    orderable: ["updated_at", "created_at", "name"],
    includes: [],
    filters: []
  },
  List: {
    type: "List",
    collection: "lists",
    event: "list",
    queryable: { ...timestamps, name: "string" },
    orderable: ["updated_at", "created_at", "name"],
    includes: [],
    filters: []
  },
  FieldDefinition: {
    type: "FieldDefinition",
    collection: "field_definitions",
    event: "field_definition",
    queryable: { name: "string", data_type: "string" },
    orderable: ["sequence", "name"],
    includes: [],
    filters: ["include_deleted"]
  },
  FieldDatum: {
    type: "FieldDatum",
    collection: "field_data",
    event: "field_datum",
    queryable: { value: "string", field_definition_id: "integer" },
    orderable: [],
    includes: ["field_definition"],
    filters: []
  },
  PersonMerger: {
    type: "PersonMerger",
    collection: "person_mergers",
    event: "person_merger",
    queryable: { created_at: "timestamp", person_to_keep_id: "integer", person_to_remove_id: "integer" },
    orderable: ["created_at"],
    includes: [],
    filters: []
  }
}

/** The type served under a top-level collection path segment, if any (`household_memberships` has none). */
export const typeOfCollection = (collection: string): FakeType | undefined => {
  for (const spec of Object.values(typeSpecs)) {
    if (spec.collection === collection && spec.type !== "HouseholdMembership") return spec.type
  }
  return undefined
}
