/**
 * The typed error of two names from APISmith's metadata that would be stored under one identifier:
 * two API slugs (`Order-Lines`, `ORDER_LINES`) or two columns of one API (`PART_NO`, `part-no`).
 * Storing both would mix two sources in one table or one column, so the API is refused instead.
 */
import { Schema } from "effect"

/** Two names of the metadata normalize to one identifier. */
export class NameCollision extends Schema.TaggedError<NameCollision>()("NameCollision", {
  /** Whether two API slugs or two columns of one API collide. */
  kind: Schema.Literals(["slug", "column"]),
  /** The identifier both would be stored under. */
  identifier: Schema.String,
  /** The name refused (the later column; the slug of the API refused), as the metadata spells it. */
  name: Schema.String,
  /** The name it collides with, as the metadata spells it. */
  other: Schema.String,
  /** The API whose columns collide (for `column`), or the refused API's slug (for `slug`). */
  slug: Schema.String
}) {
  override get message(): string {
    const what = this.kind === "slug" ? "API slugs" : `columns of API ${JSON.stringify(this.slug)}`
    return `the ${what} ${JSON.stringify(this.name)} and ${JSON.stringify(this.other)} both normalize to ${JSON.stringify(this.identifier)}`
  }
}
