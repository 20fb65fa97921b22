/**
 * A reusable hasher of texts: one hash-wasm instance, one UTF-8 buffer, lowercase hex out, no
 * promise or allocation per text besides the result.
 */
import { Buffer } from "node:buffer"
import type { IHasher } from "hash-wasm"

/** Hashes a text's UTF-8 bytes to lowercase hex, synchronously. */
export type TextDigest = (text: string) => string

const hexBuffer = Buffer.alloc(64)

/** Lowercase hex of up to 64 bytes (a digest), through one reused buffer. */
export const toHex = (bytes: Uint8Array): string => {
  if (bytes.length > hexBuffer.length) return Buffer.from(bytes).toString("hex")
  hexBuffer.set(bytes)
  return hexBuffer.toString("hex", 0, bytes.length)
}

/**
 * Wraps a hash-wasm hasher (`createXXHash128()`, `createBLAKE3()`): `init`/`update`/`digest` per text,
 * the text encoded into a buffer kept between calls. The hasher must not be shared with other code.
 */
export const textDigest = (hasher: IHasher): TextDigest => {
  let buffer = Buffer.allocUnsafe(64 * 1024)
  return (text) => {
    if (text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(text.length * 3)
    const n = buffer.write(text, 0, "utf8")
    return toHex(hasher.init().update(buffer.subarray(0, n)).digest("binary"))
  }
}
