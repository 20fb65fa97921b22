/**
 * A `Destination` over any adapter's write side (`RecordWriter`, from `@syncflow/adapter-core`):
 * pushes a window's changes into a target system's API. It cannot join the engine's transaction
 * (`transactional: false`), so it is exactly-once by protocol:
 *
 * 1. **Idempotent writes first.** Creates go in requests carrying an idempotency key derived from
 *    the sync, the run, the window, the batch and the batch's rows (business keys and data hashes),
 *    so a replayed window resends the same keys and the target answers as it did the first time.
 *    Rows the ledger does not know are first looked up by business-key hash (`RecordWriter.lookup`)
 *    and written as updates of the id found: a create that reached the target before a crash is
 *    never repeated as a second record.
 * 2. **Then the ledger and the checkpoint**, in one transaction (the engine's). A crash anywhere
 *    between repeats writes harmlessly.
 *
 * Per-row answers: `conflict` (a live record with that key) is retried as an update of its id;
 * `notFound` on an update (the record was removed in the target) is retried as a create, on a
 * delete it is done; `parentMissing` parks the row (the engine's `pending_children`, retried when the
 * parent is written); `invalid` and `refused` make it a failed record. The batch form is used when
 * the writer has one (up to its `maxOperations`).
 *
 * The target's records carry the row's identity in fields the configuration names
 * (`identityFields`, e.g. ScheduleHub's `erp_key_hash`, `erp_data_hash`, `erp_rowversion`), and a
 * child names its parent by the parent's business-key hash in the field its `references` give
 * (ScheduleHub's `via`): nothing of a particular target is built into the engine.
 */
import { createHash } from "node:crypto"
import type {
  AdapterError,
  ColumnType,
  RecordWriter,
  SourceRecord,
  WriteOperation,
  WriteResult
} from "@syncflow/adapter-core"
import { Effect } from "effect"
import { auditColumnNames } from "./AuditColumns.ts"
import {
  type ApplyContext,
  Destination,
  type DestinationChanges,
  type RowDelete,
  type RowOutcome
} from "./Destination.ts"
import { DestinationError, TargetFailure } from "./DestinationError.ts"
import type { IngestRow } from "./TableDestination.ts"
import { entityOf, type TableTarget } from "./TableTarget.ts"

/** The target's fields holding a row's identity. */
export interface IdentityFields {
  /** The business-key hash (ScheduleHub: `erp_key_hash`); `lookup` finds records by it. */
  readonly keyHash: string
  /** The data hash (ScheduleHub: `erp_data_hash`). */
  readonly dataHash: string
  /** The source's row version (ScheduleHub: `erp_rowversion`), or none. */
  readonly rowVersion?: string | undefined
}

/** How a child record names one parent: the parent's business-key hash, in field `via`. */
export interface ParentReference {
  readonly parentEntity: string
  readonly via: string
  /** The parent's business-key hash of a child row (`undefined`: the row names no parent). */
  readonly parentHash: (row: IngestRow) => string | undefined
}

/** A field of a target entity, and its type when the target says (a manifest column type). */
export interface TargetField {
  readonly name: string
  readonly type?: ColumnType | undefined
}

/**
 * A clean value as a field of `type` takes it: a timestamp for a `date` field is its date
 * (`2024-03-01T00:00:00.000Z` -> `2024-03-01`, as an Oracle `DATE` holding a day arrives), a number or
 * boolean for a `string` field its text. Anything else is sent as it is (the target says when it is wrong).
 */
export const toFieldType = (value: unknown, type: ColumnType | undefined): unknown => {
  if (type === "date" && typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10)
  if (type === "string" && (typeof value === "number" || typeof value === "boolean")) return String(value)
  return value
}

/** Settings of {@link make}. */
export interface ApiDestinationOptions {
  /** The adapter's write side. */
  readonly writer: RecordWriter
  readonly identityFields: IdentityFields
  /**
   * The fields of each target entity (by entity name), e.g. from the target adapter's manifests:
   * only these columns are sent, converted to the field's type where the row holds another clean
   * form of it (see {@link toFieldType}). Every column is sent as is for an entity not named.
   */
  readonly fields?: { readonly [entity: string]: ReadonlyArray<TargetField> } | undefined
  /** The parent references of each target entity (by entity name). */
  readonly references?: { readonly [entity: string]: ReadonlyArray<ParentReference> } | undefined
  /** Changes per `apply` (default: the writer's batch size, or 500 without a batch form). */
  readonly maxBatch?: number | undefined
  /** Business keys per `lookup` request. Default 1,000. */
  readonly lookupChunk?: number | undefined
}

