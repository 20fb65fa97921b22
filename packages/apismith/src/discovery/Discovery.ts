/**
 * What discovery found on an APISmith instance: the APIs whose metadata is usable with the names
 * they are stored under, and a typed error for each API whose metadata is not. One malformed API
 * never hides the well-formed ones.
 */
import { Predicate, Result, Schema } from "effect"
import { type ApiNames, apiNames } from "../naming/ApiNames.ts"
import { NameCollision } from "../naming/NameCollision.ts"
import { ApiDescription } from "./ApiDescription.ts"
import { formatIssue } from "./formatIssue.ts"
import { InvalidApiMetadata } from "./InvalidApiMetadata.ts"

/** The APIs of an instance: usable ones, in the order listed, and one error per unusable one. */
export interface Discovery {
  readonly apis: ReadonlyArray<ApiDescription>
  readonly invalid: ReadonlyArray<InvalidApiMetadata>
  /** The names each usable API is stored under, by its slug as listed. */
  readonly names: ReadonlyMap<string, ApiNames>
}

const decodeApi = Schema.decodeUnknownResult(ApiDescription)

const sampleOf = (raw: unknown): string => {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, 300)
  } catch {
    return String(raw).slice(0, 300)
  }
}

/** The slug to name an API by in errors: its `slug` when it is a non-empty string, else `#<index>`. */
const slugOf = (raw: unknown, index: number): string =>
  Predicate.hasProperty(raw, "slug") && Predicate.isString(raw.slug) && raw.slug.trim() !== "" ? raw.slug : `#${index}`

const invalid = (
  raw: unknown,
  index: number,
  path: string,
  problem: string,
  collision?: NameCollision
): InvalidApiMetadata => {
  const slug = slugOf(raw, index)
  const api = slug.startsWith("#") ? `API ${slug}` : `API ${JSON.stringify(slug)}`
  return new InvalidApiMetadata({
    slug,
    index,
    path,
    message: `${api}: ${path === "" ? "" : `${path}: `}${problem}`,
    sample: sampleOf(raw),
    ...(collision === undefined ? {} : { collision })
  })
}

interface Decoded {
  readonly index: number
  readonly raw: unknown
  readonly api: ApiDescription
  readonly names: ApiNames
}

/**
 * The APIs whose slugs normalize to another's entity name: an API whose slug already is that name
 * keeps it, every other one is refused naming the one it collides with (all of them when none is
 * kept), so the outcome does not depend on the order of the list.
 */
const slugCollisions = (decoded: ReadonlyArray<Decoded>): Map<Decoded, NameCollision> => {
  const byEntity = new Map<string, Array<Decoded>>()
  for (const entry of decoded) {
    const group = byEntity.get(entry.names.entity)
    if (group === undefined) byEntity.set(entry.names.entity, [entry])
    else group.push(entry)
  }
  const refused = new Map<Decoded, NameCollision>()
  for (const [entity, group] of byEntity) {
    if (group.length < 2) continue
    const kept = group.find((entry) => entry.api.slug === entity)
    for (const entry of group) {
      if (entry === kept) continue
      const other = kept ?? group.find((candidate) => candidate !== entry) ?? entry
      refused.set(
        entry,
        new NameCollision({
          kind: "slug",
          identifier: entity,
          name: entry.api.slug,
          other: other.api.slug,
          slug: entry.api.slug
        })
      )
    }
  }
  return refused
}

/**
 * Decodes the body of `GET /api/v1/apis` one API at a time. An API is unusable when its metadata
 * does not decode (a missing or mistyped field, an unknown Oracle data type, a business-key or
 * foreign-key column that is not a column), when its slug repeats an earlier API's, or when its
 * parent is not a usable API of the list (the engine could not order or resolve it). Names that
 * are not lowercase identifiers are normalized (see `identifierOf`); an API is unusable when its
 * slug or a column name cannot be, or when two of its columns, or its slug and another API's,
 * normalize to one identifier (the error carries a `NameCollision` naming both).
 */
export const decodeDiscovery = (list: ReadonlyArray<unknown>): Discovery => {
  const named: Array<Decoded> = []
  const errors: Array<InvalidApiMetadata> = []
  const seen = new Set<string>()
  list.forEach((raw, index) => {
    const result = decodeApi(raw)
    if (Result.isFailure(result)) {
      const { path, message, count } = formatIssue(result.failure.issue, raw)
      const more = count > 1 ? ` (and ${count - 1} more problem${count > 2 ? "s" : ""})` : ""
      errors.push(invalid(raw, index, path, `${message}${more}`))
      return
    }
    const api = result.success
    if (seen.has(api.slug)) {
      errors.push(invalid(raw, index, "slug", `duplicate slug ${JSON.stringify(api.slug)}`))
      return
    }
    seen.add(api.slug)
    const names = apiNames(api)
    if (Result.isFailure(names)) {
      errors.push(invalid(raw, index, names.failure.path, names.failure.message, names.failure.collision))
      return
    }
    named.push({ index, raw, api, names: names.success })
  })
  const collisions = slugCollisions(named)
  for (const [entry, collision] of collisions) {
    errors.push(invalid(entry.raw, entry.index, "slug", collision.message, collision))
  }
  const decoded = named.filter((entry) => !collisions.has(entry))
  // Parents must be usable APIs; dropping a child can orphan its own children, so repeat to a fixed point.
  let usable = decoded
  for (;;) {
    const slugs = new Set(usable.map((entry) => entry.api.slug))
    const orphans = usable.filter((entry) => entry.api.parent != null && !slugs.has(entry.api.parent.slug))
    if (orphans.length === 0) break
    for (const entry of orphans) {
      const parent = entry.api.parent?.slug ?? ""
      errors.push(
        invalid(entry.raw, entry.index, "parent.slug", `the parent API ${JSON.stringify(parent)} is missing or invalid`)
      )
    }
    usable = usable.filter((entry) => !orphans.includes(entry))
  }
  return {
    apis: usable.map((entry) => entry.api),
    invalid: errors.sort((a, b) => a.index - b.index),
    names: new Map(usable.map((entry) => [entry.api.slug, entry.names]))
  }
}
