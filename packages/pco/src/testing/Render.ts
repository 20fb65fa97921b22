/**
 * The fake's JSON:API documents: records rendered as resource objects (relationships, links,
 * `fields[Type]` trimming), side-loaded `included` records (nested include paths, each record once,
 * never a copy of primary data), collection pages with `links.next` / `links.prev` and `meta`, and
 * Planning Center's error bodies.
 */
import type { Dataset } from "./Dataset.ts"
import type { FakeRecord } from "./FakeRecord.ts"
import type { IncludeTree, ListQuery } from "./ListQuery.ts"
import { type FakeType, typeSpecs } from "./ResourceTypes.ts"

/** What rendering needs: where the fake answers, and its organization. */
export interface RenderContext {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string
  readonly organizationId: string
  readonly dataset: Dataset
}

/** A JSON value as the fake sends it. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** A JSON:API resource object as the fake renders it. */
export type RenderedResource = {
  readonly type: string
  readonly id: string
  readonly attributes: { readonly [key: string]: Json }
  readonly relationships: { readonly [name: string]: { readonly data: Json } }
  readonly links: { readonly [name: string]: string }
}

const toOneTargets: Readonly<Record<string, string>> = {
  primary_campus: "Campus",
  person: "Person",
  household: "Household",
  primary_contact: "Person",
  field_definition: "FieldDefinition",
  customizable: "Person",
  tab: "Tab",
  person_to_keep: "Person",
  person_to_remove: "Person"
}

const defaultRelationships: Readonly<Record<FakeType, ReadonlyArray<string>>> = {
  Person: ["primary_campus"],
  Email: ["person"],
  PhoneNumber: ["person"],
  Address: ["person"],
  Household: ["people", "primary_contact"],
  HouseholdMembership: ["person", "household"],
  Campus: [],
  List: [],
  FieldDefinition: ["tab"],
  FieldDatum: ["field_definition", "customizable"],
  PersonMerger: ["person_to_keep", "person_to_remove"]
}

/** The API path of a record, e.g. `/people/v2/people/123`. */
export const resourcePath = (record: FakeRecord): string =>
  record.type === "HouseholdMembership"
    ? `/people/v2/households/${record.refs.household ?? 0}/household_memberships/${record.id}`
    : `/people/v2/${typeSpecs[record.type].collection}/${record.id}`

const identifier = (record: FakeRecord): Json => ({ type: record.type, id: String(record.id) })

const relationshipData = (dataset: Dataset, record: FakeRecord, name: string): Json => {
  const target = toOneTargets[name]
  if (target !== undefined) {
    const ref = record.refs[name]
    return ref === null || ref === undefined ? null : { type: target, id: String(ref) }
  }
  return dataset.related(record, name).map(identifier)
}

const jsonOf = (value: unknown): Json => {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") {
    return value
  }
  if (Array.isArray(value)) return value.map(jsonOf)
  if (typeof value === "object") {
    const out: Record<string, Json> = {}
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = jsonOf(v)
    return out
  }
  return null
}

/** A record as a JSON:API resource object with the named relationships (plus its defaults). */
export const renderResource = (
  context: RenderContext,
  record: FakeRecord,
  relationships: Iterable<string> = [],
  fields?: ReadonlySet<string>
): RenderedResource => {
  const self = `${context.origin}${resourcePath(record)}`
  const attributes: Record<string, Json> = {}
  for (const [key, value] of Object.entries(record.attributes)) {
    if (fields === undefined || fields.has(key)) attributes[key] = jsonOf(value)
  }
  const names = new Set([...defaultRelationships[record.type], ...relationships])
  const rels: Record<string, { readonly data: Json }> = {}
  for (const name of names) rels[name] = { data: relationshipData(context.dataset, record, name) }
  return {
    type: record.type,
    id: String(record.id),
    attributes,
    relationships: rels,
    links:
      record.type === "Person"
        ? { self, html: `https://people.planningcenteronline.com/people/AC${record.id}` }
        : { self }
  }
}