/**
 * The idempotency key of a batch: a digest of the sync, the run, the window, the batch's index and
 * its rows (business keys and data hashes), so the same batch sent again gets the same key and a
 * batch whose rows changed meanwhile gets another.
 */
export const idempotencyKey = (context: ApplyContext, rows: ReadonlyArray<readonly [string, string]>): string =>
  `sf-${createHash("sha256")
    .update(JSON.stringify([context.syncId, context.runId, context.window, context.batch, rows]))
    .digest("hex")}`

const audit: ReadonlySet<string> = auditColumnNames

/** One row's planned operation. */
type Planned =
  | { readonly kind: "create"; readonly row: IngestRow }
  | { readonly kind: "update"; readonly row: IngestRow; readonly id: string }
  | { readonly kind: "delete"; readonly row: RowDelete }

/** Builds the destination. */
export const make = (options: ApiDestinationOptions): Destination["Service"] => {
  const { writer, identityFields } = options
  const batchMax = writer.batch?.maxOperations
  const maxBatch = Math.max(1, Math.floor(options.maxBatch ?? batchMax ?? 500))
  const lookupChunk = Math.max(1, Math.floor(options.lookupChunk ?? 1_000))

  const failed = (entity: string, operation: string) => (cause: AdapterError) =>
    new DestinationError({ entity, reason: new TargetFailure({ operation, detail: cause.message, cause }) })

  /** The target's record of a row: its columns without SyncFlow's audit columns, its identity and its parents. */
  const toRecord = (entity: string, row: IngestRow): SourceRecord => {
    const record: Record<string, unknown> = {}
    const only = options.fields?.[entity]
    if (only === undefined) {
      for (const [column, value] of Object.entries(row)) if (!audit.has(column)) record[column] = value
    } else {
      for (const field of only) if (field.name in row) record[field.name] = toFieldType(row[field.name], field.type)
    }
    record[identityFields.keyHash] = row._bk_hash
    record[identityFields.dataHash] = row._data_hash
    if (identityFields.rowVersion !== undefined) record[identityFields.rowVersion] = row._row_version ?? null
    for (const reference of options.references?.[entity] ?? [])
      record[reference.via] = reference.parentHash(row) ?? null
    return record
  }

  const operationOf = (entity: string, planned: Planned): WriteOperation =>
    planned.kind === "create"
      ? { op: "create", record: toRecord(entity, planned.row) }
      : planned.kind === "update"
        ? { op: "update", id: planned.id, record: toRecord(entity, planned.row) }
        : { op: "delete", id: planned.row.targetId }

  /** Sends operations: the batch form in requests of at most its size, else one request per operation. */
  const send = (entity: string, operations: ReadonlyArray<WriteOperation>, key: string, context: ApplyContext) =>
    Effect.gen(function* () {
      const batch = writer.batch
      if (batch !== undefined) {
        const results: Array<WriteResult> = []
        for (let start = 0; start < operations.length; start += batch.maxOperations) {
          const part = operations.slice(start, start + batch.maxOperations)
          const answered = yield* batch.run(entity, part, { idempotencyKey: `${key}-${start}`, context })
          results.push(...answered)
        }
        return results
      }
      return yield* Effect.forEach(operations, (operation, index) =>
        operation.op === "create"
          ? writer.create(entity, operation.record, { idempotencyKey: `${key}-${index}`, context })
          : operation.op === "update"
            ? writer.update(entity, operation.id, operation.record)
            : writer.delete(entity, operation.id)
      )
    })

  /** The ids the target holds for rows the ledger does not know (so a create is never repeated). */
  const lookupIds = (entity: string, rows: ReadonlyArray<IngestRow>) =>
    Effect.gen(function* () {
      const found = new Map<string, string>()
      if (writer.lookup === undefined || rows.length === 0) return found
      for (let start = 0; start < rows.length; start += lookupChunk) {
        const keys = rows.slice(start, start + lookupChunk).map((row) => row._bk_hash)
        const ids = yield* writer.lookup(entity, keys)
        for (const [key, id] of ids) found.set(key, id)
      }
      return found
    })

  const outcomeOf = (
    planned: Planned,
    result: WriteResult | undefined
  ): RowOutcome | "retryAsUpdate" | "retryAsCreate" => {
    const bkHash = planned.kind === "delete" ? planned.row.bkHash : planned.row._bk_hash
    const row = planned.kind === "delete" ? undefined : planned.row
    if (result === undefined) return { _tag: "failed", bkHash, row, reason: "the target gave no answer for the row" }
    switch (result._tag) {
      case "created":
        return { _tag: "written", bkHash, targetId: result.id, operation: "inserted" }
      case "updated":
        return { _tag: "written", bkHash, targetId: result.id, operation: "updated" }
      case "deleted":
        return { _tag: "deleted", bkHash }
      case "conflict":
        return planned.kind === "create"
          ? "retryAsUpdate"
          : { _tag: "failed", bkHash, row, reason: `conflict with record ${result.id}` }
      case "notFound":
        return planned.kind === "delete" ? { _tag: "deleted", bkHash } : "retryAsCreate"
      case "parentMissing":
        return row === undefined
          ? { _tag: "failed", bkHash, reason: `parent ${result.parentEntity} ${result.parentKey} is missing` }
          : { _tag: "parked", bkHash, row, parentEntity: result.parentEntity, parentBkHash: result.parentKey }
      case "invalid":
        return {
          _tag: "failed",
          bkHash,
          row,
          field: result.field,
          reason: result.field === undefined ? result.message : `${result.field}: ${result.message}`
        }
      case "refused":
        return { _tag: "failed", bkHash, row, reason: `refused (${result.status}): ${result.message}` }
    }
  }

  const apply = Effect.fn("ApiDestination.apply")(
    function* (target: TableTarget, changes: DestinationChanges, context: ApplyContext) {
      const entity = entityOf(target)
      const known = yield* lookupIds(entity, changes.inserts)
      // Every row keeps its position, whatever the lookup found, so a replayed batch matches its first answer.
      const planned: Array<Planned> = [
        ...changes.inserts.map((row): Planned => {
          const id = known.get(row._bk_hash)
          return id === undefined ? { kind: "create", row } : { kind: "update", row, id }
        }),
        ...changes.updates.map((update): Planned => ({ kind: "update", row: update.row, id: update.targetId })),
        ...changes.deletes.map((row): Planned => ({ kind: "delete", row }))
      ]
      const key = idempotencyKey(
        context,
        planned.map((p) => (p.kind === "delete" ? [p.row.bkHash, ""] : [p.row._bk_hash, p.row._data_hash]))
      )
      const results = yield* send(
        entity,
        planned.map((p) => operationOf(entity, p)),
        key,
        context
      )
      const outcomes: Array<RowOutcome> = []
      for (let index = 0; index < planned.length; index++) {
        const p = planned[index]!
        const outcome = outcomeOf(p, results[index])
        if (outcome === "retryAsUpdate" && p.kind !== "delete") {
          const conflict = results[index]
          const id = conflict?._tag === "conflict" ? conflict.id : ""
          const retried = yield* writer.update(entity, id, toRecord(entity, p.row))
          const again = outcomeOf({ kind: "update", row: p.row, id }, retried)
          outcomes.push(
            typeof again === "string"
              ? { _tag: "failed", bkHash: p.row._bk_hash, row: p.row, reason: "conflict" }
              : again
          )
        } else if (outcome === "retryAsCreate" && p.kind !== "delete") {
          const retried = yield* writer.create(entity, toRecord(entity, p.row), { idempotencyKey: `${key}-r${index}` })
          const again = outcomeOf({ kind: "create", row: p.row }, retried)
          outcomes.push(
            typeof again === "string"
              ? {
                  _tag: "failed",
                  bkHash: p.row._bk_hash,
                  row: p.row,
                  reason: "the record vanished while being written"
                }
              : again
          )
        } else if (typeof outcome !== "string") {
          outcomes.push(outcome)
        }
      }
      return outcomes
    },
    (effect, target) => Effect.mapError(effect, failed(entityOf(target), "writing records"))
  )

  return Destination.of({
    capabilities: { transactional: false, maxBatch },
    prepareEntity: (target) =>
      writer.entities.includes(entityOf(target))
        ? Effect.void
        : Effect.fail(
            new DestinationError({
              entity: entityOf(target),
              reason: new TargetFailure({
                operation: "preparing the entity",
                detail: `the target cannot write ${entityOf(target)} (it writes ${writer.entities.join(", ") || "nothing"})`
              })
            })
          ),
    apply
  })
}
