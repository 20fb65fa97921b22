/**
 * Where a value is in a JSON body or record: a JSON Pointer (`/data/items`, RFC 6901) or a dotted
 * path (`data.items`). The document's record selectors, pagination fields and extracted fields are
 * all written this way; an empty path (`""` or `/`) is the value itself.
 */
import { Schema } from "effect"

/** A JSON Pointer or a dotted path, as a document writes it. */
export const FieldPathInput = Schema.String.annotate({
  description: "A JSON Pointer (/data/items) or a dotted path (data.items) into the body or record"
})

/** The property names along a path. */
export type FieldPath = ReadonlyArray<string>

/** Splits a pointer (`/a/b~1c`) or a dotted path (`a.b`) into property names. */
export const parseFieldPath = (text: string): FieldPath => {
  if (text === "" || text === "/") return []
  if (text.startsWith("/")) {
    return text
      .slice(1)
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
  }
  return text.split(".")
}

/** The value at `path` in `value`, or `undefined` when some step is missing or not an object. */
export const getPath = (value: unknown, path: FieldPath): unknown => {
  let current: unknown = value
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined
    current = Array.isArray(current) && /^\d+$/.test(key) ? current[Number(key)] : Reflect.get(current, key)
  }
  return current
}

/** A path as errors show it: `data.items`. */
export const showPath = (path: FieldPath): string => (path.length === 0 ? "(the body)" : path.join("."))
