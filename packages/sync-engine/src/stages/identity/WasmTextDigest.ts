/**
 * The identity hashes' {@link TextDigest}s (xxHash128, BLAKE3-256 from hash-wasm) without hash-wasm's
 * per-call copies: the text is written as UTF-8 straight into the hasher's WebAssembly memory, the
 * module's `Hash_Init`/`Hash_Update`/`Hash_Final` are called, and the digest is read from that memory
 * as hex. Through hash-wasm's `update`/`digest` each hash allocates four typed arrays; this way it
 * allocates only the hex text (measured on a 150-byte row: BLAKE3 0.67 -> 0.39 us, xxHash128 of a
 * key 0.40 -> 0.13 us).
 *
 * hash-wasm does not hand out its WebAssembly instance, so it is caught while hash-wasm creates it
 * (`WebAssembly.instantiate` is wrapped for the duration of one creation, creations one at a time).
 * The direct digest is used only when the instance was caught and hashes test texts exactly as
 * hash-wasm's own `update`/`digest` do; otherwise, and for texts longer than the module's input
 * buffer, the hasher's own API is used (`textDigest`). The digests are the same either way.
 */
import { Buffer } from "node:buffer"
import { createBLAKE3, createXXHash128, type IHasher } from "hash-wasm"
import { type TextDigest, textDigest } from "./TextDigest.ts"

/** The hash functions of the identity stage. */
export type DigestKind = "xxhash128" | "blake3"

/** hash-wasm's input buffer inside the module's memory (its `MAX_HEAP`). */
const INPUT_BYTES = 16 * 1024

interface HashExports {
  readonly memory: { readonly buffer: ArrayBuffer }
  readonly getBuffer: () => number
  readonly init: (param: number) => void
  readonly update: (length: number) => void
  readonly final: (param: number) => void
}

// The project's TypeScript settings declare no WebAssembly types: its API is read as unknown values.
const wasmApi: unknown = Reflect.get(globalThis, "WebAssembly")

const call = (f: unknown) => (param: number) => {
  if (typeof f === "function") Reflect.apply(f, undefined, [param])
}

const hashExports = (instance: unknown): HashExports | undefined => {
  const exports: unknown = typeof instance === "object" && instance !== null ? Reflect.get(instance, "exports") : null
  if (typeof exports !== "object" || exports === null) return undefined
  const memory: unknown = Reflect.get(exports, "memory")
  const getBuffer: unknown = Reflect.get(exports, "Hash_GetBuffer")
  const names = ["Hash_Init", "Hash_Update", "Hash_Final"]
  if (
    typeof memory !== "object" ||
    memory === null ||
    !(Reflect.get(memory, "buffer") instanceof ArrayBuffer) ||
    typeof getBuffer !== "function" ||
    names.some((name) => typeof Reflect.get(exports, name) !== "function")
  ) {
    return undefined
  }
  return {
    memory: {
      get buffer() {
        return Reflect.get(memory, "buffer") as ArrayBuffer
      }
    },
    getBuffer: () => Number(Reflect.apply(getBuffer, undefined, [])),
    init: call(Reflect.get(exports, "Hash_Init")),
    update: call(Reflect.get(exports, "Hash_Update")),
    final: call(Reflect.get(exports, "Hash_Final"))
  }
}

let creating: Promise<unknown> = Promise.resolve()

/** Creates a hasher, catching the WebAssembly instance hash-wasm makes for it (one creation at a time). */
const createCaught = (create: () => Promise<IHasher>): Promise<{ hasher: IHasher; instance?: unknown }> => {
  const run = async (): Promise<{ hasher: IHasher; instance?: unknown }> => {
    const Instance: unknown = typeof wasmApi === "object" && wasmApi !== null ? Reflect.get(wasmApi, "Instance") : null
    const original: unknown =
      typeof wasmApi === "object" && wasmApi !== null ? Reflect.get(wasmApi, "instantiate") : undefined
    if (
      typeof wasmApi !== "object" ||
      wasmApi === null ||
      typeof original !== "function" ||
      typeof Instance !== "function"
    ) {
      return { hasher: await create() }
    }
    const instances: Array<unknown> = []
    const wrapped = (...args: Array<unknown>): Promise<unknown> =>
      Promise.resolve(Reflect.apply(original, wasmApi, args)).then((result: unknown) => {
        if (result instanceof Instance) instances.push(result)
        return result
      })
    Reflect.set(wasmApi, "instantiate", wrapped)
    try {
      const hasher = await create()
      return instances.length === 1 ? { hasher, instance: instances[0] } : { hasher }
    } finally {
      Reflect.set(wasmApi, "instantiate", original)
    }
  }
  const result = creating.then(run, run)
  creating = result.catch(() => undefined)
  return result
}

const TEST_TEXTS = ["", "item_number=PART-12345", "desc=Widget|price=10.50|uom=EA", "Ø10 – ✓ 東京", "x".repeat(5000)]

/** A digest that writes into the module's memory; `undefined` when the exports are not hash-wasm's. */
const directDigest = (kind: DigestKind, instance: unknown, fallback: TextDigest): TextDigest | undefined => {
  const wasm = hashExports(instance)
  if (wasm === undefined) return undefined
  const digestBytes = kind === "blake3" ? 32 : 16
  let view = Buffer.from(wasm.memory.buffer, wasm.getBuffer(), INPUT_BYTES)
  return (text) => {
    if (text.length * 3 > INPUT_BYTES) return fallback(text)
    // A grown memory detaches the old buffer (not expected: these hashers never grow it).
    if (view.length === 0) view = Buffer.from(wasm.memory.buffer, wasm.getBuffer(), INPUT_BYTES)
    if (kind === "blake3") {
      wasm.init(0)
    } else {
      // xxHash128 reads its 64-bit seed (0) from the input buffer on init (element stores: no call).
      for (let i = 0; i < 8; i++) view[i] = 0
      wasm.init(0)
    }
    const n = view.write(text, 0, "utf8")
    wasm.update(n)
    wasm.final(kind === "blake3" ? digestBytes : 0)
    return view.toString("hex", 0, digestBytes)
  }
}

/** A reusable {@link TextDigest} of the given kind (its own hash-wasm instance). */
export const wasmTextDigest = async (kind: DigestKind): Promise<TextDigest> => {
  const { hasher, instance } = await createCaught(kind === "blake3" ? () => createBLAKE3() : () => createXXHash128())
  const plain = textDigest(hasher)
  if (instance === undefined) return plain
  const direct = directDigest(kind, instance, plain)
  if (direct === undefined) return plain
  for (const text of TEST_TEXTS) if (direct(text) !== plain(text)) return plain
  return direct
}
