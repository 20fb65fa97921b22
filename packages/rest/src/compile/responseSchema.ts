/**
 * The schema of a stream's response body, built from its document: an array at the record
 * selector, and the pagination fields the document reads (a total, a has-more flag, a next token or
 * link) with their types. A body of another shape is adapter-core's `InvalidResponse` naming the
 * field (`data`, `meta.total`): the page cannot be read. The array's elements are not checked here:
 * one that is not an object is that record's problem, not the page's (see `strayElement.ts`).
 */
import type { BodySchema } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { type FieldPath, parseFieldPath } from "../document/FieldPath.ts"
import type { StreamSpec } from "../document/StreamSpec.ts"

/** One raw record: a JSON object. */
export const RawRecord = Schema.Record(Schema.String, Schema.Unknown)

/** One raw record: a JSON object. */
export type RawRecord = typeof RawRecord.Type

interface Tree {
  leaf: BodySchema | undefined
  optional: boolean
  readonly children: Map<string, Tree>
}

const node = (): Tree => ({ leaf: undefined, optional: true, children: new Map() })

const add = (tree: Tree, path: FieldPath, leaf: BodySchema, optional: boolean) => {
  let current = tree
  for (const key of path) {
    let next = current.children.get(key)
    if (next === undefined) {
      next = node()
      current.children.set(key, next)
    }
    if (!optional) next.optional = false
    current = next
  }
  current.leaf = leaf
  if (!optional) current.optional = false
}

const build = (tree: Tree): BodySchema => {
  if (tree.leaf !== undefined) return tree.leaf
  const fields: Record<string, BodySchema | Schema.optionalKey<BodySchema>> = {}
  for (const [key, child] of tree.children) {
    const schema = build(child)
    fields[key] = child.optional ? Schema.optionalKey(schema) : schema
  }
  return Schema.Struct(fields)
}

/** The paths a stream's pagination reads, with the type each must have. */
const paginationFields = (stream: StreamSpec): ReadonlyArray<readonly [string, BodySchema]> => {
  const pagination = stream.pagination
  const count = Schema.NullOr(Schema.Number)
  const flag = Schema.NullOr(Schema.Boolean)
  const text = Schema.NullOr(Schema.String)
  switch (pagination?.style) {
    case undefined:
    case "none":
      return []
    case "offset":
      return pagination.total === undefined ? [] : [[pagination.total, count]]
    case "page-number":
      return [
        ...(pagination.totalPages === undefined ? [] : [[pagination.totalPages, count] as const]),
        ...(pagination.hasMore === undefined ? [] : [[pagination.hasMore, flag] as const])
      ]
    case "cursor":
      return [
        ...("path" in pagination.token ? [[pagination.token.path, text] as const] : []),
        ...(pagination.hasMore === undefined ? [] : [[pagination.hasMore, flag] as const])
      ]
    case "next-link":
      return pagination.next === "link-header" ? [] : [[pagination.next.path, text]]
  }
}

/** The response schema of a stream. */
export const responseSchemaOf = (stream: StreamSpec): BodySchema => {
  const records = parseFieldPath(stream.records ?? "")
  const list = Schema.Array(Schema.Unknown)
  if (records.length === 0) return list
  const tree = node()
  add(tree, records, list, false)
  for (const [path, schema] of paginationFields(stream)) add(tree, parseFieldPath(path), schema, true)
  return build(tree)
}
