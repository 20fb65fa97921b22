/**
 * The fake's current data: the generated base (see `BaseData`) plus what changed since — records
 * created, updated and deleted through the API or the fake's controls. Reading a record computes it
 * (base or changed copy) and fills in derived attributes (a household's member count, a
 * membership's person name); only the changes are stored. Every change bumps `version` (listings
 * recompute their offsets) and is reported to listeners (webhooks).
 */
import * as BaseData from "./BaseData.ts"
import { type FakeRecord, formatSeconds } from "./FakeRecord.ts"
import type { FakeType } from "./ResourceTypes.ts"

/** A change, as webhooks report it. */
export interface Change {
  readonly type: FakeType
  readonly action: "created" | "updated" | "destroyed"
  /** The record after the change (before it, for `destroyed`). */
  readonly record: FakeRecord
  /** When it happened, in epoch seconds of the dataset's clock. */
  readonly at: number
}

/** Which records of a type to list: all, a person's, or a household's memberships. */
export type Scope =
  | { readonly _tag: "All" }
  | { readonly _tag: "Person"; readonly id: number }
  | { readonly _tag: "Household"; readonly id: number }

/** Every record of a type. */
export const all: Scope = { _tag: "All" }

interface Changes {
  readonly changed: Map<number, FakeRecord>
  readonly deleted: Set<number>
  /** Created ids, ascending. */
  readonly created: Array<number>
  nextId: number
}

/** The person a record belongs to, for the types that belong to one. */
const ownerOf = (record: FakeRecord): number | null | undefined =>
  record.type === "FieldDatum" ? record.refs.customizable : record.refs.person

const childTypes: ReadonlyArray<FakeType> = ["Email", "PhoneNumber", "Address", "FieldDatum", "HouseholdMembership"]

/** The current data of a fake organization. */
export interface Dataset {
  readonly base: BaseData.BaseData
  /** Increases on every change. */
  readonly version: () => number
  /** The current record, with derived attributes, or `undefined` when it does not exist (or was deleted). */
  readonly get: (type: FakeType, id: number) => FakeRecord | undefined
  /** The ids of the current records of a type in a scope, ascending. */
  readonly ids: (type: FakeType, scope: Scope) => Iterable<number>
  /** The records a relationship of `record` points at (to-one relationships give zero or one). */
  readonly related: (record: FakeRecord, relationship: string) => ReadonlyArray<FakeRecord>
  /** Creates a record; its timestamps are `at` (epoch seconds). */
  readonly create: (
    type: FakeType,
    attributes: Readonly<Record<string, unknown>>,
    refs: Readonly<Record<string, number | null>>,
    at: number
  ) => FakeRecord
  /** Changes attributes of an existing record and stamps `updated_at`; `undefined` when it does not exist. */
  readonly update: (
    type: FakeType,
    id: number,
    attributes: Readonly<Record<string, unknown>>,
    at: number
  ) => FakeRecord | undefined
  /** Deletes a record (a person takes their contact records and memberships along); false when it did not exist. */
  readonly destroy: (type: FakeType, id: number, at: number) => boolean
  /** Merges `removeId` into `keepId`: the removed person is deleted and a PersonMerger records it. */
  readonly merge: (keepId: number, removeId: number, at: number) => FakeRecord | undefined
  /** Calls `listener` on every change. */
  readonly onChange: (listener: (change: Change) => void) => void
}

