/**
 * Expressions: CEL (Common Expression Language, `@marcbachmann/cel-js`) compiled once, evaluated
 * per row. Used by mapping transformations (`calculate`, `custom`) and the ETL steps (`filter`, ...).
 *
 * ```ts
 * import { compileExpression, tryCompileExpression } from "@syncflow/sync-engine"
 *
 * // once per definition (Effect; or tryCompileExpression -> Result, for synchronous validation)
 * const total = yield* compileExpression("qty * unit_price * (1.0 - discount)")
 * //   fails with ExpressionError { expression, position, reason, message } on a syntax error, an
 * //   exceeded bound or a forbidden construct (comprehensions, cel.bind, matches, __proto__, ...)
 * total.variables                 // ["qty", "unit_price", "discount"]: the row fields it reads
 *
 * // per row: a Result, never a throw
 * const r = total.evaluate(row)   // row: the record's fields; a missing field reads as null
 * if (Result.isSuccess(r)) r.success   // number | string | boolean | null | array | object
 * else r.failure                  // ExpressionFailure { expression, reason, message, position?, inputs }
 *                                 //   inputs = the row's values of `variables` -> the failed record's data
 * const keep = filter.test(row)   // Result<boolean, ExpressionFailure>; non-boolean -> "NotABoolean"
 * ```
 *
 * Values: a row's numbers are CEL doubles, ints and doubles mix in `+ - * /` (`qty + 1` works),
 * `Date`s are timestamps, objects are maps (`customer.address.city`), arrays are lists (`tags[0]`,
 * `"vip" in tags`). Results come back as JSON-like values: ints as numbers (text past 2^53),
 * timestamps as ISO 8601 text, bytes as base64; NaN or Infinity is an `UnsupportedResult` failure.
 *
 * Bounds ({@link ExpressionLimits}, all configurable): at most 2,000 characters, 256 syntax nodes,
 * nesting depth 24, 100 entries per literal list or map; inputs over 65,536 characters (or
 * elements) and results over 65,536 characters fail the row. CEL has no loops, no recursion, no
 * user functions and no host-object access, and the constructs whose cost is not linear in the
 * expression's size (comprehension macros, `cel.bind`, backtracking `matches`) are refused at
 * compile time, so an evaluation's time and memory are bounded by (nodes x input size).
 */
export { compileExpression, type Expression, tryCompileExpression } from "./Expression.ts"
export { ExpressionError } from "./ExpressionError.ts"
export { ExpressionFailure } from "./ExpressionFailure.ts"
export { defaultExpressionLimits, type ExpressionLimits } from "./ExpressionLimits.ts"
