/**
 * Resolves relationships against a document's `included` records by type and id, so a person's
 * `emails` relationship becomes the side-loaded email records.
 */
import type { ToMany, ToOne } from "./Relationship.ts"
import { identifierKey } from "./ResourceIdentifier.ts"

interface Identified {
  readonly type: string
  readonly id: string
}

/** The records of one document's `included`, found by type and id. */
export interface IncludedIndex<I extends Identified> {
  /** The included record with this type and id, if the document side-loaded it. */
  readonly get: <T extends I["type"]>(type: T, id: string) => Extract<I, { readonly type: T }> | undefined
  /** The record a to-one relationship points at, when it is of `type` and was side-loaded. */
  readonly one: <T extends I["type"]>(
    relationship: ToOne | undefined,
    type: T
  ) => Extract<I, { readonly type: T }> | undefined
  /** The side-loaded records of `type` a to-many relationship points at, in the relationship's order. */
  readonly many: <T extends I["type"]>(
    relationship: ToMany | undefined,
    type: T
  ) => ReadonlyArray<Extract<I, { readonly type: T }>>
}

const isOfType = <I extends Identified, T extends I["type"]>(
  record: I | undefined,
  type: T
): record is Extract<I, { readonly type: T }> => record !== undefined && record.type === type

/** Indexes a document's `included` records (one page's worth) by type and id. */
export const indexIncluded = <I extends Identified>(body: {
  readonly included: ReadonlyArray<I>
}): IncludedIndex<I> => {
  const byKey = new Map<string, I>()
  for (const record of body.included) byKey.set(identifierKey(record), record)
  const get = <T extends I["type"]>(type: T, id: string) => {
    const record = byKey.get(identifierKey({ type, id }))
    return isOfType(record, type) ? record : undefined
  }
  return {
    get,
    one: (relationship, type) =>
      relationship?.data === null || relationship === undefined ? undefined : get(type, relationship.data.id),
    many: (relationship, type) => {
      const out: Array<Extract<I, { readonly type: typeof type }>> = []
      for (const identifier of relationship?.data ?? []) {
        if (identifier.type !== type) continue
        const record = get(type, identifier.id)
        if (record !== undefined) out.push(record)
      }
      return out
    }
  }
}
