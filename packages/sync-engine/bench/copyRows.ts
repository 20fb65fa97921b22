/**
 * The rows of the COPY benchmark (`copyThroughput.ts`): the item rows of `upsertThroughput.ts`
 * (ten typed columns, identity hashes), generated one chunk at a time so a million of them never
 * sit in memory together.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import type { IngestRow } from "../src/destination/TableDestination.ts"

/** The items entity, as its manifest declares it. */
export const itemsManifest = (entity: string): EntityManifest => ({
  entity,
  endpoint: "items.list",
  businessKey: ["item_number"],
  deltaStrategy: "hash",
  parents: [],
  columns: [
    { name: "item_number", type: "string", nullable: false, businessKey: true },
    { name: "description", type: "string", nullable: true, businessKey: false },
    { name: "uom", type: "string", nullable: true, businessKey: false },
    { name: "list_price", type: "decimal", nullable: true, businessKey: false, precision: 12, scale: 2 },
    { name: "weight", type: "decimal", nullable: true, businessKey: false, precision: 10, scale: 3 },
    { name: "quantity", type: "integer", nullable: true, businessKey: false },
    { name: "active", type: "boolean", nullable: true, businessKey: false },
    { name: "created_date", type: "date", nullable: true, businessKey: false },
    { name: "updated_at", type: "timestamp", nullable: true, businessKey: false },
    { name: "attributes", type: "json", nullable: true, businessKey: false }
  ]
})

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0").slice(-width)

/** Item `i` at data version `version` (a different version changes the data hash and the row version). */
export const itemRow = (i: number, version: number): IngestRow => ({
  item_number: `PART-${i}`,
  description: `Widget number ${i} in a long description of some length`,
  uom: i % 3 === 0 ? "EA" : "BOX",
  list_price: `${(i % 10_000) + 0.5}`,
  weight: `${(i % 977) / 7}`.slice(0, 8),
  quantity: i % 1000,
  active: i % 2 === 0,
  created_date: "2025-12-08",
  updated_at: `2025-12-08T10:30:00.${hex(i % 1_000_000, 6).replace(/[a-f]/g, "1")}Z`,
  attributes: i % 5 === 0 ? { color: "red", size: i % 7 } : null,
  _bk_hash: hex(i * 2_654_435_761, 16) + hex(i, 16),
  _data_hash: hex(version, 32) + hex(i, 32),
  _row_version: `2025-12-08 10:30:00.${version}`
})

/** Rows `from` to `to` (exclusive), item `i` at `version(i)`. */
export const itemChunk = (from: number, to: number, version: (i: number) => number): Array<IngestRow> => {
  const rows: Array<IngestRow> = []
  for (let i = from; i < to; i++) rows.push(itemRow(i, version(i)))
  return rows
}
