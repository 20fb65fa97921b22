/**
 * The Transform stage compiled for one definition: its field mapping (checked against the source's
 * columns, expressions compiled once) as one function of a clean record, producing the destination
 * fields under their target names and types. A record a transformation fails on gets per-field
 * issues (the expression, its reason and the values it read); the chunk goes on.
 */
import type { ColumnManifest, ColumnType } from "@syncflow/adapter-core"
import { Effect, Result } from "effect"
import { showRef } from "../etl/SyncedTable.ts"
import { tryCompileExpression } from "../expressions/Expression.ts"
import { FieldIssue } from "../stages/FieldIssue.ts"
import { writeOwn } from "../stages/Fields.ts"
import type { Row } from "../stages/Row.ts"
import { StageConfigError } from "../stages/StageConfigError.ts"
import { checkFieldMapping } from "./checkFieldMapping.ts"
import type { FieldMapping, FieldMappingEntry } from "./FieldMapping.ts"
import { makeFormatter } from "./formatValue.ts"
import { parseSourcePath, readSourcePath } from "./SourcePath.ts"
import { makeTableLookup, type TableLookup } from "./TableLookup.ts"

/** A definition's mapping as the stages take it: its entries and the stored version they are. */
export interface TransformOptions {
  readonly mapping: FieldMapping
  /** The stored version (recorded on the run); absent for a mapping given in code. */
  readonly version?: number | undefined
  /** Target fields that identify a record (the definition's match key). */
  readonly key?: ReadonlyArray<string> | undefined
}

/** A compiled Transform stage: use it with `transformChunk`, and give `spec` to the Map stage. */
export interface Transformer {
  readonly version: number | undefined
  /** The destination columns (target names and types) and the match key (target names). */
  readonly spec: { readonly columns: ReadonlyArray<ColumnManifest>; readonly businessKey: ReadonlyArray<string> }
  /**
   * Its lookups into other synced tables: before `apply` runs on a window's records, they must be
   * loaded (`loadTableLookups`); a record whose key was not loaded fails.
   */
  readonly lookups: ReadonlyArray<TableLookup>
  /** The destination row of a clean record, or the issues of the fields that failed. */
  readonly apply: (row: Row) => { readonly row: Row; readonly issues: ReadonlyArray<FieldIssue> | undefined }
}

type Step = (row: Row) => Result.Result<unknown, FieldIssue>

const issue = (
  field: string,
  reason: "ExpressionFailed" | "TransformFailed" | "Required",
  message: string,
  value: unknown
) => new FieldIssue({ field, step: "transform", reason, message, value }, { disableChecks: true })

const toType = (type: ColumnType, value: unknown): unknown =>
  type === "string" && (typeof value === "number" || typeof value === "boolean") ? String(value) : value

const compileEntry = (
  entry: FieldMappingEntry,
  index: number,
  columns: ReadonlyMap<string, ColumnManifest>
): { readonly step: Step; readonly type: ColumnType; readonly lookup?: TableLookup } => {
  const target = entry.target
  const path = entry.source === undefined ? undefined : Result.getOrThrow(parseSourcePath(entry.source))
  const read = (row: Row): unknown => (path === undefined ? null : readSourcePath(row, path))
  const sourceType =
    path !== undefined && path.steps.length === 1 ? (columns.get(path.root)?.type ?? "string") : ("json" as const)
  const transform = entry.transform
  let produce: Step
  let derived: ColumnType
  let lookup: TableLookup | undefined
  if (transform === undefined) {
    derived = sourceType
    produce = (row) => Result.succeed(read(row))
  } else if (transform.kind === "format") {
    derived = "string"
    const format = Result.getOrThrow(makeFormatter(transform))
    produce = (row) => {
      const value = read(row)
      return Result.mapError(format(value), (message) =>
        issue(target, "TransformFailed", `format ${transform.format}: ${message}`, value)
      )
    }
  } else if (transform.kind === "lookup" && "from" in transform) {
    derived = "string"
    const table = makeTableLookup(`entries[${index}].transform`, transform, read)
    lookup = table
    const hasFallback = Object.hasOwn(transform, "fallback")
    const where = `${transform.key} = `
    produce = (row) => {
      const key = table.keyOf(row)
      if (key === null) return Result.succeed(null)
      const answer = table.find(key)
      if (answer._tag === "found") return Result.succeed(answer.value)
      if (answer._tag === "missing" && hasFallback) return Result.succeed(transform.fallback)
      return Result.fail(
        issue(
          target,
          "TransformFailed",
          answer._tag === "missing"
            ? `lookup: no row of ${showRef(transform.from)} with ${where}${JSON.stringify(key)}`
            : `lookup: ${showRef(transform.from)} was not read for this record's window`,
          read(row)
        )
      )
    }
  } else if (transform.kind === "lookup") {
    derived = "string"
    const { values } = transform
    const hasFallback = Object.hasOwn(transform, "fallback")
    produce = (row) => {
      const value = read(row)
      if (value == null) return Result.succeed(null)
      const key = typeof value === "string" ? value : JSON.stringify(value)
      if (Object.hasOwn(values, key)) return Result.succeed(values[key])
      return hasFallback
        ? Result.succeed(transform.fallback)
        : Result.fail(issue(target, "TransformFailed", `lookup: no value for ${JSON.stringify(key)}`, value))
    }
  } else {
    derived = transform.kind === "calculate" ? "decimal" : "json"
    const expression = Result.getOrThrow(tryCompileExpression(transform.expression))
    const calculate = transform.kind === "calculate"
    // Decimal columns' clean values are exact text; expressions read them as numbers.
    const decimals = expression.variables.filter((name) => columns.get(name)?.type === "decimal")
    const inputOf =
      decimals.length === 0
        ? (row: Row): Row => (path === undefined ? row : { ...row, value: read(row) })
        : (row: Row): Row => {
            const input: Record<string, unknown> = path === undefined ? { ...row } : { ...row, value: read(row) }
            for (const name of decimals) {
              const v = input[name]
              if (typeof v === "string") input[name] = Number(v)
            }
            return input
          }
    produce = (row) => {
      const input = inputOf(row)
      const result = expression.evaluate(input)
      if (Result.isFailure(result)) {
        const f = result.failure
        return Result.fail(
          issue(
            target,
            "ExpressionFailed",
            `expression ${JSON.stringify(f.expression)}: ${f.reason}: ${f.message}`,
            f.inputs
          )
        )
      }
      const value = result.success
      if (calculate && value !== null && typeof value !== "number") {
        return Result.fail(
          issue(
            target,
            "ExpressionFailed",
            `expression ${JSON.stringify(transform.expression)}: calculate gave ${JSON.stringify(value)}, not a number`,
            value
          )
        )
      }
      return Result.succeed(value)
    }
  }
  const type = entry.type ?? derived
  const hasDefault = Object.hasOwn(entry, "default")
  const fallback = entry.default
  const required = entry.required === true
  const step: Step = (row) =>
    Result.flatMap(produce(row), (value) => {
      const v = value == null && hasDefault ? fallback : value
      if (v == null) {
        return required
          ? Result.fail(issue(target, "Required", `${target} is required`, read(row)))
          : Result.succeed(null)
      }
      return Result.succeed(toType(type, v))
    })
  return lookup === undefined ? { step, type } : { step, type, lookup }
}