/** The records the include tree side-loads from `primary`, each once, none of them primary data. */
export const collectIncluded = (
  context: RenderContext,
  primary: ReadonlyArray<FakeRecord>,
  tree: IncludeTree,
  fieldsOf: (type: string) => ReadonlySet<string> | undefined
): ReadonlyArray<Json> => {
  const key = (record: FakeRecord) => `${record.type}:${record.id}`
  const seen = new Set(primary.map(key))
  const out: Array<Json> = []
  const visit = (record: FakeRecord, node: IncludeTree) => {
    for (const [name, child] of node) {
      for (const related of context.dataset.related(record, name)) {
        if (!seen.has(key(related))) {
          seen.add(key(related))
          out.push(renderResource(context, related, child.keys(), fieldsOf(related.type)))
        }
        visit(related, child)
      }
    }
  }
  for (const record of primary) visit(record, tree)
  return out
}

/** The `meta.can_*` lists and parent of a type. */
const capabilities = (context: RenderContext, type: FakeType) => {
  const spec = typeSpecs[type]
  return {
    can_order_by: spec.orderable,
    can_query_by: Object.keys(spec.queryable),
    can_include: spec.includes,
    can_filter: spec.filters,
    parent: { id: context.organizationId, type: "Organization" }
  }
}

/** One page of a collection, with its links and meta. */
export const collectionDocument = (
  context: RenderContext,
  options: {
    readonly type: FakeType
    /** The request's path and query, to build the page links from. */
    readonly url: URL
    readonly query: ListQuery
    readonly ids: ReadonlyArray<number>
  }
): Json => {
  const { type, url, query, ids } = options
  const page = query.perPage === 0 ? [] : ids.slice(query.offset, query.offset + query.perPage)
  const records = page.flatMap((id) => {
    const record = context.dataset.get(type, id)
    return record === undefined ? [] : [record]
  })
  const linkTo = (offset: number) => {
    const params = new URLSearchParams(url.searchParams)
    params.set("offset", String(offset))
    params.set("per_page", String(query.perPage))
    return `${context.origin}${url.pathname}?${params.toString()}`
  }
  // The per_page=0 trap: an empty page that still links to "the next" one, at the same offset.
  const nextOffset =
    query.perPage === 0
      ? query.offset
      : query.offset + query.perPage < ids.length
        ? query.offset + query.perPage
        : undefined
  const prevOffset = query.offset > 0 ? Math.max(0, query.offset - Math.max(1, query.perPage)) : undefined
  const fieldsOf = (t: string) => query.fields.get(t)
  return {
    links: {
      self: `${context.origin}${url.pathname}${url.search}`,
      ...(nextOffset === undefined ? {} : { next: linkTo(nextOffset) }),
      ...(prevOffset === undefined ? {} : { prev: linkTo(prevOffset) })
    },
    data: records.map((record) => renderResource(context, record, query.include.keys(), fieldsOf(type))),
    included: collectIncluded(context, records, query.include, fieldsOf),
    meta: {
      total_count: ids.length,
      count: records.length,
      ...(nextOffset === undefined ? {} : { next: { offset: nextOffset } }),
      ...(prevOffset === undefined ? {} : { prev: { offset: prevOffset } }),
      ...capabilities(context, type)
    }
  }
}

/** A single-record document. */
export const singleDocument = (context: RenderContext, record: FakeRecord): Json => ({
  data: renderResource(context, record),
  included: [],
  meta: { can_include: typeSpecs[record.type].includes, parent: { id: context.organizationId, type: "Organization" } }
})

/** Planning Center's error body: `{ errors: [{ status, title, code?, detail, ... }] }`. */
export const errorBody = (
  status: number,
  title: string,
  detail: string,
  extra: { readonly [key: string]: Json } = {}
): Json => ({ errors: [{ status: String(status), title, detail, ...extra }] })

/** The 404 Planning Center answers for an unknown id or path. */
export const notFound: Json = errorBody(404, "Not Found", "The resource you requested could not be found")