/** A dataset over freshly generated base data. */
export const make = (options: { readonly seed: number; readonly people: number; readonly epoch: number }): Dataset => {
  const base = BaseData.make(options)
  let version = 0
  const listeners: Array<(change: Change) => void> = []
  const changes = new Map<FakeType, Changes>()
  const changesOf = (type: FakeType): Changes => {
    let entry = changes.get(type)
    if (entry === undefined) {
      entry = { changed: new Map(), deleted: new Set(), created: [], nextId: base.maxId(type) + 1_000 }
      changes.set(type, entry)
    }
    return entry
  }

  const stored = (type: FakeType, id: number): FakeRecord | undefined => {
    const entry = changes.get(type)
    if (entry?.deleted.has(id)) return undefined
    return entry?.changed.get(id) ?? base.record(type, id)
  }

  const idsInScope = (type: FakeType, scope: Scope): Iterable<number> => {
    const entry = changes.get(type)
    const created = entry?.created ?? []
    if (scope._tag === "All") {
      return (function* () {
        for (const id of base.ids(type)) if (!entry?.deleted.has(id)) yield id
        for (const id of created) if (!entry?.deleted.has(id)) yield id
      })()
    }
    const baseIds =
      scope._tag === "Person"
        ? base.idsOfPerson(type, scope.id)
        : type === "HouseholdMembership"
          ? base.membershipsOfHousehold(scope.id)
          : []
    const out: Array<number> = baseIds.filter((id) => !entry?.deleted.has(id))
    for (const id of created) {
      const record = entry?.deleted.has(id) ? undefined : entry?.changed.get(id)
      if (record === undefined) continue
      const owner = scope._tag === "Person" ? ownerOf(record) : record.refs.household
      if (owner === scope.id) out.push(id)
    }
    return out
  }

  const membersOf = (householdId: number): ReadonlyArray<FakeRecord> => {
    const out: Array<FakeRecord> = []
    for (const membershipId of idsInScope("HouseholdMembership", { _tag: "Household", id: householdId })) {
      const membership = stored("HouseholdMembership", membershipId)
      const personId = membership?.refs.person
      const person = personId === undefined || personId === null ? undefined : stored("Person", personId)
      if (person !== undefined) out.push(person)
    }
    return out
  }

  /** Fills in the attributes Planning Center derives from other records. */
  const derive = (record: FakeRecord): FakeRecord => {
    switch (record.type) {
      case "Household": {
        const members = membersOf(record.id)
        const contact = members[0]
        return {
          ...record,
          refs: { ...record.refs, primary_contact: contact?.id ?? null },
          attributes: {
            ...record.attributes,
            member_count: members.length,
            primary_contact_name: contact === undefined ? null : String(contact.attributes.name),
            primary_contact_id: contact === undefined ? null : String(contact.id)
          }
        }
      }
      case "HouseholdMembership": {
        const personId = record.refs.person
        const person = personId === undefined || personId === null ? undefined : stored("Person", personId)
        return {
          ...record,
          attributes: { person_name: person === undefined ? "" : String(person.attributes.name), ...record.attributes }
        }
      }
      default:
        return record
    }
  }

  const get = (type: FakeType, id: number): FakeRecord | undefined => {
    const record = stored(type, id)
    return record === undefined ? undefined : derive(record)
  }

  const one = (type: FakeType, id: number | null | undefined): ReadonlyArray<FakeRecord> => {
    if (id === null || id === undefined) return []
    const record = get(type, id)
    return record === undefined ? [] : [record]
  }
  const many = (type: FakeType, scope: Scope): ReadonlyArray<FakeRecord> =>
    Array.from(idsInScope(type, scope)).flatMap((id) => one(type, id))

  const related = (record: FakeRecord, relationship: string): ReadonlyArray<FakeRecord> => {
    const person: Scope = { _tag: "Person", id: record.id }
    switch (`${record.type}.${relationship}`) {
      case "Person.emails":
        return many("Email", person)
      case "Person.phone_numbers":
        return many("PhoneNumber", person)
      case "Person.addresses":
        return many("Address", person)
      case "Person.field_data":
        return many("FieldDatum", person)
      case "Person.households":
        return many("HouseholdMembership", person).flatMap((m) => one("Household", m.refs.household))
      case "Person.primary_campus":
        return one("Campus", record.refs.primary_campus)
      case "Email.person":
      case "PhoneNumber.person":
      case "Address.person":
      case "HouseholdMembership.person":
        return one("Person", record.refs.person)
      case "HouseholdMembership.household":
        return one("Household", record.refs.household)
      case "Household.people":
        return membersOf(record.id).map(derive)
      case "Household.primary_contact":
        return one("Person", record.refs.primary_contact)
      case "FieldDatum.field_definition":
        return one("FieldDefinition", record.refs.field_definition)
      case "FieldDatum.customizable":
        return one("Person", record.refs.customizable)
      case "PersonMerger.person_to_keep":
        return one("Person", record.refs.person_to_keep)
      default:
        return []
    }
  }

  const emit = (change: Change) => {
    version += 1
    for (const listener of listeners) listener(change)
  }

  const withName = (type: FakeType, attributes: Record<string, unknown>): Record<string, unknown> => {
    if (type !== "Person") return attributes
    const first = typeof attributes.first_name === "string" ? attributes.first_name : ""
    const last = typeof attributes.last_name === "string" ? attributes.last_name : ""
    const nickname = typeof attributes.nickname === "string" ? attributes.nickname : undefined
    return { ...attributes, name: `${nickname ?? first} ${last}`.trim() }
  }

  const create: Dataset["create"] = (type, attributes, refs, at) => {
    const entry = changesOf(type)
    const id = entry.nextId
    entry.nextId += 1
    const timestamps =
      type === "HouseholdMembership"
        ? {}
        : type === "PersonMerger"
          ? { created_at: formatSeconds(at) }
          : { created_at: formatSeconds(at), updated_at: formatSeconds(at) }
    const record: FakeRecord = {
      type,
      id,
      createdAt: at,
      updatedAt: at,
      refs,
      attributes: withName(type, { ...attributes, ...timestamps })
    }
    entry.changed.set(id, record)
    entry.created.push(id)
    emit({ type, action: "created", record: derive(record), at })
    return derive(record)
  }

  const update: Dataset["update"] = (type, id, attributes, at) => {
    const current = stored(type, id)
    if (current === undefined) return undefined
    const record: FakeRecord = {
      ...current,
      updatedAt: at,
      attributes: withName(type, { ...current.attributes, ...attributes, updated_at: formatSeconds(at) })
    }
    changesOf(type).changed.set(id, record)
    emit({ type, action: "updated", record: derive(record), at })
    return derive(record)
  }

  const destroy: Dataset["destroy"] = (type, id, at) => {
    const current = get(type, id)
    if (current === undefined) return false
    const entry = changesOf(type)
    entry.deleted.add(id)
    entry.changed.delete(id)
    if (type === "Person") {
      // A person's contact records, custom values and memberships go with them (no events for those).
      for (const child of childTypes) {
        const childEntry = changesOf(child)
        for (const childId of Array.from(idsInScope(child, { _tag: "Person", id }))) {
          childEntry.deleted.add(childId)
          childEntry.changed.delete(childId)
        }
      }
    }
    if (type === "Household") {
      const memberships = changesOf("HouseholdMembership")
      for (const membershipId of Array.from(idsInScope("HouseholdMembership", { _tag: "Household", id }))) {
        memberships.deleted.add(membershipId)
      }
    }
    emit({ type, action: "destroyed", record: current, at })
    return true
  }

  const merge: Dataset["merge"] = (keepId, removeId, at) => {
    if (keepId === removeId || get("Person", keepId) === undefined || get("Person", removeId) === undefined) {
      return undefined
    }
    destroy("Person", removeId, at)
    update("Person", keepId, {}, at)
    return create(
      "PersonMerger",
      { person_to_keep_id: keepId, person_to_remove_id: removeId },
      { person_to_keep: keepId, person_to_remove: removeId },
      at
    )
  }

  return {
    base,
    version: () => version,
    get,
    ids: idsInScope,
    related,
    create,
    update,
    destroy,
    merge,
    onChange: (listener) => {
      listeners.push(listener)
    }
  }
}
