/**
 * An element of a page's records array that is not a JSON object (a string, a number, `null`, a
 * nested array): a shape the document did not declare, for that one record. The page's other
 * records are read as usual; the stray element reaches the sync as a record holding only its place
 * in the body and its value (`{"data[3]": "oops"}`), which has no primary key: the sync engine's
 * Validate stage makes it one failed record (`MissingBusinessKey`, stage `validate`) with that raw
 * data, and the run goes on.
 */
import type { SourceRecord } from "@syncflow/adapter-core"
import type { RawRecord } from "../compile/responseSchema.ts"
import type { FieldPath } from "../document/FieldPath.ts"

/** Whether an element of the records array is a record: a JSON object. */
export const isRawRecord = (element: unknown): element is RawRecord =>
  typeof element === "object" && element !== null && !Array.isArray(element)

/** Where an element is in the page's body, as adapter-core's `InvalidResponse` names fields: `data[3]`, `[3]`. */
export const elementPath = (records: FieldPath, index: number): string => `${records.join(".")}[${index}]`

/** The record of a stray element: its place in the body, and the value the upstream sent there. */
export const strayRecord = (records: FieldPath, index: number, element: unknown): SourceRecord => ({
  [elementPath(records, index)]: element
})
