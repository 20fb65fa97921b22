/**
 * The fake ERP's randomness: stateless 32-bit hashes, so every value is a pure function of the
 * seed and the row's coordinates (no `Math.random`, nothing to replay, any row computable alone).
 */

/** A 32-bit finaliser (from MurmurHash3 / lowbias32): every input bit affects every output bit. */
export const mix = (x: number): number => {
  let h = x | 0
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return (h ^ (h >>> 16)) >>> 0
}

/** A hash of two numbers (each taken modulo 2^32). */
export const hash2 = (a: number, b: number): number => mix(a ^ mix((b + 0x9e3779b9) | 0))

/** A hash of three numbers (each taken modulo 2^32). */
export const hash3 = (a: number, b: number, c: number): number => hash2(hash2(a, b), c)

/** A hash of a text (FNV-1a), to derive a seed from a name. */
export const hashText = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}
