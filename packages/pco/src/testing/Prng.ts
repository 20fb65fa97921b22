/**
 * Seeded, stateless pseudo-randomness for the fake: every value is a pure function of the seed and
 * a few integers (a record's kind, index and field), so any record can be generated on its own, in
 * any order, and always comes out the same. No `Math.random`.
 */

const mix = (h: number, k: number): number => {
  let x = Math.imul(k | 0, 0xcc9e2d51)
  x = (x << 15) | (x >>> 17)
  x = Math.imul(x, 0x1b873593)
  let y = h ^ x
  y = (y << 13) | (y >>> 19)
  return (Math.imul(y, 5) + 0xe6546b64) | 0
}

const finish = (h: number): number => {
  let x = h ^ (h >>> 16)
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return x >>> 0
}

/** A 32-bit hash of the seed and keys (MurmurHash3's mixing). */
export const hash32 = (seed: number, ...keys: ReadonlyArray<number>): number => {
  let h = seed | 0
  for (const key of keys) h = mix(h, key)
  return finish(h ^ keys.length)
}

/** A number in [0, 1) determined by the seed and keys. */
export const unit = (seed: number, ...keys: ReadonlyArray<number>): number => hash32(seed, ...keys) / 4294967296

/** An integer in [min, max] determined by the seed and keys. */
export const intBetween = (min: number, max: number, seed: number, ...keys: ReadonlyArray<number>): number =>
  min + Math.floor(unit(seed, ...keys) * (max - min + 1))

/** An element of a non-empty list determined by the seed and keys. */
export const pick = <A>(values: readonly [A, ...Array<A>], seed: number, ...keys: ReadonlyArray<number>): A =>
  values[Math.floor(unit(seed, ...keys) * values.length)] ?? values[0]

/**
 * A sequential generator for decisions that happen in order (mutation scripts, delivery order):
 * the n-th draw is `unit(seed, stream, n)`.
 */
export const sequence = (seed: number, stream: number) => {
  let n = 0
  return {
    /** The next number in [0, 1). */
    next: (): number => unit(seed, stream, n++),
    /** The next integer in [min, max]. */
    int: (min: number, max: number): number => intBetween(min, max, seed, stream, n++)
  }
}

/** Shuffles a copy of `values` deterministically (Fisher-Yates driven by `draw`). */
export const shuffle = <A>(values: ReadonlyArray<A>, draw: () => number): Array<A> => {
  const out = [...values]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1))
    const a = out[i]
    const b = out[j]
    if (a !== undefined && b !== undefined) {
      out[i] = b
      out[j] = a
    }
  }
  return out
}
