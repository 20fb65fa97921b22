/**
 * Helpers shared by the stage tests: manifest columns and the outcome of a step as data.
 */
import type { ColumnManifest, ColumnType, EntityManifest } from "@syncflow/adapter-core"
import { isInvalid } from "../../src/stages/Invalid.ts"
import { type FieldType, fieldType } from "../../src/stages/normalize/FieldType.ts"

/** A manifest column (nullable, not a key) of a type, with an optional Oracle source type. */
export const column = (
  name: string,
  type: ColumnType,
  sourceType?: string,
  extra: Partial<ColumnManifest> = {}
): ColumnManifest => ({
  name,
  type,
  ...(sourceType === undefined ? {} : { sourceType }),
  nullable: true,
  businessKey: false,
  ...extra
})

/** The resolved field type of a column named `f`. */
export const field = (type: ColumnType, sourceType?: string, extra: Partial<ColumnManifest> = {}): FieldType =>
  fieldType(column("f", type, sourceType, extra))

/** A step's outcome as plain data: the value, or `{ issue: reason }`. */
export const outcome = (result: unknown): unknown => (isInvalid(result) ? { issue: result.reason } : result)

/** An items entity as the APISmith adapter describes it. */
export const items: Pick<EntityManifest, "entity" | "businessKey" | "columns" | "cursorField"> = {
  entity: "items",
  businessKey: ["part_no"],
  cursorField: "_row_version",
  columns: [
    column("part_no", "string", "VARCHAR2(20)", { nullable: false, businessKey: true, length: 20 }),
    column("description", "string", "VARCHAR2(200)", { length: 200 }),
    column("uom", "string", "CHAR(3)", { nullable: false, length: 3 }),
    column("list_price", "decimal", "NUMBER(12,2)", { precision: 12, scale: 2 }),
    column("weight_kg", "decimal", "NUMBER"),
    column("commodity_code", "string", "VARCHAR2(10)", { length: 10 }),
    column("is_active", "boolean", "BOOLEAN", { nullable: false }),
    column("created_date", "timestamp", "DATE", { precision: 0 }),
    column("guid", "binary", "RAW(16)", { length: 16 })
  ]
}
