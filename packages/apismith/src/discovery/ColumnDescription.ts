/**
 * One column of an APISmith API, as `GET /api/v1/apis` describes it.
 */
import { Schema } from "effect"
import { OracleTypeFromString } from "./OracleType.ts"

/**
 * A column name: the output alias of the API's query, usually a lowercase identifier, but a quoted
 * Oracle alias may be anything (`PART_NO`, `Line No`); discovery normalizes it (see `identifierOf`).
 */
export const ColumnName = Schema.String.check(
  Schema.isPattern(/\S/, { message: "expected a column name (not empty or blank)" })
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
