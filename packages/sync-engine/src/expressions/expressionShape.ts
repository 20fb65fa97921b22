/**
 * The compile-time check of an expression's syntax tree: refuses the constructs whose cost is not
 * bounded by the expression's size and its inputs' sizes (comprehension macros, `cel.bind`,
 * regular expressions) and names that reach for JavaScript prototypes, and collects the top-level
 * variables the expression reads.
 */
import type { ASTNode } from "@marcbachmann/cel-js"

/** Names that can reach a JavaScript prototype; refused as a variable, a field or a literal key. */
const forbiddenNames: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"])

/**
 * Calls refused: comprehension macros iterate a list per element (nested, or over `split` of a long
 * text, their cost grows with the product of sizes), `bind` can double a value per nesting, and
 * `matches` runs a backtracking regular expression (exponential time on crafted patterns).
 */
const forbiddenCalls: ReadonlyMap<string, string> = new Map([
  ["map", "comprehension macros (map, filter, all, exists, exists_one) are not allowed"],
  ["filter", "comprehension macros (map, filter, all, exists, exists_one) are not allowed"],
  ["all", "comprehension macros (map, filter, all, exists, exists_one) are not allowed"],
  ["exists", "comprehension macros (map, filter, all, exists, exists_one) are not allowed; use `value in list`"],
  ["exists_one", "comprehension macros (map, filter, all, exists, exists_one) are not allowed"],
  ["bind", "cel.bind is not allowed"],
  ["matches", "regular expressions (matches) are not allowed; use contains, startsWith or endsWith"]
])

/** A construct the check refuses, at `position` in the expression. */
export interface ShapeRefusal {
  readonly reason: "ForbiddenProperty" | "Forbidden"
  readonly message: string
  readonly position: number
}

/** Checks a parsed tree: the refusal of its first forbidden construct, or the variables it reads. */
export const expressionShape = (
  root: ASTNode
): { readonly refusal: ShapeRefusal } | { readonly variables: ReadonlyArray<string> } => {
  const variables = new Set<string>()
  const stack: Array<ASTNode> = [root]
  while (stack.length > 0) {
    const node = stack.pop() as ASTNode
    switch (node.op) {
      case "value":
        break
      case "id":
        if (forbiddenNames.has(node.args)) return { refusal: forbiddenProperty(node.args, node.pos) }
        variables.add(node.args)
        break
      case ".":
      case ".?":
        if (forbiddenNames.has(node.args[1])) return { refusal: forbiddenProperty(node.args[1], node.pos) }
        stack.push(node.args[0])
        break
      case "[]":
      case "[?]": {
        const index = node.args[1]
        if (index.op === "value" && typeof index.args === "string" && forbiddenNames.has(index.args)) {
          return { refusal: forbiddenProperty(index.args, index.pos) }
        }
        stack.push(node.args[0], index)
        break
      }
      case "call": {
        const refused = forbiddenCalls.get(node.args[0])
        if (refused !== undefined) return { refusal: { reason: "Forbidden", message: refused, position: node.pos } }
        stack.push(...node.args[1])
        break
      }
      case "rcall": {
        const refused = forbiddenCalls.get(node.args[0])
        if (refused !== undefined) return { refusal: { reason: "Forbidden", message: refused, position: node.pos } }
        stack.push(node.args[1], ...node.args[2])
        break
      }
      case "list":
        stack.push(...node.args)
        break
      case "map":
        for (const [key, value] of node.args) stack.push(key, value)
        break
      case "!_":
      case "-_":
        stack.push(node.args)
        break
      default:
        stack.push(...node.args)
    }
  }
  return { variables: [...variables] }
}

const forbiddenProperty = (name: string, position: number): ShapeRefusal => ({
  reason: "ForbiddenProperty",
  message: `${name} is not a field an expression may read`,
  position
})
