/**
 * One API of an APISmith instance, as `GET /api/v1/apis` describes it: what it is, its columns,
 * the columns that identify a row, how changes are detected, and the API it depends on.
 */
import { DeltaStrategy } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { ColumnDescription, ColumnName } from "./ColumnDescription.ts"

/** An API slug: letters, digits, `_` and `-`, as used in `/api/v1/data/{slug}`. */
export const ApiSlug = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: "expected an API slug (letters, digits, _ and -)" })
)

/** The API this one depends on: its slug, and this API's columns that hold the parent's business key. */
export const ParentDescription = Schema.Struct({
  slug: ApiSlug,
  foreign_key_columns: Schema.NonEmptyArray(ColumnName)
})

/** The API this one depends on. */
export type ParentDescription = typeof ParentDescription.Type

const fields = Schema.Struct({
  slug: ApiSlug,
  name: Schema.String,
  description: Schema.optionalKey(Schema.NullOr(Schema.String)),
  columns: Schema.NonEmptyArray(ColumnDescription),
  business_key_columns: Schema.NonEmptyArray(ColumnName),
  delta_strategy: DeltaStrategy,
  parent: Schema.optionalKey(Schema.NullOr(ParentDescription))
})

/**
 * The checks that relate fields to each other: column names are unique, and the business-key and
 * foreign-key columns are columns of the API. Each failure names its path.
 */
const consistent = Schema.makeFilter((api: typeof fields.Type) => {
  const issues: Array<Schema.FilterIssue> = []
  const names = new Set<string>()
  api.columns.forEach((column, i) => {
    if (names.has(column.name)) {
      issues.push({ path: ["columns", i, "name"], issue: `duplicate column name ${JSON.stringify(column.name)}` })
    }
    names.add(column.name)
  })
  api.business_key_columns.forEach((name, i) => {
    if (!names.has(name)) {
      issues.push({ path: ["business_key_columns", i], issue: `${JSON.stringify(name)} is not one of the columns` })
    }
  })
  api.parent?.foreign_key_columns.forEach((name, i) => {
    if (!names.has(name)) {
      issues.push({
        path: ["parent", "foreign_key_columns", i],
        issue: `${JSON.stringify(name)} is not one of the columns`
      })
    }
  })
  if (api.parent?.slug === api.slug) {
    issues.push({ path: ["parent", "slug"], issue: "an API cannot be its own parent" })
  }
  return issues
})

/** An API's metadata, decoded and checked for consistency. Unknown fields are ignored. */
export const ApiDescription = fields.check(consistent)

/** A decoded API description. */
export type ApiDescription = typeof ApiDescription.Type