/**
 * Compiles a definition's field mapping against the source's logical columns and business key.
 * Fails with `StageConfigError` (stage `transform`) naming the entry and field of every problem,
 * or when the match key is neither given nor mapped as is from the source's business key.
 */
export const makeTransformer = Effect.fnUntraced(function* (
  source: { readonly columns: ReadonlyArray<ColumnManifest>; readonly businessKey: ReadonlyArray<string> },
  options: TransformOptions
): Effect.fn.Return<Transformer, StageConfigError> {
  const problems = checkFieldMapping(options.mapping, source.columns)
  if (problems.length > 0) {
    return yield* new StageConfigError({
      stage: "transform",
      message: problems.map((p) => `${p.field}: ${p.message}`).join("; ")
    })
  }
  const byName = new Map(source.columns.map((c) => [c.name, c]))
  const entries = options.mapping.entries
  const compiled = entries.map((entry, index) => compileEntry(entry, index, byName))
  const targets = new Set(entries.map((e) => e.target))
  let businessKey: ReadonlyArray<string>
  if (options.key !== undefined) {
    const missing = options.key.find((name) => !targets.has(name))
    if (missing !== undefined) {
      return yield* new StageConfigError({
        stage: "transform",
        message: `the match key names ${JSON.stringify(missing)}, which the mapping does not produce`
      })
    }
    businessKey = options.key
  } else {
    const plain = new Map(
      entries
        .filter((e) => e.transform === undefined && e.source !== undefined)
        .map((e) => [e.source as string, e.target])
    )
    const key: Array<string> = []
    for (const field of source.businessKey) {
      const target = plain.get(field)
      if (target === undefined) {
        return yield* new StageConfigError({
          stage: "transform",
          message: `the business key field ${JSON.stringify(field)} is not mapped as is: map it or give a match key`
        })
      }
      key.push(target)
    }
    businessKey = key
  }
  const keyFields = new Set(businessKey)
  const columns: Array<ColumnManifest> = entries.map((entry, i) => ({
    name: entry.target,
    type: (compiled[i] as { type: ColumnType }).type,
    nullable: entry.required !== true && !keyFields.has(entry.target),
    businessKey: keyFields.has(entry.target)
  }))
  const steps = compiled.map((c) => c.step)
  const names = entries.map((e) => e.target)
  return {
    version: options.version,
    spec: { columns, businessKey },
    lookups: compiled.flatMap((c) => (c.lookup === undefined ? [] : [c.lookup])),
    apply: (row) => {
      const out: Record<string, unknown> = {}
      let issues: Array<FieldIssue> | undefined
      for (let i = 0; i < steps.length; i++) {
        const result = (steps[i] as Step)(row)
        const name = names[i] as string
        if (Result.isSuccess(result)) writeOwn(out, name, result.success)
        else {
          issues ??= []
          issues.push(result.failure)
          writeOwn(out, name, null)
        }
      }
      return { row: out, issues }
    }
  }
})
