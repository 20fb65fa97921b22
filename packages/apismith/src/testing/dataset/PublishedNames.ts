/**
 * The names the fake ERP publishes for its APIs and columns when they are not its own lowercase
 * identifiers: a quoted Oracle alias (`"PART_NO"`, `"Line No"`) or a slug such as `Order-Lines`.
 * Rows and metadata carry the published names; the ground truth stays keyed by the fake's own
 * names, which are what a correct normalizer makes of the published ones.
 */

/** Published names, by the fake's own entity slug (and column name). */
export interface PublishedNames {
  /** The slug each entity is published under, e.g. `{ order_lines: "Order-Lines" }`. */
  readonly slugs?: Readonly<Record<string, string>> | undefined
  /** The name each column is published under, by entity, e.g. `{ items: { part_no: "PART_NO" } }`. */
  readonly columns?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined
}

/**
 * Names as an ERP with quoted aliases and non-identifier slugs publishes them. Normalized
 * (lowercase, every run of other characters one `_`, trimmed) they give the fake's own names:
 * `Order-Lines` -> `order_lines`, `PART_NO` -> `part_no`, `Line No` -> `line_no`,
 * `LEGACY FLAG` (a field the metadata does not declare) -> `legacy_flag`.
 */
export const NON_IDENTIFIER_NAMES: PublishedNames = {
  slugs: { order_lines: "Order-Lines", customers: "CUSTOMERS" },
  columns: {
    items: { part_no: "PART_NO", list_price: "List Price", weight_kg: "Weight (kg)", legacy_flag: "LEGACY FLAG" },
    customers: { customer_id: "CUSTOMER_ID", credit_limit: "Credit.Limit", created_at: "CREATED-AT" },
    orders: { order_no: "ORDER_NO", customer_id: "Customer Id", total_amount: "TOTAL__AMOUNT_" },
    order_lines: { order_no: "ORDER_NO", line_no: "Line No", part_no: "PART_NO", unit_price: "Unit-Price" }
  }
}
