/**
 * How a child entity points at a parent: the child's foreign-key columns hold the parent's
 * business key, so the parent's business-key hash can be computed from a child row.
 */
import type { IngestRow } from "../../destination/TableDestination.ts"
import type { TableTarget } from "../../destination/TableTarget.ts"
import type { BusinessKeyHash } from "../identity/BusinessKeyHash.ts"

/** A child's dependency on one parent entity. */
export interface ParentLink {
  readonly parentEntity: string
  /** The parent's table (in the child's connector's schema). */
  readonly parentTarget: TableTarget
  /** The child's columns holding the parent's key, in the order of `parentKey`. */
  readonly foreignKey: ReadonlyArray<string>
  /** The parent's business-key columns. */
  readonly parentKey: ReadonlyArray<string>
  /** The parent's business-key hasher. */
  readonly parentHash: BusinessKeyHash
}

/** The business-key hash of a row's parent, or `undefined` when the row has no parent (a null foreign key). */
export const parentHashOf = (link: ParentLink, row: IngestRow): string | undefined => {
  const key: Record<string, unknown> = {}
  for (let i = 0; i < link.parentKey.length; i++) {
    const parentColumn = link.parentKey[i]
    const childColumn = link.foreignKey[i]
    if (parentColumn === undefined || childColumn === undefined) return undefined
    key[parentColumn] = row[childColumn]
  }
  return link.parentHash.hash(key)
}
