/**
 * A two-way conflict's versions as the conflicts page shows and resolves them: the fields to show
 * (the conflicting ones first, then the rest any version has), a value as text, and the merged
 * record a user typed, each value read as the type the sides hold (a number stays a number, a
 * boolean a boolean, an empty input is `null`).
 */

/** A field's value in a version. */
export type FieldValue = string | number | boolean | null

/** One side's version of a record (`null`: deleted there). */
export type Version = Readonly<Record<string, FieldValue>> | null

/** The fields of a conflict: `conflicting` first (in order), then the others of any version, sorted. */
export const conflictFields = (
  conflicting: ReadonlyArray<string>,
  versions: ReadonlyArray<Version>
): ReadonlyArray<string> => {
  const others = new Set<string>()
  for (const version of versions) for (const field of Object.keys(version ?? {})) others.add(field)
  for (const field of conflicting) others.delete(field)
  return [...conflicting, ...[...others].sort()]
}

/** A value as the page shows it (`—` when the version lacks the field or was deleted). */
export const showValue = (version: Version, field: string): string => {
  if (version === null || !(field in version)) return "—"
  const value = version[field]
  return value === null || value === undefined ? "null" : String(value)
}

/** A typed input read as the kind of value the sides hold for `field`, or why it is not one. */
export const readInput = (
  text: string,
  field: string,
  versions: ReadonlyArray<Version>
): { readonly value: FieldValue } | { readonly problem: string } => {
  if (text.trim() === "") return { value: null }
  const kinds = new Set(versions.flatMap((version) => (version === null ? [] : [typeof version[field]])))
  if (kinds.has("number")) {
    const number = Number(text)
    return Number.isFinite(number) ? { value: number } : { problem: `${field}: enter a number` }
  }
  if (kinds.has("boolean")) {
    if (text === "true" || text === "false") return { value: text === "true" }
    return { problem: `${field}: enter true or false` }
  }
  return { value: text }
}

/** The merged record of `inputs` (field -> text), or the first problem. */
export const mergedRecord = (
  inputs: Readonly<Record<string, string>>,
  versions: ReadonlyArray<Version>
): { readonly record: Readonly<Record<string, FieldValue>> } | { readonly problem: string } => {
  const record: Record<string, FieldValue> = {}
  for (const [field, text] of Object.entries(inputs)) {
    const read = readInput(text, field, versions)
    if ("problem" in read) return read
    record[field] = read.value
  }
  return { record }
}
