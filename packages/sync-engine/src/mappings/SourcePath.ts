/**
 * A mapping entry's source path: `field`, `a.b.c`, `lines[0].sku`, `tags[*]`, `lines[*].sku`.
 * Parsed once; read per record (own properties only, so `__proto__` or `constructor` never reach a
 * prototype). `[*]` makes the result a list of what follows for every element.
 */
import { Result } from "effect"

/** One step of a path: a field name, a list index, or every element. */
export type PathStep =
  | { readonly _tag: "field"; readonly name: string }
  | { readonly _tag: "index"; readonly index: number }
  | { readonly _tag: "all" }

/** A parsed source path. */
export interface SourcePath {
  readonly text: string
  readonly steps: ReadonlyArray<PathStep>
  /** The first field: the source column the path starts from. */
  readonly root: string
}

const stepPattern = /^(?:\.?([^.[\]]+)|\[(\d+)\]|\[\*\])/

/** Parses a path, or says where it is malformed. */
export const parseSourcePath = (text: string): Result.Result<SourcePath, string> => {
  const steps: Array<PathStep> = []
  let rest = text
  while (rest.length > 0) {
    const match = stepPattern.exec(rest)
    if (match === null || (steps.length === 0 && !rest.startsWith(match[1] ?? "\u0000"))) {
      return Result.fail(`malformed path at character ${text.length - rest.length + 1}`)
    }
    if (match[1] !== undefined) steps.push({ _tag: "field", name: match[1] })
    else if (match[2] !== undefined) steps.push({ _tag: "index", index: Number(match[2]) })
    else steps.push({ _tag: "all" })
    rest = rest.slice(match[0].length)
  }
  const first = steps[0]
  if (first === undefined || first._tag !== "field") return Result.fail("a path starts with a field name")
  return Result.succeed({ text, steps, root: first.name })
}

const readSteps = (value: unknown, steps: ReadonlyArray<PathStep>, from: number): unknown => {
  let current = value
  for (let i = from; i < steps.length; i++) {
    if (current == null) return null
    const step = steps[i] as PathStep
    switch (step._tag) {
      case "field":
        if (typeof current !== "object" || Array.isArray(current) || !Object.hasOwn(current, step.name)) return null
        current = (current as Record<string, unknown>)[step.name]
        break
      case "index":
        if (!Array.isArray(current)) return null
        current = current[step.index] ?? null
        break
      case "all":
        if (!Array.isArray(current)) return null
        return current.map((element) => readSteps(element, steps, i + 1))
    }
  }
  return current ?? null
}

/** The value at a path in a record; null where a step finds nothing. */
export const readSourcePath = (record: Readonly<Record<string, unknown>>, path: SourcePath): unknown =>
  readSteps(record, path.steps, 0)
