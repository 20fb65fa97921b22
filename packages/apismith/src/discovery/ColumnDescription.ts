/**
 * One column of an APISmith API, as `GET /api/v1/apis` describes it.
 */
import { Schema } from "effect"
import { OracleTypeFromString } from "./OracleType.ts"

/** A column name: the lowercase output alias of the API's query, non-empty and without spaces. */
export const ColumnName = Schema.String.check(
  Schema.isPattern(/^[^\s]+$/, { message: "expected a column name (non-empty, without spaces)" })
)

/**
 * A column: its output alias, its Oracle data type (decoded into an `OracleType`), whether it may
 * be null and whether it is part of the business key.
 */
export const ColumnDescription = Schema.Struct({
  name: ColumnName,
  data_type: OracleTypeFromString,
  is_nullable: Schema.Boolean,
  is_business_key: Schema.Boolean
})

/** A decoded column description. */
export type ColumnDescription = typeof ColumnDescription.Type
