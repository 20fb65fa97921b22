/**
 * Everything the normalizer layers need to know about one column, resolved once from its manifest.
 */
import type { ColumnManifest, ColumnType } from "@syncflow/adapter-core"
import { parseSourceType, type SourceType } from "./SourceType.ts"

/** A column's destination-neutral type with its parsed source type and limits. */
export interface FieldType {
  readonly name: string
  /** Whether the manifest describes the field; undeclared fields (schema drift) are only cleaned as text. */
  readonly declared: boolean
  /** Whether the column may hold null (undeclared fields may). */
  readonly nullable: boolean
  readonly type: ColumnType
  readonly source: SourceType
  /** Maximum length: characters for text, bytes for binary (manifest first, then the source type). */
  readonly length: number | undefined
  /** Maximum significant digits of numbers. */
  readonly precision: number | undefined
  /** Digits after the decimal point of decimals (values are rounded to it, as the database does). */
  readonly scale: number | undefined
}

/** Resolves a manifest column to its {@link FieldType}. */
export const fieldType = (column: ColumnManifest): FieldType => {
  const source = parseSourceType(column.sourceType)
  return {
    name: column.name,
    declared: true,
    nullable: column.nullable,
    type: column.type,
    source,
    length: column.length ?? source.length,
    precision: column.precision ?? source.precision,
    scale: column.scale ?? source.scale
  }
}

/** The {@link FieldType} of a field the manifest does not describe (schema drift): untyped text. */
export const untypedField = (name: string): FieldType => ({
  name,
  declared: false,
  nullable: true,
  type: "string",
  source: parseSourceType(undefined),
  length: undefined,
  precision: undefined,
  scale: undefined
})
