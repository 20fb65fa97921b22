/**
 * Values across the expression boundary: a row's values into the evaluator (copied, with the size
 * bound checked) and a result out of it (as JSON-like values the stages carry: numbers, text,
 * booleans, null, arrays and objects).
 */
import { Optional } from "@marcbachmann/cel-js"
import { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator"

/** A value over a size bound (`size` is its text length, or its element count). */
export class OverSize {
  readonly size: number
  constructor(size: number) {
    this.size = size
  }
}

/** A result the stages cannot carry (a type, a Duration's fraction, ...). */
export class Unsupported {
  readonly kind: string
  constructor(kind: string) {
    this.kind = kind
  }
}

const maxNesting = 32

/**
 * A row value as the evaluator reads it: text, numbers (doubles; bigints are ints), booleans, null,
 * `Date`s (timestamps), bytes, lists and maps (plain objects, copied). `undefined` is null.
 */
export const toCel = (value: unknown, maxSize: number, depth = 0): unknown => {
  switch (typeof value) {
    case "string":
      return value.length > maxSize ? new OverSize(value.length) : value
    case "number":
    case "boolean":
    case "bigint":
      return value
    case "undefined":
      return null
    case "object": {
      if (value === null || value instanceof Date || value instanceof Uint8Array) return value
      if (depth >= maxNesting) return new OverSize(depth)
      if (Array.isArray(value)) {
        if (value.length > maxSize) return new OverSize(value.length)
        const list: Array<unknown> = []
        for (const element of value) {
          const converted = toCel(element, maxSize, depth + 1)
          if (converted instanceof OverSize) return converted
          list.push(converted)
        }
        return list
      }
      const entries = Object.entries(value)
      if (entries.length > maxSize) return new OverSize(entries.length)
      const object: Record<string, unknown> = {}
      for (const [key, field] of entries) {
        const converted = toCel(field, maxSize, depth + 1)
        if (converted instanceof OverSize) return converted
        Object.defineProperty(object, key, { value: converted, enumerable: true, writable: true, configurable: true })
      }
      return object
    }
    default:
      return null
  }
}

/** Measures results against the size bound as it converts them. */
interface Budget {
  left: number
}

/**
 * A result as the stages carry it: ints as numbers (text when beyond 2^53), doubles (finite only),
 * timestamps as ISO 8601 text, bytes as base64, durations as `"<seconds>s"`.
 */
export const fromCel = (value: unknown, budget: Budget): unknown => {
  switch (typeof value) {
    case "string":
      budget.left -= value.length
      return budget.left < 0 ? new OverSize(value.length) : value
    case "boolean":
      budget.left -= 5
      return value
    case "number":
      budget.left -= 8
      return Number.isFinite(value) ? value : new Unsupported(String(value))
    case "bigint":
      budget.left -= 8
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
    case "object": {
      if (value === null) return null
      if (value instanceof Date) return fromCel(value.toISOString(), budget)
      if (value instanceof UnsignedInt) return fromCel(value.value, budget)
      if (value instanceof Optional) return value.hasValue() ? fromCel(value.value(), budget) : null
      if (value instanceof Duration) return fromCel(value.toString(), budget)
      if (value instanceof Uint8Array) return fromCel(Buffer.from(value).toString("base64"), budget)
      if (Array.isArray(value)) {
        const list: Array<unknown> = []
        for (const element of value) {
          const converted = fromCel(element, budget)
          if (converted instanceof OverSize || converted instanceof Unsupported) return converted
          list.push(converted)
        }
        return list
      }
      if (value instanceof Map) return fromCel(Object.fromEntries(value), budget)
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        return new Unsupported(value.constructor.name)
      }
      const object: Record<string, unknown> = {}
      for (const [key, field] of Object.entries(value)) {
        budget.left -= key.length
        const converted = fromCel(field, budget)
        if (converted instanceof OverSize || converted instanceof Unsupported) return converted
        Object.defineProperty(object, key, { value: converted, enumerable: true, writable: true, configurable: true })
      }
      return object
    }
    default:
      return new Unsupported(typeof value)
  }
}
