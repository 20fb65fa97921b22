/**
 * Pipeline stages 2-5 (Normalize, Validate, Map, Identity, and a definition's Select) as pure, chunk-level transformations.
 */
export type { ChunkResult } from "./ChunkResult.ts"
export { FieldIssue, IssueReason, IssueStep } from "./FieldIssue.ts"
export { Invalid, invalid, isInvalid } from "./Invalid.ts"
export { type BusinessKeyHash, makeBusinessKeyHash } from "./identity/BusinessKeyHash.ts"
export type { CanonicalFields } from "./identity/canonicalForm.ts"
export {
  canonicalFields,
  canonicalJson,
  canonicalRecord,
  canonicalRow,
  canonicalValue,
  escapeCanonical
} from "./identity/canonicalForm.ts"
export { type DataHash, makeDataHash } from "./identity/DataHash.ts"
export { identifyChunk } from "./identity/identifyChunk.ts"
export { type IdentityOptions, makeRecordIdentifier, type RecordIdentifier } from "./identity/RecordIdentifier.ts"
export { sourceKeyHash } from "./identity/sourceKeyHash.ts"
export { type ColumnMapping, convertValue, type MapOptions, type Mapper, makeMapper } from "./map/Mapper.ts"
export { mapChunk, mapRecord } from "./map/mapChunk.ts"
export { zoneOffset } from "./normalize/CivilTime.ts"
export { blankIsNull, cleanString, cleanStrings, cleanStringsStep } from "./normalize/cleanStrings.ts"
export { coerceBinary, coerceBoolean, coerceType, coerceTypeStep, stripCharPadding } from "./normalize/coerceType.ts"
export * as Decimal from "./normalize/Decimal.ts"
export { type FieldType, fieldType, untypedField } from "./normalize/FieldType.ts"
export { applyTransform, type MappedField, mapFieldStep, mapFields, mappedFields } from "./normalize/mapFields.ts"
export {
  CleanStringsOptions,
  CoerceOptions,
  DateTimeOptions,
  FieldMapping,
  MapFieldsOptions,
  mergeNormalizeOptions,
  NormalizeOptions,
  ParseNumericsOptions,
  Transform
} from "./normalize/NormalizeOptions.ts"
export { type FieldPlan, makeNormalizer, type Normalizer } from "./normalize/Normalizer.ts"
export { type NormalizeResult, normalizeChunk, normalizeRecord } from "./normalize/normalizeChunk.ts"
export {
  normalizeDateTimes,
  normalizeDateTimesStep,
  readDateTime,
  type WrittenDateTime
} from "./normalize/normalizeDateTimes.ts"
export { parseNumberText, parseNumerics, parseNumericsStep, parseNumericValue } from "./normalize/parseNumerics.ts"
export { parseSourceType, type SourceFamily, type SourceType } from "./normalize/SourceType.ts"
export { applyLayer, type LayerResult, type Step } from "./normalize/Step.ts"
export { FailedStage, RecordFailure, recordFailure } from "./RecordFailure.ts"
export type { Identified, Mapped, Normalized, Row, SourceRecord } from "./Row.ts"
export { StageConfigError } from "./StageConfigError.ts"
export {
  identifyStream,
  mapStream,
  normalizeStream,
  type StagedPage,
  stagePages,
  stageRecords,
  stagesStream,
  validateStream
} from "./StageStream.ts"
export {
  makeStages,
  newLookupWindow,
  runStages,
  runStagesLoading,
  type StageCounts,
  type Stages,
  type StagesOptions,
  type StagesResult
} from "./Stages.ts"
export {
  ComparisonOperator,
  FieldPredicate,
  PredicateValue,
  SelectOptions
} from "./select/SelectOptions.ts"
export { compareValue, makeSelector, type Selector } from "./select/Selector.ts"
export { type SelectResult, selectChunk } from "./select/selectChunk.ts"
export { type ColumnCheck, type ColumnRule, columnCheck, makeValidator, type Validator } from "./validate/Validator.ts"
export { validateChunk, validateRecord } from "./validate/validateChunk.ts"
