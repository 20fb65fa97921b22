/**
 * The entities of the fake ERP: items, customers, orders, order lines (children of orders) and
 * units of measure, with their metadata, keys, change-tracking strategy and columns. Every value
 * is derived from the row's hash (see `FakeColumn`), so an entity of any size costs no memory.
 */
import type { DeltaStrategy } from "@syncflow/adapter-core"
import type { CleanKeyValue } from "../CleanRow.ts"
import { hash2, hashText } from "./ErpHash.ts"
import {
  bigIdentifier,
  charPool,
  clobText,
  dateOnly,
  dateTime,
  decimalNumber,
  derivedText,
  type FakeColumn,
  flag,
  integerNumber,
  keyText,
  type Retype,
  type RowContext,
  rawBytes,
  textPool,
  timestamp,
  undeclaredText,
  zeroPaddedCode
} from "./FakeColumn.ts"
import { daysFromCivil, padNumber } from "./OracleText.ts"

/** An Oracle key column of an entity and how its value follows from the row. */
export interface FakeKey {
  /** The Oracle column name as `oracle_keys` spells it, e.g. `PART_NO`. */
  readonly oracle: string
  readonly value: (row: RowContext) => CleanKeyValue
}

/** One entity (one APISmith API) of the fake ERP. */
export interface FakeEntity {
  readonly slug: string
  readonly name: string
  readonly description: string
  readonly deltaStrategy: DeltaStrategy
  readonly parent: { readonly slug: string; readonly foreignKeyColumns: ReadonlyArray<string> } | undefined
  readonly businessKey: ReadonlyArray<string>
  readonly keys: ReadonlyArray<FakeKey>
  /** Declared columns, then fields the metadata does not declare. */
  readonly columns: ReadonlyArray<FakeColumn>
  /** Columns a mutation may add, in order (rows changed afterwards carry values for them). */
  readonly laterColumns: ReadonlyArray<FakeColumn>
  /** `NUMBER` columns a mutation may retype to text, in order (see `retypedLater`). */
  readonly retypes: ReadonlyArray<Retype>
  /** How many original rows there are. */
  readonly baseCount: number
  /** The row version (epoch seconds) of the first original row. */
  readonly versionEpoch: number
  /** How many original rows share each row version (one second). */
  readonly rowsPerSecond: number
  /** Fills entity-specific coordinates (`a`, `b`) of a row from its index. */
  readonly prepare: ((row: RowContext) => void) | undefined
}

/** How many original rows each sized entity has. */
export interface EntitySizes {
  readonly items: number
  readonly customers: number
  readonly orders: number
}

/** Epoch seconds of a UTC date and time. */
const at = (year: number, month: number, day: number, hour = 0) => Date.UTC(year, month - 1, day, hour) / 1000

/** The second of the first mutation's row version: `20251208120000`. */
export const MUTATION_EPOCH = at(2025, 12, 8, 12)

const ITEM_NOUNS = [
  "Hex bolt",
  "Flat washer",
  "Ball bearing",
  "Gasket",
  "Hydraulic hose",
  "Circuit board",
  "Valve body",
  "Pump seal",
  "Steel plate",
  "Cartridge fuse"
]
const ITEM_SIZES = ["M8", "M10", '3/4"', "DN50", "10 mm", '2" x 4"']
const ITEM_FINISHES = ["zinc plated", "stainless", "EPDM", "brass", "Ø10 galvanised", '"premium" grade']
const ITEM_DESCRIPTIONS = ITEM_NOUNS.flatMap((noun) =>
  ITEM_SIZES.flatMap((size) => ITEM_FINISHES.map((finish) => `${noun} ${size} ${finish}`))
)

const CUSTOMER_NAMES = [
  "Acme Industries Inc.",
  "Müller Maschinenbau GmbH",
  "Ørsted Components A/S",
  "東京精密株式会社",
  "O'Brien & Sons Ltd",
  "Société Générale d'Équipement",
  "Nordic Steel AB",
  "García Hermanos S.L.",
  "Pacific Rim Trading Co.",
  "Łódź Metalworks Sp. z o.o.",
  "Smith, Jones & Partners",
  "Kowalski Automotive",
  "Andersson Verktyg AB",
  "Blue Ridge Hydraulics LLC",
  "Zürich Präzision AG",
  "Ng Electronics Pte Ltd"
]

