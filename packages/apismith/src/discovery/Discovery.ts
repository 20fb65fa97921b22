/**
 * What discovery found on an APISmith instance: the APIs whose metadata is usable, and a typed
 * error for each API whose metadata is not. One malformed API never hides the well-formed ones.
 */
import { Predicate, Result, Schema } from "effect"
import { ApiDescription } from "./ApiDescription.ts"
import { formatIssue } from "./formatIssue.ts"
import { InvalidApiMetadata } from "./InvalidApiMetadata.ts"

/** The APIs of an instance: usable ones, in the order listed, and one error per unusable one. */
export interface Discovery {
  readonly apis: ReadonlyArray<ApiDescription>
  readonly invalid: ReadonlyArray<InvalidApiMetadata>
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

const invalid = (raw: unknown, index: number, path: string, problem: string): InvalidApiMetadata => {
  const slug = slugOf(raw, index)
  const api = slug.startsWith("#") ? `API ${slug}` : `API ${JSON.stringify(slug)}`
  return new InvalidApiMetadata({
    slug,
    index,
    path,
    message: `${api}: ${path === "" ? "" : `${path}: `}${problem}`,
    sample: sampleOf(raw)
  })
}

/**
 * Decodes the body of `GET /api/v1/apis` one API at a time. An API is unusable when its metadata
 * does not decode (a missing or mistyped field, an unknown Oracle data type, a business-key or
 * foreign-key column that is not a column), when its slug repeats an earlier API's, or when its
 * parent is not a usable API of the list (the engine could not order or resolve it).
 */
export const decodeDiscovery = (list: ReadonlyArray<unknown>): Discovery => {
  const decoded: Array<{ readonly index: number; readonly raw: unknown; readonly api: ApiDescription }> = []
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
    decoded.push({ index, raw, api })
  })
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
    invalid: errors.sort((a, b) => a.index - b.index)
  }
}
