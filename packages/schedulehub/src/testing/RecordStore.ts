/**
 * The fake ScheduleHub's records, in memory, and the rules of its write endpoints without HTTP:
 * field validation (422), unique live `erp_key_hash` per entity (409 conflict), parents resolved
 * by `via` (404 parent_missing), no deleting a parent with live children (409 has_children),
 * PATCH and DELETE by `uid`, lookups by hash and the export ordered by `uid`. Every operation
 * returns the status and body the API answers with.
 */
import type { EntityDescription, FieldDescription } from "../endpoints/GetSchema.ts"
import type { StoredRecord } from "../endpoints/ListRecords.ts"
import { makeUuidV7 } from "./uuidV7.ts"

/** What the API answers: a status and a JSON body (none for 204). */
export interface Answer {
  readonly status: number
  readonly body?: unknown
}

interface EntityState {
  readonly description: EntityDescription
  readonly fields: ReadonlyMap<string, FieldDescription>
  /** Live records by uid, in uid order (uids only grow). */
  readonly records: Map<string, StoredRecord>
  /** The uid of each live `erp_key_hash`. */
  readonly byHash: Map<string, string>
  /** The export's order, rebuilt after a change. */
  ordered: Array<StoredRecord> | undefined
}

const KEY_HASH = /^[0-9a-f]{32}$/
const DATA_HASH = /^[0-9a-f]{64}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const DECIMAL = /^-?\d+(\.\d+)?$/
const INTEGER = /^-?\d+$/

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const invalid = (field: string, message: string): Answer => ({
  status: 422,
  body: { error: "invalid", field, message }
})

/** Why a value does not fit a field's type, or `undefined` when it does. */
const typeProblem = (type: FieldDescription["type"], value: unknown): string | undefined => {
  switch (type) {
    case "string":
      return typeof value === "string" ? undefined : "expected a string"
    case "integer":
      return (typeof value === "number" && Number.isSafeInteger(value)) ||
        (typeof value === "string" && INTEGER.test(value))
        ? undefined
        : "expected an integer"
    case "decimal":
      return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && DECIMAL.test(value))
        ? undefined
        : "expected a decimal (a JSON number or a numeric string)"
    case "boolean":
      return typeof value === "boolean" ? undefined : "expected a boolean"
    case "date":
      return typeof value === "string" && DATE.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : "expected a date YYYY-MM-DD"
    case "timestamp":
      return typeof value === "string" && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : "expected an ISO 8601 timestamp with a zone"
    case "json":
      return undefined
  }
}

/** The identity fields and their rules: `erp_key_hash` and `erp_data_hash` are required on create. */
const identityProblem = (name: string, value: unknown): string | undefined => {
  if (name === "erp_key_hash") {
    return typeof value === "string" && KEY_HASH.test(value) ? undefined : "expected 32 lowercase hex digits"
  }
  if (name === "erp_data_hash") {
    return typeof value === "string" && DATA_HASH.test(value) ? undefined : "expected 64 lowercase hex digits"
  }
  return value === null || typeof value === "string" ? undefined : "expected a string or null"
}

const IDENTITY = new Set(["erp_key_hash", "erp_data_hash", "erp_rowversion"])

/** The in-memory records of a fake ScheduleHub. */
export interface RecordStore {
  readonly entities: ReadonlyArray<EntityDescription>
  readonly has: (entity: string) => boolean
  readonly create: (entity: string, body: unknown, now: number) => Answer
  readonly update: (entity: string, uid: string, body: unknown) => Answer
  readonly remove: (entity: string, uid: string) => Answer
  /** The live records of these hashes. */
  readonly lookup: (entity: string, hashes: ReadonlyArray<string>) => Array<StoredRecord>
  /** One page of the export (pages from 1). */
  readonly page: (
    entity: string,
    page: number,
    pageSize: number
  ) => { readonly items: Array<StoredRecord>; readonly hasMore: boolean }
  /** Every live record of an entity, in uid order. */
  readonly records: (entity: string) => ReadonlyArray<StoredRecord>
}

