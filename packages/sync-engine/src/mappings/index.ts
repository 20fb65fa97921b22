/**
 * Field mappings of sync definitions (seed 001's mapping engine): entries with source paths,
 * transformations (`format`, `lookup` in a static map or another synced table, `calculate`, `custom`), defaults, required flags and target
 * types; stored in versions (`FieldMappings`), checked and set with `setFieldMapping`, and run as
 * the Transform stage (`makeTransformer`, `transformChunk`) between Select and Map.
 */
export { checkFieldMapping, type MappingProblem } from "./checkFieldMapping.ts"
export { connectorDestinationFields, type DestinationFields, targetProblems } from "./DestinationFields.ts"
export {
  ExpressionTransform,
  FieldMapping,
  FieldMappingEntry,
  FieldMappingVersion,
  FormatTransform,
  LookupTransform,
  TableLookupTransform,
  Transformation
} from "./FieldMapping.ts"
export { FieldMappings, type FieldMappingsService } from "./FieldMappings.ts"
export { type Formatter, makeFormatter } from "./formatValue.ts"
export { parseSourcePath, readSourcePath, type SourcePath } from "./SourcePath.ts"
export { setFieldMapping } from "./setFieldMapping.ts"
export { type LookupAnswer, loadTableLookups, makeTableLookup, type TableLookup } from "./TableLookup.ts"
export { makeTransformer, type Transformer, type TransformOptions } from "./Transformer.ts"
export { recordTransformStats } from "./TransformStats.ts"
export { transformChunk } from "./transformChunk.ts"
