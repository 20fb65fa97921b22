/**
 * How a substream's records point at their parent record: the foreign key its manifest declares
 * (fields of the child holding the parent's primary key, in the key's order: the sync engine links
 * rows by it) and the parent fields copied into each child record to hold it. When the path's
 * placeholders are filled from exactly the parent's primary key, the placeholders are that foreign
 * key; otherwise (a path filled from other fields, as GitHub's `owner` and `repo` from a
 * repository's owner and name) each child record also gets the parent's key as `<parent>_<field>`
 * (`repositories_id`).
 */
import type { SourceDocument } from "../document/SourceDocument.ts"
import type { StreamSpec } from "../document/StreamSpec.ts"
import { primaryKeyOf } from "../document/validateDocument.ts"

/** A substream's link to its parent stream. */
export interface ParentLink {
  /** The parent stream. */
  readonly entity: string
  /** The child's fields holding the parent's primary key, in the key's order. */
  readonly foreignKey: ReadonlyArray<string>
  /** The child fields set from the parent record's fields (none when the placeholders are the key). */
  readonly copied: ReadonlyArray<{ readonly field: string; readonly parentField: string }>
}

/** The link of `stream` to its parent; `undefined` for a top-level stream (or a parent the document lacks). */
export const parentLinkOf = (
  document: SourceDocument,
  stream: StreamSpec,
  params: ReadonlyArray<{ readonly placeholder: string; readonly field: string }>
): ParentLink | undefined => {
  const name = stream.parent?.stream
  const parent = name === undefined ? undefined : document.streams.find((candidate) => candidate.name === name)
  if (name === undefined || parent === undefined) return undefined
  const parentKey = primaryKeyOf(parent)
  const byKey = parentKey.map((key) => params.find((param) => param.field === key)?.placeholder)
  if (params.length === parentKey.length && byKey.every((placeholder) => placeholder !== undefined)) {
    return { entity: name, foreignKey: byKey.filter((placeholder) => placeholder !== undefined), copied: [] }
  }
  const copied = parentKey.map((key) => ({ field: `${name}_${key}`, parentField: key }))
  return { entity: name, foreignKey: copied.map((link) => link.field), copied }
}
