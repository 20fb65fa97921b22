/**
 * A field mapping checked against the source's columns (the manifest) and, when known, the
 * destination's: every problem names the entry (`entries[2].source`) and the field. Used when a
 * mapping is saved (problem+json 400) and when the stage is built.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Result } from "effect"
import { tryCompileExpression } from "../expressions/Expression.ts"
import { type DestinationFields, targetProblems } from "./DestinationFields.ts"
import type { FieldMapping } from "./FieldMapping.ts"
import { makeFormatter } from "./formatValue.ts"
import { parseSourcePath } from "./SourcePath.ts"

/** One problem of a mapping: where (`entries[1].transform.expression`) and what. */
export interface MappingProblem {
  readonly field: string
  readonly message: string
}

/**
 * The problems of a mapping: unknown source fields (when the source declares columns), malformed
 * paths, expressions that do not compile or read unknown fields, bad format settings, targets named
 * twice or (when `destination` is given: a connector destination's fields) not among the
 * destination's fields or reserved there.
 */
export const checkFieldMapping = (
  mapping: FieldMapping,
  sourceColumns: ReadonlyArray<Pick<ColumnManifest, "name">>,
  destination?: DestinationFields
): ReadonlyArray<MappingProblem> => {
  const problems: Array<MappingProblem> = []
  const known = new Set(sourceColumns.map((c) => c.name))
  const checkColumns = known.size > 0
  const targets = new Set<string>()
  if (mapping.entries.length === 0) problems.push({ field: "entries", message: "a mapping has at least one entry" })
  mapping.entries.forEach((entry, i) => {
    const at = `entries[${i}]`
    if (targets.has(entry.target)) {
      problems.push({ field: `${at}.target`, message: `${JSON.stringify(entry.target)} is mapped twice` })
    }
    targets.add(entry.target)
    if (entry.source !== undefined) {
      const path = parseSourcePath(entry.source)
      if (Result.isFailure(path)) problems.push({ field: `${at}.source`, message: `${entry.source}: ${path.failure}` })
      else if (checkColumns && !known.has(path.success.root)) {
        problems.push({
          field: `${at}.source`,
          message: `the source has no field ${JSON.stringify(path.success.root)}`
        })
      }
    }
    const transform = entry.transform
    if (transform === undefined) {
      if (entry.source === undefined)
        problems.push({ field: `${at}.source`, message: "an entry without a transformation needs a source" })
      return
    }
    switch (transform.kind) {
      case "format": {
        const formatter = makeFormatter(transform)
        if (Result.isFailure(formatter)) problems.push({ field: `${at}.transform`, message: formatter.failure })
        if (entry.source === undefined) problems.push({ field: `${at}.source`, message: "a format needs a source" })
        break
      }
      case "lookup":
        if (entry.source === undefined) problems.push({ field: `${at}.source`, message: "a lookup needs a source" })
        break
      case "calculate":
      case "custom": {
        const compiled = tryCompileExpression(transform.expression)
        if (Result.isFailure(compiled)) {
          const e = compiled.failure
          problems.push({
            field: `${at}.transform.expression`,
            message: `${e.reason} at position ${e.position}: ${e.message}`
          })
        } else if (checkColumns) {
          for (const name of compiled.success.variables) {
            if (name !== "value" && !known.has(name)) {
              problems.push({
                field: `${at}.transform.expression`,
                message: `the expression reads ${JSON.stringify(name)}, which the source does not have`
              })
            }
          }
        }
      }
    }
  })
  if (destination !== undefined) problems.push(...targetProblems(mapping.entries, destination))
  return problems
}