/** A store for these entities. */
export const makeRecordStore = (entities: ReadonlyArray<EntityDescription>): RecordStore => {
  const nextUid = makeUuidV7()
  const states = new Map<string, EntityState>(
    entities.map((description) => [
      description.name,
      {
        description,
        fields: new Map(description.fields.map((f) => [f.name, f])),
        records: new Map(),
        byHash: new Map(),
        ordered: undefined
      }
    ])
  )
  /** Live children per parent: `parentEntity \0 parentHash` -> count. */
  const children = new Map<string, number>()
  const childKey = (entity: string, hash: string) => `${entity}\u0000${hash}`
  const addChild = (entity: string, hash: unknown, delta: number) => {
    if (typeof hash !== "string") return
    const key = childKey(entity, hash)
    const count = (children.get(key) ?? 0) + delta
    if (count <= 0) children.delete(key)
    else children.set(key, count)
  }

  const unknownEntity = (entity: string): Answer => ({ status: 404, body: { error: "unknown_entity", entity } })

  /** A 422 for the first field that breaks the rules, or `undefined`. */
  const validate = (state: EntityState, body: Readonly<Record<string, unknown>>, creating: boolean) => {
    for (const [name, value] of Object.entries(body)) {
      if (name === "uid") return invalid("uid", "uid is assigned by ScheduleHub and cannot be written")
      if (IDENTITY.has(name)) {
        const problem = identityProblem(name, value)
        if (problem !== undefined) return invalid(name, problem)
        continue
      }
      const field = state.fields.get(name)
      if (field === undefined) return invalid(name, `unknown field of ${state.description.name}`)
      if (value === null || value === undefined) {
        if (field.required) return invalid(name, "required field is null")
        continue
      }
      const problem = typeProblem(field.type, value)
      if (problem !== undefined) return invalid(name, problem)
    }
    if (creating) {
      for (const name of ["erp_key_hash", "erp_data_hash"]) {
        if (body[name] === undefined) return invalid(name, "required field is missing")
      }
      for (const field of state.description.fields) {
        if (field.required && (body[field.name] === undefined || body[field.name] === null)) {
          return invalid(field.name, "required field is missing")
        }
      }
    }
    return undefined
  }

  /** A 404 parent_missing for the first parent the record names that is not live, or `undefined`. */
  const missingParent = (state: EntityState, record: Readonly<Record<string, unknown>>): Answer | undefined => {
    for (const parent of state.description.parents) {
      const hash = record[parent.via]
      if (typeof hash !== "string") continue
      if (states.get(parent.entity)?.byHash.has(hash) !== true) {
        return { status: 404, body: { error: "parent_missing", parent: parent.entity, erp_key_hash: hash } }
      }
    }
    return undefined
  }

  const linkChildren = (state: EntityState, record: Readonly<Record<string, unknown>>, delta: number) => {
    for (const parent of state.description.parents) addChild(parent.entity, record[parent.via], delta)
  }

  const hasChildren = (entity: string, hash: string) => (children.get(childKey(entity, hash)) ?? 0) > 0

  const create = (entity: string, body: unknown, now: number): Answer => {
    const state = states.get(entity)
    if (state === undefined) return unknownEntity(entity)
    if (!isObject(body)) return invalid("record", "the record must be a JSON object")
    const refused = validate(state, body, true)
    if (refused !== undefined) return refused
    const hash = body.erp_key_hash as string
    const existing = state.byHash.get(hash)
    if (existing !== undefined) return { status: 409, body: { error: "conflict", uid: existing } }
    const orphan = missingParent(state, body)
    if (orphan !== undefined) return orphan
    const uid = nextUid(now)
    const record: StoredRecord = { uid, erp_key_hash: hash, erp_rowversion: null, ...body }
    state.records.set(uid, record)
    state.byHash.set(hash, uid)
    state.ordered = undefined
    linkChildren(state, record, 1)
    return { status: 201, body: record }
  }

  const update = (entity: string, uid: string, body: unknown): Answer => {
    const state = states.get(entity)
    if (state === undefined) return unknownEntity(entity)
    const current = state.records.get(uid)
    if (current === undefined) return { status: 404, body: { error: "not_found" } }
    if (!isObject(body)) return invalid("record", "the record must be a JSON object")
    const refused = validate(state, body, false)
    if (refused !== undefined) return refused
    const next: StoredRecord = { ...current, ...body, uid }
    if (next.erp_key_hash !== current.erp_key_hash) {
      const other = state.byHash.get(next.erp_key_hash)
      if (other !== undefined) return { status: 409, body: { error: "conflict", uid: other } }
      if (hasChildren(entity, current.erp_key_hash)) return { status: 409, body: { error: "has_children" } }
    }
    const orphan = missingParent(state, next)
    if (orphan !== undefined) return orphan
    linkChildren(state, current, -1)
    linkChildren(state, next, 1)
    state.byHash.delete(current.erp_key_hash)
    state.byHash.set(next.erp_key_hash, uid)
    state.records.set(uid, next)
    state.ordered = undefined
    return { status: 200, body: next }
  }

  const remove = (entity: string, uid: string): Answer => {
    const state = states.get(entity)
    if (state === undefined) return unknownEntity(entity)
    const current = state.records.get(uid)
    if (current === undefined) return { status: 404, body: { error: "not_found" } }
    if (hasChildren(entity, current.erp_key_hash)) return { status: 409, body: { error: "has_children" } }
    linkChildren(state, current, -1)
    state.records.delete(uid)
    state.byHash.delete(current.erp_key_hash)
    state.ordered = undefined
    return { status: 204 }
  }

  const ordered = (state: EntityState): Array<StoredRecord> => {
    if (state.ordered === undefined) state.ordered = Array.from(state.records.values())
    return state.ordered
  }

  return {
    entities,
    has: (entity) => states.has(entity),
    create,
    update,
    remove,
    lookup: (entity, hashes) => {
      const state = states.get(entity)
      if (state === undefined) return []
      const found: Array<StoredRecord> = []
      for (const hash of new Set(hashes)) {
        const uid = state.byHash.get(hash)
        const record = uid === undefined ? undefined : state.records.get(uid)
        if (record !== undefined) found.push(record)
      }
      return found
    },
    page: (entity, page, pageSize) => {
      const state = states.get(entity)
      const all = state === undefined ? [] : ordered(state)
      const start = (page - 1) * pageSize
      return { items: all.slice(start, start + pageSize), hasMore: start + pageSize < all.length }
    },
    records: (entity) => {
      const state = states.get(entity)
      return state === undefined ? [] : ordered(state).slice()
    }
  }
}
