/**
 * The entities the Planning Center adapter offers the sync engine: where each one's records come
 * from, what identifies a record, how changes are found, and what it depends on (parents come first;
 * a child's foreign-key columns hold the parent's id). Every record is flattened with its
 * relationships as `<name>_id` columns (see `toSourceRecord`).
 *
 * Incremental listing (`cursorField`) is declared only where Planning Center supports it: filtered by
 * `updated_at` (people, emails, phone numbers, households, campuses, lists), ordered by it (addresses,
 * listed newest first until the cursor), or by `created_at` (person mergers). The others are listed
 * in full and compared by content hash.
 */
import type { EntityManifest } from "@syncflow/adapter-core"

/** The entity names of the adapter. */
export type PcoEntityName =
  | "campus"
  | "person"
  | "email"
  | "phone_number"
  | "address"
  | "household"
  | "household_membership"
  | "list"
  | "field_definition"
  | "field_datum"
  | "person_merger"

const person = (foreignKey: string) => ({ entity: "person", foreignKey: [foreignKey] })

/** Every entity's manifest, parents before children. */
export const manifests: ReadonlyArray<EntityManifest & { readonly entity: PcoEntityName }> = [
  {
    entity: "campus",
    description: "Campuses (sites) of the church",
    endpoint: "campuses.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: []
  },
  {
    entity: "person",
    description: "People",
    endpoint: "people.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: [{ entity: "campus", foreignKey: ["primary_campus_id"] }]
  },
  {
    entity: "email",
    description: "Email addresses of people",
    endpoint: "emails.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: [person("person_id")]
  },
  {
    entity: "phone_number",
    description: "Phone numbers of people",
    endpoint: "phoneNumbers.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: [person("person_id")]
  },
  {
    entity: "address",
    description: "Postal addresses of people (incremental by listing newest first)",
    endpoint: "addresses.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: [person("person_id")]
  },
  {
    entity: "household",
    description: "Households",
    endpoint: "households.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: [person("primary_contact_id")]
  },
  {
    entity: "household_membership",
    description: "Memberships of people in households (listed household by household)",
    endpoint: "householdMemberships.listForHousehold",
    businessKey: ["id"],
    deltaStrategy: "hash",
    parents: [person("person_id"), { entity: "household", foreignKey: ["household_id"] }]
  },
  {
    entity: "list",
    description: "Lists (saved selections of people)",
    endpoint: "lists.list",
    businessKey: ["id"],
    cursorField: "updated_at",
    deltaStrategy: "rowversion",
    parents: []
  },
  {
    entity: "field_definition",
    description: "Custom field definitions",
    endpoint: "fieldDefinitions.list",
    businessKey: ["id"],
    deltaStrategy: "hash",
    parents: []
  },
  {
    entity: "field_datum",
    description: "Custom field values of people",
    endpoint: "fieldData.list",
    businessKey: ["id"],
    deltaStrategy: "hash",
    parents: [person("customizable_id"), { entity: "field_definition", foreignKey: ["field_definition_id"] }]
  },
  {
    entity: "person_merger",
    description: "Merges of two people into one (the removed person's id is gone)",
    endpoint: "personMergers.list",
    businessKey: ["id"],
    cursorField: "created_at",
    deltaStrategy: "rowversion",
    parents: []
  }
]

/** The manifest of an entity, if the adapter has it. */
export const manifestOf = (entity: string): (EntityManifest & { readonly entity: PcoEntityName }) | undefined =>
  manifests.find((manifest) => manifest.entity === entity)
