/**
 * The names an API is stored under: its entity (from the slug) and each column's identifier (from
 * its alias), both by `identifierOf`. The adapter requests data with the original slug and renames
 * each row's fields to the identifiers; the manifest keeps the originals as `sourceName`.
 */
import { Result } from "effect"
import type { ApiDescription } from "../discovery/ApiDescription.ts"
import { identifierOf } from "./identifierOf.ts"
import { NameCollision } from "./NameCollision.ts"

/** The names of one API. */
export interface ApiNames {
  /** The slug, as the metadata spells it: the one to request data with. */
  readonly slug: string
  /** The entity (and table) name. */
  readonly entity: string
  /** Every declared column's identifier, by its name in the metadata. */
  readonly columns: ReadonlyMap<string, string>
  /** Whether any declared column is renamed (otherwise rows pass with their fields as they are). */
  readonly renamesColumns: boolean
}

/** Why an API's names are unusable: the field's path, what is wrong, and the collision if it is one. */
export interface NamingProblem {
  readonly path: string
  readonly message: string
  readonly collision?: NameCollision | undefined
}

/**
 * Names an API: its slug and every column must normalize (see `identifierOf`), and no two columns
 * may normalize to one identifier (the error names both). Business-key and foreign-key columns
 * are columns, so they follow.
 */
export const apiNames = (api: ApiDescription): Result.Result<ApiNames, NamingProblem> => {
  const entity = identifierOf("slug", api.slug)
  if (Result.isFailure(entity)) {
    return Result.fail({ path: "slug", message: `unusable slug ${JSON.stringify(api.slug)}: ${entity.failure}` })
  }
  const columns = new Map<string, string>()
  const byIdentifier = new Map<string, string>()
  let renamesColumns = false
  for (const [i, column] of api.columns.entries()) {
    const path = `columns[${i}].name`
    const identifier = identifierOf("column", column.name)
    if (Result.isFailure(identifier)) {
      return Result.fail({
        path,
        message: `unusable column name ${JSON.stringify(column.name)}: ${identifier.failure}`
      })
    }
    const other = byIdentifier.get(identifier.success)
    if (other !== undefined) {
      const collision = new NameCollision({
        kind: "column",
        identifier: identifier.success,
        name: column.name,
        other,
        slug: api.slug
      })
      return Result.fail({ path, message: collision.message, collision })
    }
    byIdentifier.set(identifier.success, column.name)
    columns.set(column.name, identifier.success)
    if (identifier.success !== column.name) renamesColumns = true
  }
  return Result.succeed({ slug: api.slug, entity: entity.success, columns, renamesColumns })
}
