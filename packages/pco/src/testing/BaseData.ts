/**
 * The fake's generated dataset: `people` people with their emails, phone numbers, addresses,
 * households (and memberships) and custom field values, plus a few campuses, lists and field
 * definitions. Nothing is stored: every record is computed on demand from the seed and its index,
 * so a 100,000-person organization costs no memory until it is read, and ids map back to indexes
 * arithmetically.
 *
 * Ids are numeric and ascending with the index. People ids start just below 100,000,000, so a
 * larger dataset crosses from 8 to 9 digits (numeric order differs from lexical order).
 */

import type { FakeRecord } from "./FakeRecord.ts"
import { formatDay, formatSeconds } from "./FakeRecord.ts"
import * as Prng from "./Prng.ts"
import type { FakeType } from "./ResourceTypes.ts"
import * as Sample from "./sampleData.ts"

const DAY = 86_400
const YEAR = 365 * DAY

const PERSON_BASE = 99_999_500
const PERSON_STRIDE = 11
const EMAIL_BASE = 200_000_000
const PHONE_BASE = 300_000_000
const ADDRESS_BASE = 400_000_000
const HOUSEHOLD_BASE = 50_000_000
const HOUSEHOLD_STRIDE = 7
const MEMBERSHIP_BASE = 60_000_000
const FIELD_DATUM_BASE = 70_000_000
const CAMPUS_BASE = 2_001
const LIST_BASE = 3_001
const FIELD_DEFINITION_BASE = 4_001
const TAB_ID = 901

/** Hash streams: one per kind of value, so fields of different records never share draws. */
const K = {
  person: 1,
  email: 2,
  phone: 3,
  address: 4,
  household: 5,
  fieldDatum: 6,
  campus: 7,
  list: 8
} as const

/** The campuses of every dataset. */
const campusNames = ["Main Campus", "North Campus", "Online"] as const

/** The custom fields of every dataset: the last one is deleted (visible with `filter=include_deleted`). */
const fieldDefinitionSpecs = [
  { name: "T-Shirt Size", data_type: "select", values: ["S", "M", "L", "XL"] },
  { name: "Allergies", data_type: "text", values: ["None", "Peanuts", "Gluten", "Dairy"] },
  { name: "Baptism Date", data_type: "date", values: [] },
  { name: "Background Check", data_type: "boolean", values: ["true", "false"] },
  { name: "Legacy Code", data_type: "string", values: ["A1", "B2"] }
] as const

/** How often a person has a value for each (non-deleted) custom field. */
const fieldDatumRates = [0.5, 0.3, 0.2, 0.4] as const

/** The generated part of a dataset. */
export interface BaseData {
  readonly seed: number
  /** The dataset's "now", in epoch seconds: every generated timestamp is before it. */
  readonly epoch: number
  readonly people: number
  readonly households: number
  /** Base ids of a type, ascending. */
  readonly ids: (type: FakeType) => Iterable<number>
  /** The base record with this id, if the generated data has one (regardless of later changes). */
  readonly record: (type: FakeType, id: number) => FakeRecord | undefined
  /** Base ids of a person's records of `type` (Email, PhoneNumber, Address, FieldDatum, HouseholdMembership). */
  readonly idsOfPerson: (type: FakeType, personId: number) => ReadonlyArray<number>
  /** Base membership ids of a household. */
  readonly membershipsOfHousehold: (householdId: number) => ReadonlyArray<number>
  /** The largest base id of a type (created records get larger ids). */
  readonly maxId: (type: FakeType) => number
}

