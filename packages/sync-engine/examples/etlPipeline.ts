import type { DefinitionSpec } from "@syncflow/sync-engine"

// Seed 000's L2 example as a sync definition: the ERP's orders, joined with the synced customers,
// aggregated per customer into a table of their own, then only the large orders kept.
export const customer360: DefinitionSpec = {
  name: "customer 360",
  source: { connectorId: "erp", entity: "orders" },
  destination: { kind: "postgres", table: "large_orders" },
  pipeline: [
    {
      type: "join",
      from: { connectorId: "erp", entity: "customers" }, // the customers' synced table
      on: { field: "customer_id", to: "customer_id" },
      joinType: "left",
      fields: { name: "customer_name", country_code: "country" }
    },
    {
      type: "aggregate",
      into: { table: "customer_order_stats" },
      groupBy: ["customer_id"],
      metrics: {
        order_count: "COUNT(*)",
        total_amount: "SUM(total_amount)",
        smallest_order: "MIN(total_amount)",
        largest_order: "MAX(total_amount)",
        average_order: "AVG(total_amount)"
      }
    },
    { type: "filter", condition: "total_amount != null && total_amount > 1000000.0" }
  ]
}
