/**
 * The names a source's metadata gave that are stored under other names (an APISmith slug
 * `Order-Lines` as the entity `order_lines`, a column `PART_NO` as `part_no`), one line each, for
 * `syncflow discover` to show the mapping.
 */
import type { EntityManifest } from "@syncflow/adapter-core"

/** `entity: "Order-Lines" -> order_lines` and `column: "Line No" -> line_no` lines of a manifest. */
export const renamedNames = (manifest: EntityManifest): ReadonlyArray<string> => [
  ...(manifest.sourceName === undefined
    ? []
    : [`entity: ${JSON.stringify(manifest.sourceName)} -> ${manifest.entity}`]),
  ...(manifest.columns ?? []).flatMap((column) =>
    column.sourceName === undefined ? [] : [`column: ${JSON.stringify(column.sourceName)} -> ${column.name}`]
  )
]