const CUSTOMER_NOTES = [
  "Deliver to dock 4.\nCall ahead.",
  "Credit hold lifted 2024-03.\nSee ticket #4411.\nContact: A. Berg",
  "Prefers invoices by e-mail.",
  "Key account.\nQuarterly review with sales.",
  "Ship complete only.\nNo partial deliveries."
]

const UOM_CODES = ["EA", "KG", "M", "L", "PCS", "BOX", "SET", "PR"]
const UOM_NAMES = ["Each", "Kilogram", "Metre", "Litre", "Pieces", "Box", "Set", "Pair"]
const UOM_DECIMALS = [0, 3, 2, 3, 0, 0, 0, 0]
const COUNTRIES = ["US", "SE", "DE", "GB", "FR", "NO", "JP", "ES"]
const CURRENCIES = ["USD", "EUR", "SEK", "GBP", "JPY"]
const CARRIERS = ["DHL", "UPS", "FDX", "POST", "PICK"]
const ORDER_STATUSES = ["Planned", "Released", "Reserved", "Picked", "Delivered", "Invoiced", "Cancelled"]

const partNo = (k: number) => `PART-${padNumber(k + 1, 7)}`
const customerId = (k: number) => padNumber(k + 1, 7)
const orderNo = (k: number) => `SO${padNumber(k + 1, 8)}`

const DAYS_1985 = daysFromCivil(1985, 1, 1)
const DAYS_2024 = daysFromCivil(2024, 1, 1)

/**
 * Order lines per order repeat with a period of 16 orders (1-6 lines each, from the seed), so the
 * order and line number of any line index are computed in constant time.
 */
const lineLayout = (seed: number) => {
  const counts = Array.from({ length: 16 }, (_, k) => 1 + (hash2(seed, k) % 6))
  const prefix = [0]
  for (const c of counts) prefix.push((prefix[prefix.length - 1] ?? 0) + c)
  const period = prefix[16] ?? 0
  const linesBefore = (orders: number) => Math.floor(orders / 16) * period + (prefix[orders % 16] ?? 0)
  const locate = (line: number): { readonly order: number; readonly lineNo: number } => {
    const cycle = Math.floor(line / period)
    const rest = line - cycle * period
    let k = 0
    while ((prefix[k + 1] ?? Number.POSITIVE_INFINITY) <= rest) k++
    return { order: cycle * 16 + k, lineNo: rest - (prefix[k] ?? 0) + 1 }
  }
  return { linesBefore, locate }
}

