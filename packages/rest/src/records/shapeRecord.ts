/**
 * Turns a raw record of the upstream into the flat record the sync engine gets, as the stream's
 * document says: extracted `fields` (pointers into the raw record), `exclude`d top-level fields
 * dropped, nested objects flattened into `parent_child` columns (`unwrap`ped objects without a
 * prefix), then only the `select`ed fields kept (the primary key always).
 */
import type { SourceRecord } from "@syncflow/adapter-core"
import { type FieldPath, getPath, parseFieldPath } from "../document/FieldPath.ts"
import type { StreamSpec } from "../document/StreamSpec.ts"
import { primaryKeyOf } from "../document/validateDocument.ts"

/** A compiled shaping of one stream's records. */
export type ShapeRecord = (raw: Readonly<Record<string, unknown>>) => SourceRecord

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Compiles the shaping of a stream's records (once per stream). */
export const compileShape = (stream: StreamSpec): ShapeRecord => {
  const fields: ReadonlyArray<readonly [string, FieldPath]> = Object.entries(stream.fields ?? {}).map(
    ([name, path]) => [name, parseFieldPath(path)] as const
  )
  const exclude = new Set(stream.exclude ?? [])
  const flatten = stream.flatten
  const separator = flatten?.separator ?? "_"
  const unwrap = new Set(flatten?.unwrap ?? [])
  const maxDepth = flatten?.maxDepth ?? Number.POSITIVE_INFINITY
  const keep = stream.select === undefined ? undefined : new Set([...stream.select, ...primaryKeyOf(stream)])

  const put = (
    out: Record<string, unknown>,
    prefix: string,
    value: Readonly<Record<string, unknown>>,
    depth: number
  ) => {
    for (const [key, child] of Object.entries(value)) {
      const name = prefix === "" ? key : `${prefix}${separator}${key}`
      if (isPlainObject(child) && depth < maxDepth) put(out, name, child, depth + 1)
      else out[name] = child
    }
  }

  return (raw) => {
    const out: Record<string, unknown> = {}
    const rest: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(raw)) if (!exclude.has(key)) rest[key] = value
    if (flatten === undefined) Object.assign(out, rest)
    else {
      for (const [key, value] of Object.entries(rest)) {
        if (unwrap.has(key) && isPlainObject(value)) put(out, "", value, 1)
        else if (isPlainObject(value)) put(out, key, value, 1)
        else out[key] = value
      }
    }
    for (const [name, path] of fields) out[name] = getPath(raw, path) ?? null
    if (keep === undefined) return out
    const selected: Record<string, unknown> = {}
    for (const name of keep) if (name in out) selected[name] = out[name]
    return selected
  }
}
