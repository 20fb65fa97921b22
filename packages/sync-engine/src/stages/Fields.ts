/**
 * Reading and writing record fields whose names collide with what every object inherits
 * (`constructor`, `toString`, `__proto__`, ...): such a column, when missing, must read as missing
 * (not as the inherited function), and `__proto__` must be written as a field, not as the prototype.
 * Stages decide per field once (`isInheritedName`) and use the plain `record[name]` otherwise.
 */

/** Whether a field name is also a property of every object. */
export const isInheritedName = (name: string): boolean => name in Object.prototype

/** A record's own field, or `undefined`. */
export const readOwn = (record: Readonly<Record<string, unknown>>, name: string): unknown =>
  Object.hasOwn(record, name) ? record[name] : undefined

/** Sets a field, `__proto__` included, as an ordinary enumerable property. */
export const writeOwn = (record: Record<string, unknown>, name: string, value: unknown): void => {
  if (name === "__proto__") {
    Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true })
  } else {
    record[name] = value
  }
}
