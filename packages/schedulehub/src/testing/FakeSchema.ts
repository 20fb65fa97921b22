/**
 * The fake ScheduleHub's default entities, matching the fake ERP's (`@syncflow/apismith/testing`):
 * items, customers, orders (children of customers), order lines (children of orders) and units,
 * so an ERP -> ScheduleHub sync can be tested end to end. A child names its parent by the parent's
 * `erp_key_hash` in its `via` field.
 */
import type { EntityDescription, FieldDescription } from "../endpoints/GetSchema.ts"

const field = (name: string, type: FieldDescription["type"], required = false): FieldDescription => ({
  name,
  type,
  required
})

/** The default entities of the fake. */
export const defaultEntities: ReadonlyArray<EntityDescription> = [
  {
    name: "items",
    fields: [
      field("part_no", "string", true),
      field("description", "string"),
      field("uom", "string"),
      field("list_price", "decimal"),
      field("weight_kg", "decimal"),
      field("commodity_code", "string"),
      field("is_active", "boolean"),
      field("created_date", "date")
    ],
    parents: []
  },
  {
    name: "customers",
    fields: [
      field("customer_id", "string", true),
      field("name", "string", true),
      field("country_code", "string"),
      field("credit_limit", "decimal"),
      field("email", "string"),
      field("is_vip", "boolean"),
      field("created_at", "timestamp"),
      field("notes", "string")
    ],
    parents: []
  },
  {
    name: "orders",
    fields: [
      field("order_no", "string", true),
      field("customer_key_hash", "string"),
      field("customer_id", "string"),
      field("order_date", "date"),
      field("status", "string"),
      field("currency_code", "string"),
      field("total_amount", "decimal"),
      field("last_changed", "timestamp"),
      field("ship_via", "string")
    ],
    parents: [{ entity: "customers", via: "customer_key_hash" }]
  },
  {
    name: "order_lines",
    fields: [
      field("order_key_hash", "string", true),
      field("order_no", "string", true),
      field("line_no", "integer", true),
      field("part_no", "string"),
      field("quantity", "decimal"),
      field("unit_price", "decimal"),
      field("promised_at", "timestamp")
    ],
    parents: [{ entity: "orders", via: "order_key_hash" }]
  },
  {
    name: "units",
    fields: [field("uom_code", "string", true), field("description", "string"), field("decimals", "integer")],
    parents: []
  }
]
