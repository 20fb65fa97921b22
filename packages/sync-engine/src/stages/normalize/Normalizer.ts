/**
 * The Normalize stage for one entity: the five layers compiled once into per-field steps, so that a
 * chunk of records is normalized in one pass without intermediate records.
 */
import type { ColumnManifest, EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { IssueStep } from "../FieldIssue.ts"
import { isInheritedName } from "../Fields.ts"
import { StageConfigError } from "../StageConfigError.ts"
import { zoneOffset } from "./CivilTime.ts"
import { cleanStringsStep } from "./cleanStrings.ts"
import { coerceTypeStep } from "./coerceType.ts"
import { type FieldType, fieldType, untypedField } from "./FieldType.ts"
import { mapFieldStep, mappedFields } from "./mapFields.ts"
import type { NormalizeOptions } from "./NormalizeOptions.ts"
import { normalizeDateTimesStep } from "./normalizeDateTimes.ts"
import { parseNumericsStep } from "./parseNumerics.ts"
import type { Step } from "./Step.ts"

/** One field's compiled pipeline: layers 1-5 that apply to it, in order. */
export interface FieldPlan {
  /** The source field name. */
  readonly source: string
  /** The logical name (after layer 5's rename). */
  readonly name: string
  readonly steps: ReadonlyArray<Step>
  /** The layer of each step, for issues. */
  readonly layers: ReadonlyArray<IssueStep>
  /** Whether the source or logical name is also a property of every object (read and written with care). */
  readonly inherited: boolean
}

/** A compiled normalizer: use it with `normalizeChunk`. */
export interface Normalizer {
  /** The entity's name. */
  readonly entity: string
  /** Declared fields (manifest order), then mapped fields the manifest does not declare. */
  readonly fields: ReadonlyArray<FieldPlan>
  /** The manifest's columns under their logical names: what Validate and Map work with. */
  readonly columns: ReadonlyArray<ColumnManifest>
  /** The business-key fields under their logical names. */
  readonly businessKey: ReadonlyArray<string>
  /** Source names of the fields in `fields`. */
  readonly known: ReadonlySet<string>
  /** Logical names of the fields in `fields`. */
  readonly names: ReadonlySet<string>
  /** Fields carried unchanged (the cursor field and `metaFields`), unless declared. */
  readonly meta: ReadonlySet<string>
  /** Whether fields the manifest does not declare are kept. */
  readonly keepUnknown: boolean
  /** The compiled steps of an undeclared field (layers 1 and 2), by name. */
  readonly untyped: (name: string) => FieldPlan
}

const plan = (
  source: string,
  name: string,
  type: FieldType,
  options: NormalizeOptions,
  mapping: Parameters<typeof mapFieldStep>[0]
): FieldPlan => {
  const steps: Array<Step> = []
  const layers: Array<IssueStep> = []
  const add = (layer: IssueStep, step: Step | undefined) => {
    if (step === undefined) return
    steps.push(step)
    layers.push(layer)
  }
  add("coerceType", coerceTypeStep(type, options.coerce))
  const strings = mapping?.trim === undefined ? options.strings : { ...options.strings, trim: mapping.trim }
  add("cleanStrings", cleanStringsStep(type, strings, options.coerce))
  add("parseNumerics", parseNumericsStep(type, options.numbers))
  add("normalizeDateTimes", normalizeDateTimesStep(type, options.dates))
  add("mapFields", mapFieldStep(mapping))
  return { source, name, steps, layers, inherited: isInheritedName(source) || isInheritedName(name) }
}

/**
 * Compiles the normalizer of an entity from its manifest and the connector's/entity's settings.
 * Fails with `StageConfigError` on an unknown time zone or two fields mapped to one name.
 */
export const makeNormalizer = Effect.fnUntraced(function* (
  manifest: Pick<EntityManifest, "entity" | "businessKey" | "columns" | "cursorField">,
  options: NormalizeOptions = {}
): Effect.fn.Return<Normalizer, StageConfigError> {
  const timeZone = options.dates?.timeZone ?? "UTC"
  if (zoneOffset(timeZone) === undefined) {
    return yield* new StageConfigError({ stage: "normalize", message: `unknown time zone ${JSON.stringify(timeZone)}` })
  }
  const types = (manifest.columns ?? []).map(fieldType)
  const mapped = mappedFields(types, options.mapping)
  if (typeof mapped === "string") return yield* new StageConfigError({ stage: "normalize", message: mapped })
  const fields = mapped.map((f) => plan(f.source, f.name, f.type ?? untypedField(f.source), options, f.mapping))
  const rename = new Map(mapped.map((f) => [f.source, f.name]))
  const columns = (manifest.columns ?? []).map((c) => ({ ...c, name: rename.get(c.name) ?? c.name }))
  const untypedCache = new Map<string, FieldPlan>()
  const untyped = (name: string): FieldPlan => {
    let p = untypedCache.get(name)
    if (p === undefined) {
      p = plan(name, name, untypedField(name), options, undefined)
      untypedCache.set(name, p)
    }
    return p
  }
  return {
    entity: manifest.entity,
    fields,
    columns,
    businessKey: manifest.businessKey.map((name) => rename.get(name) ?? name),
    known: new Set(mapped.map((f) => f.source)),
    names: new Set(mapped.map((f) => f.name)),
    meta: new Set(
      [
        ...(manifest.cursorField === undefined ? [] : [manifest.cursorField]),
        ...(options.mapping?.metaFields ?? [])
      ].filter((name) => !mapped.some((f) => f.source === name))
    ),
    keepUnknown: (options.mapping?.unknownFields ?? "keep") === "keep",
    untyped
  }
})
