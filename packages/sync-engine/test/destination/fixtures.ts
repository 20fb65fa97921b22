/**
 * Shared fixtures of the destination tests: manifests of a small `parts` entity and its rows.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import type { IngestRow } from "../../src/destination/TableDestination.ts"
import * as TableTarget from "../../src/destination/TableTarget.ts"

/** The table `public.<table>`: the destination tests write explicit targets in `public`. */
export const pub = (table: string): TableTarget.TableTarget => TableTarget.make("public", table)

/** A nullable, non-key column unless `extra` says otherwise. */
export const column = (
  name: string,
  type: NonNullable<EntityManifest["columns"]>[number]["type"],
  extra: Partial<NonNullable<EntityManifest["columns"]>[number]> = {}
) => ({ name, type, nullable: true, businessKey: false, ...extra })

/** A hash-strategy manifest keyed by `code`. */
export const manifest = (entity: string, columns: EntityManifest["columns"]): EntityManifest => ({
  entity,
  endpoint: `${entity}.list`,
  businessKey: ["code"],
  deltaStrategy: "hash",
  parents: [],
  ...(columns === undefined ? {} : { columns })
})

/** The columns of the `parts` entity. */
export const partColumns = [
  column("code", "string", { businessKey: true, nullable: false }),
  column("description", "string"),
  column("price", "decimal", { precision: 12, scale: 2 }),
  column("qty", "integer")
]

/** The business-key hash of part `i`. */
export const bk = (i: number) => i.toString(16).padStart(32, "0")
/** The data hash of part `i` at `version`. */
export const dh = (i: number, version: number) =>
  `${version.toString(16).padStart(32, "0")}${i.toString(16).padStart(32, "0")}`

/** Part `i` at `version`, as the destination takes it. */
export const part = (i: number, version = 1): IngestRow => ({
  code: `P-${i}`,
  description: `part ${i} v${version}`,
  price: `${i}.${version % 100}`,
  qty: i,
  _bk_hash: bk(i),
  _data_hash: dh(i, version),
  _row_version: `v${version}`
})

/** The integers from `from` (included) to `to` (excluded). */
export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k)

/** Run ids. */
export const run1 = "00000000-0000-4000-8000-000000000001"
export const run2 = "00000000-0000-4000-8000-000000000002"
export const run3 = "00000000-0000-4000-8000-000000000003"
export const run4 = "00000000-0000-4000-8000-000000000004"
