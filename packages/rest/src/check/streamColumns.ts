/**
 * A stream's columns as both `syncflow sources check` shows them and the sync creates them: the
 * columns the document declares (their types win), then every other field of the sampled records
 * with its inferred type. A stream that declares nothing and whose sample is empty has no columns
 * yet: the engine then types them from the first records it syncs.
 */
import type { ColumnManifest, SourceRecord } from "@syncflow/adapter-core"
import type { CompiledStream } from "../compile/compileSource.ts"
import { primaryKeyOf } from "../document/validateDocument.ts"
import { sampleColumns } from "./sampleColumns.ts"

/** Where a stream's columns came from. */
export type ColumnsOrigin = "declared" | "inferred" | "declared-and-inferred" | "none"

/** A stream's columns from its document and sampled records. */
export interface StreamColumns {
  readonly columns: ReadonlyArray<ColumnManifest> | undefined
  readonly origin: ColumnsOrigin
}

/** The columns of `stream` given records sampled from it. */
export const streamColumns = (stream: CompiledStream, sample: ReadonlyArray<SourceRecord>): StreamColumns => {
  const declared = stream.manifest.columns ?? []
  const names = new Set(declared.map((column) => column.name))
  const inferred = sampleColumns(sample, primaryKeyOf(stream.spec)).filter((column) => !names.has(column.name))
  if (declared.length === 0 && inferred.length === 0) return { columns: undefined, origin: "none" }
  return {
    columns: [...declared, ...inferred],
    origin: declared.length === 0 ? "inferred" : inferred.length === 0 ? "declared" : "declared-and-inferred"
  }
}
