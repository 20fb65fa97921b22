/**
 * The bounds every expression is held to. Structural ones are checked when it is compiled, size
 * ones on every row; together they bound an evaluation's time and memory (see the module doc).
 */

/** Bounds of an expression; every field has a default in {@link defaultExpressionLimits}. */
export interface ExpressionLimits {
  /** Longest expression text, in characters. */
  readonly maxLength: number
  /** Most syntax-tree nodes (operators, literals, names, calls). */
  readonly maxNodes: number
  /** Deepest nesting of parentheses, calls, selections and literals. */
  readonly maxDepth: number
  /** Most elements of a list literal and entries of a map literal. */
  readonly maxLiteralEntries: number
  /** Longest text (or most list elements / object entries) in a value the expression reads. */
  readonly maxInputSize: number
  /** Longest result text; a list or map result is measured as its JSON text. */
  readonly maxResultSize: number
}

/** The default bounds. */
export const defaultExpressionLimits: ExpressionLimits = {
  maxLength: 2_000,
  maxNodes: 256,
  maxDepth: 24,
  maxLiteralEntries: 100,
  maxInputSize: 65_536,
  maxResultSize: 65_536
}