/** Generates the base dataset of `people` people from `seed`, dated before `epoch` (epoch seconds). */
export const make = (options: { readonly seed: number; readonly people: number; readonly epoch: number }): BaseData => {
  const { seed, people, epoch } = options
  const households = Math.ceil(people / 3)
  const u = (...keys: ReadonlyArray<number>) => Prng.unit(seed, ...keys)
  const between = (min: number, max: number, ...keys: ReadonlyArray<number>) =>
    max <= min ? min : Prng.intBetween(min, max, seed, ...keys)

  // ---- people --------------------------------------------------------------------------------
  const personId = (i: number) =>
    PERSON_BASE + i * PERSON_STRIDE + Prng.intBetween(0, PERSON_STRIDE - 1, seed, K.person, i, 0)
  const personIndex = (id: number): number | undefined => {
    const i = Math.floor((id - PERSON_BASE) / PERSON_STRIDE)
    return i >= 0 && i < people && personId(i) === id ? i : undefined
  }
  const householdSize = (h: number) => Math.min(Prng.intBetween(1, 3, seed, K.household, h, 0), people - h * 3)
  const householdOf = (i: number): number | undefined => {
    const h = Math.floor(i / 3)
    return i % 3 < householdSize(h) ? h : undefined
  }
  const importInstants = [400, 300, 200, 100, 30].map((days) => epoch - days * DAY)
  const personTimes = (i: number) => {
    if (u(K.person, i, 1) < 0.15) {
      // A bulk import: many people share one created/updated second (ties are ordered by id).
      const at = importInstants[Prng.intBetween(0, importInstants.length - 1, seed, K.person, i, 2)] ?? epoch - DAY
      return { createdAt: at, updatedAt: at }
    }
    const createdAt = epoch - between(DAY, 6 * YEAR, K.person, i, 3)
    return { createdAt, updatedAt: createdAt + between(0, epoch - 3600 - createdAt, K.person, i, 4) }
  }
  const lastNameOf = (i: number) => {
    const h = householdOf(i)
    return h === undefined
      ? Prng.pick(Sample.lastNames, seed, K.person, i, 5)
      : Prng.pick(Sample.lastNames, seed, K.household, h, 1)
  }
  const firstNameOf = (i: number) => Prng.pick(Sample.firstNames, seed, K.person, i, 6)
  const campusRef = (i: number) =>
    u(K.person, i, 7) < 0.2 ? null : CAMPUS_BASE + Prng.intBetween(0, campusNames.length - 1, seed, K.person, i, 8)

  const person = (i: number): FakeRecord => {
    const id = personId(i)
    const { createdAt, updatedAt } = personTimes(i)
    const first = firstNameOf(i)
    const last = lastNameOf(i)
    const birth = u(K.person, i, 9) < 0.8 ? epoch - between(YEAR, 85 * YEAR, K.person, i, 10) : undefined
    const ageYears = birth === undefined ? undefined : Math.floor((epoch - birth) / YEAR)
    const child = ageYears !== undefined && ageYears < 18
    const grade = child && ageYears !== undefined && ageYears >= 5 ? Math.min(12, ageYears - 6) : null
    const genderDraw = u(K.person, i, 11)
    const gender =
      genderDraw < 0.45
        ? "Male"
        : genderDraw < 0.9
          ? "Female"
          : genderDraw < 0.94
            ? "M"
            : genderDraw < 0.97
              ? "F"
              : null
    const inactive = u(K.person, i, 12) < 0.08
    const admin = u(K.person, i, 13) < 0.01
    const middle = u(K.person, i, 14) < 0.3 ? Prng.pick(Sample.firstNames, seed, K.person, i, 15) : null
    const nickname = u(K.person, i, 16) < 0.1 ? first.slice(0, 3) : null
    return {
      type: "Person",
      id,
      createdAt,
      updatedAt,
      refs: { primary_campus: campusRef(i) },
      attributes: {
        first_name: first,
        last_name: last,
        given_name: null,
        middle_name: middle,
        nickname,
        name: `${nickname ?? first} ${last}`,
        birthdate: birth === undefined ? null : formatDay(birth),
        anniversary:
          !child && u(K.person, i, 17) < 0.3 ? formatDay(epoch - between(YEAR, 40 * YEAR, K.person, i, 18)) : null,
        gender,
        grade,
        child,
        status: inactive ? "inactive" : "active",
        inactivated_at: inactive ? formatSeconds(updatedAt) : null,
        membership: u(K.person, i, 19) < 0.15 ? null : Prng.pick(Sample.memberships, seed, K.person, i, 20),
        remote_id: u(K.person, i, 21) < 0.2 ? between(1000, 999_999, K.person, i, 22) : null,
        medical_notes: u(K.person, i, 23) < 0.05 ? "Carries an epinephrine pen" : null,
        site_administrator: admin,
        people_permissions: admin ? "Manager" : null,
        avatar: `https://avatars.planningcenteronline.com/uploads/initials/${first.slice(0, 1)}${last.slice(0, 1)}.png`,
        // Attributes the client's schema does not name: they must be tolerated.
        passed_background_check: u(K.person, i, 24) < 0.3,
        directory_status: "no_access",
        demographic_avatar_url: "https://people.planningcenteronline.com/static/avatar.png",
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  }

  /** Timestamps of a person's k-th record of a kind: created after the person, updated before the epoch. */
  const childTimes = (i: number, kind: number, k: number) => {
    const parent = personTimes(i)
    const createdAt = Math.min(epoch - 3600, parent.createdAt + k * 60)
    return { createdAt, updatedAt: createdAt + between(0, epoch - 3600 - createdAt, kind, i, k, 1) }
  }

  // ---- emails, phone numbers, addresses ---------------------------------------------------------
  const emailCount = (i: number) => {
    const d = u(K.email, i, 0)
    return d < 0.1 ? 0 : d < 0.8 ? 1 : 2
  }
  const phoneCount = (i: number) => {
    const d = u(K.phone, i, 0)
    return d < 0.25 ? 0 : d < 0.85 ? 1 : 2
  }
  const addressCount = (i: number) => (u(K.address, i, 0) < 0.3 ? 0 : 1)

  const email = (i: number, k: number): FakeRecord => {
    const { createdAt, updatedAt } = childTimes(i, K.email, k)
    const local = `${firstNameOf(i)}.${lastNameOf(i)}`
      .normalize("NFD")
      .replace(/[^A-Za-z.]/g, "")
      .toLowerCase()
    return {
      type: "Email",
      id: EMAIL_BASE + i * 3 + k,
      createdAt,
      updatedAt,
      refs: { person: personId(i) },
      attributes: {
        address: `${local}${k === 0 ? "" : k + 1}.${i}@${Prng.pick(Sample.emailDomains, seed, K.email, i, k, 2)}`,
        location: k === 0 ? "Home" : "Work",
        primary: k === 0,
        blocked: u(K.email, i, k, 3) < 0.02,
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  }

  const phone = (i: number, k: number): FakeRecord => {
    const { createdAt, updatedAt } = childTimes(i, K.phone, k)
    const area = between(201, 989, K.phone, i, k, 2)
    const line = between(1000, 9999, K.phone, i, k, 3)
    const national = `(${area}) 555-${line}`
    return {
      type: "PhoneNumber",
      id: PHONE_BASE + i * 3 + k,
      createdAt,
      updatedAt,
      refs: { person: personId(i) },
      attributes: {
        number: national,
        e164: `+1${area}555${line}`,
        international: `+1 ${area}-555-${line}`,
        national,
        country_code: "US",
        carrier: null,
        location: k === 0 ? "Mobile" : "Home",
        primary: k === 0,
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  }

  const address = (i: number, k: number): FakeRecord => {
    const { createdAt, updatedAt } = childTimes(i, K.address, k)
    const place = Prng.pick(Sample.places, seed, K.address, i, k, 2)
    return {
      type: "Address",
      id: ADDRESS_BASE + i * 2 + k,
      createdAt,
      updatedAt,
      refs: { person: personId(i) },
      attributes: {
        street_line_1: `${between(1, 9999, K.address, i, k, 3)} ${Prng.pick(Sample.streets, seed, K.address, i, k, 4)}`,
        street_line_2: u(K.address, i, k, 5) < 0.1 ? `Apt ${between(1, 40, K.address, i, k, 6)}` : null,
        city: place.city,
        state: place.state,
        zip: `${place.zip}${String(between(0, 99, K.address, i, k, 7)).padStart(2, "0")}`,
        country_code: "US",
        country_name: "United States",
        location: "Home",
        primary: true,
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  }

  // ---- households and memberships ----------------------------------------------------------------
  const householdId = (h: number) => HOUSEHOLD_BASE + h * HOUSEHOLD_STRIDE
  const householdIndex = (id: number): number | undefined => {
    const h = (id - HOUSEHOLD_BASE) / HOUSEHOLD_STRIDE
    return Number.isInteger(h) && h >= 0 && h < households ? h : undefined
  }
  const household = (h: number): FakeRecord => {
    const createdAt = epoch - between(DAY, 5 * YEAR, K.household, h, 2)
    const updatedAt = createdAt + between(0, epoch - 3600 - createdAt, K.household, h, 3)
    return {
      type: "Household",
      id: householdId(h),
      createdAt,
      updatedAt,
      refs: {},
      attributes: {
        name: `${Prng.pick(Sample.lastNames, seed, K.household, h, 1)} Household`,
        avatar: null,
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  }
  const membershipIndex = (id: number): number | undefined => {
    const i = id - MEMBERSHIP_BASE
    return Number.isInteger(i) && i >= 0 && i < people && householdOf(i) !== undefined ? i : undefined
  }
  const membership = (i: number, h: number): FakeRecord => {
    const times = personTimes(i)
    return {
      type: "HouseholdMembership",
      id: MEMBERSHIP_BASE + i,
      createdAt: times.createdAt,
      updatedAt: times.createdAt,
      refs: { person: personId(i), household: householdId(h) },
      attributes: { pending: false }
    }
  }

  // ---- custom fields ------------------------------------------------------------------------------
  const fieldDefinitions: ReadonlyArray<FakeRecord> = fieldDefinitionSpecs.map((spec, f) => ({
    type: "FieldDefinition",
    id: FIELD_DEFINITION_BASE + f,
    createdAt: epoch - 3 * YEAR,
    updatedAt: epoch - 3 * YEAR,
    refs: { tab: TAB_ID },
    attributes: {
      name: spec.name,
      data_type: spec.data_type,
      sequence: f + 1,
      slug: null,
      config: spec.data_type === "select" ? { options: spec.values } : null,
      deleted_at: f === fieldDefinitionSpecs.length - 1 ? formatSeconds(epoch - YEAR) : null,
      tab_id: String(TAB_ID)
    }
  }))
  const fieldDatumExists = (i: number, f: number) => {
    const rate = fieldDatumRates[f]
    return rate !== undefined && u(K.fieldDatum, i, f) < rate
  }
  const fieldDatum = (i: number, f: number): FakeRecord => {
    const { createdAt, updatedAt } = childTimes(i, K.fieldDatum, f)
    const spec = fieldDefinitionSpecs[f]
    const values: ReadonlyArray<string> = spec?.values ?? []
    const value =
      spec?.data_type === "date"
        ? formatDay(epoch - between(DAY, 30 * YEAR, K.fieldDatum, i, f, 2))
        : (values[between(0, Math.max(0, values.length - 1), K.fieldDatum, i, f, 3)] ?? null)
    return {
      type: "FieldDatum",
      id: FIELD_DATUM_BASE + i * 8 + f,
      createdAt,
      updatedAt,
      refs: { customizable: personId(i), field_definition: FIELD_DEFINITION_BASE + f },
      attributes: {
        value,
        file: null,
        file_size: null,
        file_content_type: null,
        file_name: null,
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  }

  // ---- campuses and lists -------------------------------------------------------------------------
  const campuses: ReadonlyArray<FakeRecord> = campusNames.map((name, c) => {
    const createdAt = epoch - (8 - c) * YEAR
    const updatedAt = createdAt + between(0, epoch - 3600 - createdAt, K.campus, c)
    const place = Sample.places[c % Sample.places.length] ?? Sample.places[0]
    return {
      type: "Campus",
      id: CAMPUS_BASE + c,
      createdAt,
      updatedAt,
      refs: {},
      attributes: {
        name,
        street: name === "Online" ? null : `${100 + c} Church St`,
        city: name === "Online" ? null : place.city,
        state: name === "Online" ? null : place.state,
        zip: name === "Online" ? null : `${place.zip}01`,
        country: "US",
        phone_number: null,
        website: name === "Online" ? "https://church.example.org/online" : null,
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  })
  const listNames = ["Volunteers", "New Visitors", "Small Group Leaders", "Members"] as const
  const lists: ReadonlyArray<FakeRecord> = listNames.map((name, l) => {
    const createdAt = epoch - (4 - l) * YEAR
    const updatedAt = createdAt + between(0, epoch - 3600 - createdAt, K.list, l)
    return {
      type: "List",
      id: LIST_BASE + l,
      createdAt,
      updatedAt,
      refs: {},
      attributes: {
        name,
        description: null,
        auto_refresh: l % 2 === 0,
        total_people: Math.floor(people / (l + 2)),
        refreshed_at: formatSeconds(updatedAt),
        created_at: formatSeconds(createdAt),
        updated_at: formatSeconds(updatedAt)
      }
    }
  })

  // ---- lookups ------------------------------------------------------------------------------------
  const slotOf = (id: number, base: number, slots: number, count: (i: number) => number) => {
    const offset = id - base
    if (!Number.isInteger(offset) || offset < 0) return undefined
    const i = Math.floor(offset / slots)
    const k = offset % slots
    return i < people && k < count(i) ? { i, k } : undefined
  }
  const fieldDatumCount = (i: number) => {
    let last = -1
    for (let f = 0; f < fieldDatumRates.length; f++) if (fieldDatumExists(i, f)) last = f
    return last + 1
  }

  const record = (type: FakeType, id: number): FakeRecord | undefined => {
    switch (type) {
      case "Person": {
        const i = personIndex(id)
        return i === undefined ? undefined : person(i)
      }
      case "Email": {
        const slot = slotOf(id, EMAIL_BASE, 3, emailCount)
        return slot === undefined ? undefined : email(slot.i, slot.k)
      }
      case "PhoneNumber": {
        const slot = slotOf(id, PHONE_BASE, 3, phoneCount)
        return slot === undefined ? undefined : phone(slot.i, slot.k)
      }
      case "Address": {
        const slot = slotOf(id, ADDRESS_BASE, 2, addressCount)
        return slot === undefined ? undefined : address(slot.i, slot.k)
      }
      case "Household": {
        const h = householdIndex(id)
        return h === undefined ? undefined : household(h)
      }
      case "HouseholdMembership": {
        const i = membershipIndex(id)
        const h = i === undefined ? undefined : householdOf(i)
        return i === undefined || h === undefined ? undefined : membership(i, h)
      }
      case "FieldDatum": {
        const slot = slotOf(id, FIELD_DATUM_BASE, 8, fieldDatumCount)
        return slot === undefined || !fieldDatumExists(slot.i, slot.k) ? undefined : fieldDatum(slot.i, slot.k)
      }
      case "Campus":
        return campuses.find((c) => c.id === id)
      case "List":
        return lists.find((l) => l.id === id)
      case "FieldDefinition":
        return fieldDefinitions.find((f) => f.id === id)
      case "PersonMerger":
        return undefined
    }
  }

  function* perPerson(count: (i: number) => number, base: number, slots: number) {
    for (let i = 0; i < people; i++) {
      const n = count(i)
      for (let k = 0; k < n; k++) yield base + i * slots + k
    }
  }

  function* ids(type: FakeType): Iterable<number> {
    switch (type) {
      case "Person":
        for (let i = 0; i < people; i++) yield personId(i)
        return
      case "Email":
        yield* perPerson(emailCount, EMAIL_BASE, 3)
        return
      case "PhoneNumber":
        yield* perPerson(phoneCount, PHONE_BASE, 3)
        return
      case "Address":
        yield* perPerson(addressCount, ADDRESS_BASE, 2)
        return
      case "Household":
        for (let h = 0; h < households; h++) yield householdId(h)
        return
      case "HouseholdMembership":
        for (let i = 0; i < people; i++) if (householdOf(i) !== undefined) yield MEMBERSHIP_BASE + i
        return
      case "FieldDatum":
        for (let i = 0; i < people; i++) {
          for (let f = 0; f < fieldDatumRates.length; f++)
            if (fieldDatumExists(i, f)) yield FIELD_DATUM_BASE + i * 8 + f
        }
        return
      case "Campus":
        for (const c of campuses) yield c.id
        return
      case "List":
        for (const l of lists) yield l.id
        return
      case "FieldDefinition":
        for (const f of fieldDefinitions) yield f.id
        return
      case "PersonMerger":
        return
    }
  }

  const idsOfPerson = (type: FakeType, id: number): ReadonlyArray<number> => {
    const i = personIndex(id)
    if (i === undefined) return []
    const range = (count: number, base: number, slots: number) =>
      Array.from({ length: count }, (_, k) => base + i * slots + k)
    switch (type) {
      case "Email":
        return range(emailCount(i), EMAIL_BASE, 3)
      case "PhoneNumber":
        return range(phoneCount(i), PHONE_BASE, 3)
      case "Address":
        return range(addressCount(i), ADDRESS_BASE, 2)
      case "FieldDatum":
        return fieldDatumRates.flatMap((_, f) => (fieldDatumExists(i, f) ? [FIELD_DATUM_BASE + i * 8 + f] : []))
      case "HouseholdMembership":
        return householdOf(i) === undefined ? [] : [MEMBERSHIP_BASE + i]
      default:
        return []
    }
  }

  const membershipsOfHousehold = (id: number): ReadonlyArray<number> => {
    const h = householdIndex(id)
    if (h === undefined) return []
    return Array.from({ length: householdSize(h) }, (_, k) => MEMBERSHIP_BASE + h * 3 + k)
  }

  const maxIds: Readonly<Record<FakeType, number>> = {
    Person: PERSON_BASE + people * PERSON_STRIDE,
    Email: EMAIL_BASE + people * 3,
    PhoneNumber: PHONE_BASE + people * 3,
    Address: ADDRESS_BASE + people * 2,
    Household: HOUSEHOLD_BASE + households * HOUSEHOLD_STRIDE,
    HouseholdMembership: MEMBERSHIP_BASE + people,
    FieldDatum: FIELD_DATUM_BASE + people * 8,
    Campus: CAMPUS_BASE + campuses.length,
    List: LIST_BASE + lists.length,
    FieldDefinition: FIELD_DEFINITION_BASE + fieldDefinitions.length,
    PersonMerger: 80_000_000
  }

  return {
    seed,
    epoch,
    people,
    households,
    ids,
    record,
    idsOfPerson,
    membershipsOfHousehold,
    maxId: (type) => maxIds[type]
  }
}