/** The fake ERP's entities for a seed and sizes. */
export const makeEntities = (seed: number, sizes: EntitySizes): ReadonlyArray<FakeEntity> => {
  const layout = lineLayout(hash2(seed, hashText("order_lines.layout")))
  const lineCount = layout.linesBefore(sizes.orders)
  const ordersForLines = Math.max(1, sizes.orders)
  const customerRef = (row: RowContext) => customerId(hash2(row.h, 0xc057) % Math.max(1, sizes.customers))

  const items: FakeEntity = {
    slug: "items",
    name: "Items",
    description: "Inventory part master (IFS InventoryPart)",
    deltaStrategy: "rowversion",
    parent: undefined,
    businessKey: ["part_no"],
    keys: [{ oracle: "PART_NO", value: (row) => row.key }],
    columns: [
      keyText({ name: "part_no", dataType: "VARCHAR2(20)", value: (row) => row.key }),
      textPool({ name: "description", dataType: "VARCHAR2(200)", nullable: true, pool: ITEM_DESCRIPTIONS }),
      charPool({ name: "uom", length: 3, nullable: false, pool: UOM_CODES }),
      decimalNumber({ name: "list_price", dataType: "NUMBER(12,2)", nullable: true, scale: 2, maxUnits: 10_000_000 }),
      decimalNumber({
        name: "weight_kg",
        dataType: "NUMBER",
        nullable: true,
        scale: 3,
        maxUnits: 5_000_000,
        hugeEvery: 97
      }),
      zeroPaddedCode({ name: "commodity_code", dataType: "VARCHAR2(10)", nullable: true, digits: 5 }),
      flag({ name: "is_active", nullable: false }),
      dateOnly({ name: "created_date", dataType: "DATE", nullable: true, fromDays: DAYS_1985, spanDays: 14_600 }),
      undeclaredText({ name: "legacy_flag", pool: ["X", "", null, "X ", null, null, "   ", " \r\n "] })
    ],
    laterColumns: [
      zeroPaddedCode({ name: "planner_code", dataType: "VARCHAR2(10)", nullable: true, digits: 4 }),
      decimalNumber({ name: "safety_stock", dataType: "NUMBER(10,2)", nullable: true, scale: 2, maxUnits: 1_000_000 }),
      dateOnly({ name: "discontinued_on", dataType: "DATE", nullable: true, fromDays: DAYS_2024, spanDays: 1500 })
    ],
    retypes: [
      {
        name: "weight_kg",
        dataType: "VARCHAR2(20)",
        pool: ["12.5", "0.75", "N/A", "40", "approx. 3", "1.25", "TBD", "see drawing"]
      }
    ],
    baseCount: sizes.items,
    versionEpoch: at(2024, 2, 1),
    rowsPerSecond: 50,
    prepare: (row) => {
      row.key = partNo(row.index)
    }
  }

  const customers: FakeEntity = {
    slug: "customers",
    name: "Customers",
    description: "Customer master (IFS CustomerInfo)",
    deltaStrategy: "hash",
    parent: undefined,
    businessKey: ["customer_id"],
    keys: [{ oracle: "CUSTOMER_ID", value: (row) => customerId(row.index) }],
    columns: [
      keyText({ name: "customer_id", dataType: "VARCHAR2(10)", value: (row) => customerId(row.index) }),
      textPool({ name: "name", dataType: "VARCHAR2(100)", nullable: false, pool: CUSTOMER_NAMES, rawUnicode: true }),
      charPool({ name: "country_code", length: 2, nullable: false, pool: COUNTRIES }),
      decimalNumber({
        name: "credit_limit",
        dataType: "NUMBER(14,2)",
        nullable: true,
        scale: 2,
        maxUnits: 100_000_000
      }),
      derivedText({
        name: "email",
        dataType: "VARCHAR2(200)",
        nullable: true,
        value: (row) => `ap.${customerId(row.index)}@example.test`,
        safe: true
      }),
      flag({ name: "is_vip", nullable: true }),
      dateTime({
        name: "created_at",
        dataType: "DATE",
        nullable: false,
        fromSeconds: at(2005, 1, 1),
        spanSeconds: 600_000_000
      }),
      rawBytes({ name: "customer_guid", dataType: "RAW(16)", nullable: true, length: 16 }),
      clobText({ name: "notes", dataType: "CLOB", nullable: true, pool: CUSTOMER_NOTES })
    ],
    laterColumns: [
      textPool({ name: "segment", dataType: "VARCHAR2(20)", nullable: true, pool: ["Retail", "Wholesale", "OEM"] }),
      decimalNumber({ name: "discount_pct", dataType: "NUMBER(5,2)", nullable: true, scale: 2, maxUnits: 5000 })
    ],
    retypes: [{ name: "credit_limit", dataType: "VARCHAR2(20)", pool: ["5000", "On request", "12000.5", "none"] }],
    baseCount: sizes.customers,
    versionEpoch: at(2024, 1, 1),
    rowsPerSecond: 3,
    prepare: undefined
  }

  const orders: FakeEntity = {
    slug: "orders",
    name: "Customer orders",
    description: "Customer order headers (IFS CustomerOrder)",
    deltaStrategy: "rowversion",
    parent: { slug: "customers", foreignKeyColumns: ["customer_id"] },
    businessKey: ["order_no"],
    keys: [{ oracle: "ORDER_NO", value: (row) => orderNo(row.index) }],
    columns: [
      keyText({ name: "order_no", dataType: "VARCHAR2(12)", value: (row) => orderNo(row.index) }),
      keyText({ name: "customer_id", dataType: "VARCHAR2(10)", value: customerRef }),
      dateOnly({ name: "order_date", dataType: "DATE", nullable: false, fromDays: DAYS_2024 - 400, spanDays: 800 }),
      textPool({ name: "status", dataType: "VARCHAR2(20)", nullable: false, pool: ORDER_STATUSES }),
      charPool({ name: "currency_code", length: 3, nullable: false, pool: CURRENCIES }),
      decimalNumber({
        name: "total_amount",
        dataType: "NUMBER(14,2)",
        nullable: true,
        scale: 2,
        maxUnits: 200_000_000
      }),
      bigIdentifier({ name: "erp_id", base: 9_007_199_254_740_993n }),
      timestamp({
        name: "last_changed",
        dataType: "TIMESTAMP(3) WITH TIME ZONE",
        nullable: true,
        zoned: true,
        fromSeconds: at(2024, 1, 1),
        spanSeconds: 60_000_000
      }),
      charPool({ name: "ship_via", length: 4, nullable: true, pool: CARRIERS })
    ],
    laterColumns: [
      textPool({ name: "route_id", dataType: "VARCHAR2(12)", nullable: true, pool: ["R-NORTH", "R-SOUTH", "R-EXPORT"] })
    ],
    retypes: [],
    baseCount: sizes.orders,
    versionEpoch: at(2024, 6, 1),
    rowsPerSecond: 5,
    prepare: undefined
  }

  const orderLines: FakeEntity = {
    slug: "order_lines",
    name: "Customer order lines",
    description: "Customer order lines (IFS CustomerOrderLine), children of orders",
    deltaStrategy: "rowversion",
    parent: { slug: "orders", foreignKeyColumns: ["order_no"] },
    businessKey: ["order_no", "line_no"],
    keys: [
      { oracle: "ORDER_NO", value: (row) => orderNo(row.a) },
      { oracle: "LINE_NO", value: (row) => row.b }
    ],
    columns: [
      keyText({ name: "order_no", dataType: "VARCHAR2(12)", value: (row) => orderNo(row.a) }),
      integerNumber({ name: "line_no", dataType: "NUMBER(6)", nullable: false, value: (row) => row.b }),
      keyText({
        name: "part_no",
        dataType: "VARCHAR2(20)",
        value: (row) => partNo(hash2(row.h, 0x9a27) % Math.max(1, sizes.items))
      }),
      decimalNumber({ name: "quantity", dataType: "NUMBER(10,3)", nullable: false, scale: 3, maxUnits: 5_000_000 }),
      decimalNumber({ name: "unit_price", dataType: "NUMBER(12,2)", nullable: true, scale: 2, maxUnits: 10_000_000 }),
      timestamp({
        name: "promised_at",
        dataType: "TIMESTAMP(3)",
        nullable: true,
        zoned: false,
        fromSeconds: at(2024, 1, 1),
        spanSeconds: 60_000_000
      })
    ],
    laterColumns: [textPool({ name: "site", dataType: "VARCHAR2(5)", nullable: true, pool: ["S01", "S02", "S10"] })],
    retypes: [],
    baseCount: lineCount,
    versionEpoch: at(2024, 6, 1),
    rowsPerSecond: 15,
    prepare: (row) => {
      if (row.index < lineCount) {
        const { order, lineNo } = layout.locate(row.index)
        row.a = order
        row.b = lineNo
      } else {
        // Inserted lines join existing orders with line numbers from 100 up, unique by insertion.
        const q = row.index - lineCount
        row.a = hash2(seed, q) % ordersForLines
        row.b = 100 + q
      }
    }
  }

  const uomCode = (index: number) => UOM_CODES[index] ?? `U${padNumber(index, 2)}`
  const units: FakeEntity = {
    slug: "units",
    name: "Units of measure",
    description: "Units of measure (IFS IsoUnit), a small lookup synced in full",
    deltaStrategy: "full",
    parent: undefined,
    businessKey: ["uom_code"],
    keys: [{ oracle: "UOM_CODE", value: (row) => uomCode(row.index).padEnd(3, " ") }],
    columns: [
      {
        name: "uom_code",
        dataType: "CHAR(3)",
        nullable: false,
        declared: true,
        json: (row) => `"${uomCode(row.index).padEnd(3, " ")}"`,
        clean: (row) => uomCode(row.index)
      },
      {
        name: "description",
        dataType: "VARCHAR2(50)",
        nullable: false,
        declared: true,
        json: (row) =>
          JSON.stringify(
            `${UOM_NAMES[row.index] ?? `Unit ${row.index}`}${row.revision > 0 ? ` (rev ${row.revision})` : ""}`
          ),
        clean: (row) =>
          `${UOM_NAMES[row.index] ?? `Unit ${row.index}`}${row.revision > 0 ? ` (rev ${row.revision})` : ""}`
      },
      integerNumber({
        name: "decimals",
        dataType: "NUMBER(1)",
        nullable: false,
        value: (row) => UOM_DECIMALS[row.index] ?? 0
      })
    ],
    laterColumns: [flag({ name: "is_metric", nullable: true })],
    retypes: [],
    baseCount: UOM_CODES.length,
    versionEpoch: at(2023, 6, 1),
    rowsPerSecond: 2,
    prepare: undefined
  }

  return [units, items, customers, orders, orderLines]
}
