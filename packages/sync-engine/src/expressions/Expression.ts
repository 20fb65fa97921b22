/**
 * An expression compiled once (parsed, checked against the bounds and the forbidden constructs)
 * and evaluated per row. Evaluation never throws: a row it fails on is an {@link ExpressionFailure}.
 */
import { type ASTNode, TypeError as CelTypeError, EvaluationError, ParseError } from "@marcbachmann/cel-js"
import { Effect, Result } from "effect"
import { celEnvironment } from "./celEnvironment.ts"
import { fromCel, OverSize, toCel, Unsupported } from "./celValues.ts"
import { ExpressionError } from "./ExpressionError.ts"
import { ExpressionFailure } from "./ExpressionFailure.ts"
import { defaultExpressionLimits, type ExpressionLimits } from "./ExpressionLimits.ts"
import { expressionShape } from "./expressionShape.ts"

/** A compiled expression, to evaluate against many rows. */
export interface Expression {
  /** The expression as written. */
  readonly text: string
  /** The top-level names (row fields) it reads; the only ones it is given. */
  readonly variables: ReadonlyArray<string>
  /** Its value on one row (a missing field reads as null). */
  readonly evaluate: (row: Readonly<Record<string, unknown>>) => Result.Result<unknown, ExpressionFailure>
  /** Its value on one row as a predicate: a result other than a boolean is a `NotABoolean` failure. */
  readonly test: (row: Readonly<Record<string, unknown>>) => Result.Result<boolean, ExpressionFailure>
}

/** Compiles an expression, or says why it cannot be (synchronous form of {@link compileExpression}). */
export const tryCompileExpression = (
  text: string,
  limits: Partial<ExpressionLimits> = {}
): Result.Result<Expression, ExpressionError> => {
  const bounds: ExpressionLimits = { ...defaultExpressionLimits, ...limits }
  if (text.length > bounds.maxLength) {
    return refuse(
      text,
      bounds.maxLength,
      "TooLong",
      `the expression is ${text.length} characters, over ${bounds.maxLength}`
    )
  }
  let parsed: ReturnType<ReturnType<typeof celEnvironment>["parse"]>
  try {
    parsed = celEnvironment(bounds).parse(text)
  } catch (error) {
    return refuse(text, errorPosition(error), parseReason(error), errorMessage(error))
  }
  const shape = expressionShape(parsed.ast as ASTNode)
  if ("refusal" in shape) return refuse(text, shape.refusal.position, shape.refusal.reason, shape.refusal.message)
  const checked = parsed.check()
  if (!checked.valid) {
    return refuse(text, errorPosition(checked.error), "TypeError", errorMessage(checked.error))
  }
  const variables = shape.variables
  const inputsOf = (row: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const inputs: Record<string, unknown> = {}
    for (const name of variables) inputs[name] = row[name] ?? null
    return inputs
  }
  const failure = (row: Readonly<Record<string, unknown>>, reason: string, message: string, position?: number) =>
    Result.fail(
      new ExpressionFailure(
        { expression: text, reason, message, ...(position === undefined ? {} : { position }), inputs: inputsOf(row) },
        { disableChecks: true }
      )
    )
  const evaluate = (row: Readonly<Record<string, unknown>>): Result.Result<unknown, ExpressionFailure> => {
    const context: Record<string, unknown> = {}
    for (const name of variables) {
      const value = toCel(Object.hasOwn(row, name) ? row[name] : null, bounds.maxInputSize)
      if (value instanceof OverSize) {
        return failure(
          row,
          "InputTooLarge",
          `${name} holds ${value.size} characters or elements, over ${bounds.maxInputSize}`
        )
      }
      context[name] = value
    }
    let value: unknown
    try {
      value = parsed(context)
    } catch (error) {
      return failure(row, evaluationReason(error), errorMessage(error), errorPosition(error))
    }
    const result = fromCel(value, { left: bounds.maxResultSize })
    if (result instanceof OverSize) {
      return failure(row, "ResultTooLarge", `the result is over ${bounds.maxResultSize} characters`)
    }
    if (result instanceof Unsupported) {
      return failure(row, "UnsupportedResult", `the result is ${result.kind}, not a value a field can hold`)
    }
    return Result.succeed(result)
  }
  return Result.succeed({
    text,
    variables,
    evaluate,
    test: (row) =>
      Result.flatMap(evaluate(row), (value) =>
        typeof value === "boolean"
          ? Result.succeed(value)
          : failure(row, "NotABoolean", `the result is ${JSON.stringify(value)}, not true or false`)
      )
  })
}

/** Compiles an expression once; an `ExpressionError` names the fault and its position. */
export const compileExpression = Effect.fn("compileExpression")(function* (
  text: string,
  limits: Partial<ExpressionLimits> = {}
) {
  return yield* Effect.fromResult(tryCompileExpression(text, limits))
})

const refuse = (expression: string, position: number, reason: string, message: string) =>
  Result.fail(new ExpressionError({ expression, position, reason, message }))

const errorPosition = (error: unknown): number => {
  if (error instanceof ParseError || error instanceof EvaluationError || error instanceof CelTypeError) {
    return error.range?.start ?? error.node?.pos ?? 0
  }
  return 0
}

const parseReason = (error: unknown): string =>
  error instanceof ParseError && error.code === "limit_exceeded" ? "TooComplex" : "SyntaxError"

const evaluationReason = (error: unknown): string => {
  if (error instanceof EvaluationError || error instanceof CelTypeError) return error.code
  return error instanceof Error ? error.name : "EvaluationError"
}

const errorMessage = (error: unknown): string => {
  if (error instanceof ParseError || error instanceof EvaluationError || error instanceof CelTypeError) {
    return error.summary
  }
  return error instanceof Error ? error.message : String(error)
}
