/**
 * The CEL environment expressions compile in: undeclared names are the row's fields (dynamic), the
 * structural limits come from {@link ExpressionLimits}, and arithmetic mixes ints and doubles (a
 * row's numbers are doubles, `amount * 2` and `qty + 1` should work without `2.0`).
 */
import { Environment } from "@marcbachmann/cel-js"
import type { ExpressionLimits } from "./ExpressionLimits.ts"

const mixed: ReadonlyArray<readonly [string, (a: number, b: number) => number]> = [
  ["+", (a, b) => a + b],
  ["-", (a, b) => a - b],
  ["*", (a, b) => a * b],
  ["/", (a, b) => a / b]
]

const environments = new Map<string, Environment>()

/** The environment for these limits (one per distinct set of limits, built on first use). */
export const celEnvironment = (limits: ExpressionLimits): Environment => {
  const key = `${limits.maxNodes}/${limits.maxDepth}/${limits.maxLiteralEntries}`
  const cached = environments.get(key)
  if (cached !== undefined) return cached
  const environment = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: {
      maxAstNodes: limits.maxNodes,
      maxDepth: limits.maxDepth,
      maxListElements: limits.maxLiteralEntries,
      maxMapEntries: limits.maxLiteralEntries,
      maxCallArguments: 8
    }
  })
  for (const [operator, apply] of mixed) {
    environment.registerOperator(`double ${operator} int`, (a: number, b: bigint) => apply(a, Number(b)))
    environment.registerOperator(`int ${operator} double`, (a: bigint, b: number) => apply(Number(a), b))
  }
  environments.set(key, environment)
  return environment
}
