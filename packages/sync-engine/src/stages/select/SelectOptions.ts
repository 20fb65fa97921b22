/**
 * The settings of the Select stage (a sync definition's mapping and filters): which source fields
 * go to the destination and under which names, which records go at all (field predicates, all of
 * which must hold), and the fields that identify a record in the destination (the match key).
 */
import { Schema } from "effect"

/** A value a predicate compares a field with: text, a number or a boolean. */
export const PredicateValue = Schema.Union([Schema.String, Schema.Number, Schema.Boolean])
/** A value a predicate compares a field with. */
export type PredicateValue = typeof PredicateValue.Type

/** A comparison of a field with one value. */
export const ComparisonOperator = Schema.Literals(["eq", "ne", "gt", "gte", "lt", "lte"])
/** A comparison of a field with one value. */
export type ComparisonOperator = typeof ComparisonOperator.Type

/**
 * One field predicate, on the clean value of a source field (after Normalize): `eq`/`ne`/`gt`/`gte`/
 * `lt`/`lte` a value, `in` a list of values, `isNull`/`notNull`. Numbers (and decimal text) compare
 * as numbers, dates and timestamps (ISO text) and other text as text; a null value satisfies only
 * `isNull` and `ne`.
 */
export const FieldPredicate = Schema.Union([
  Schema.Struct({ field: Schema.NonEmptyString, op: ComparisonOperator, value: PredicateValue }),
  Schema.Struct({ field: Schema.NonEmptyString, op: Schema.Literal("in"), values: Schema.Array(PredicateValue) }),
  Schema.Struct({ field: Schema.NonEmptyString, op: Schema.Literals(["isNull", "notNull"]) })
])
/** One field predicate. */
export type FieldPredicate = typeof FieldPredicate.Type

/** The Select stage's settings; absent parts select everything as it is. */
export const SelectOptions = Schema.Struct({
  /**
   * Source field -> destination field. When given, only these source fields go (the others are
   * left out); absent: every field, under its own name.
   */
  fields: Schema.optional(Schema.Record(Schema.String, Schema.NonEmptyString)),
  /** Predicates every record must satisfy to go; the others are skipped (counted, not failed). */
  where: Schema.optional(Schema.Array(FieldPredicate)),
  /** The destination fields that identify a record (the match key); absent: the source's business key. */
  key: Schema.optional(Schema.Array(Schema.NonEmptyString))
})
/** The Select stage's settings. */
export type SelectOptions = typeof SelectOptions.Type
