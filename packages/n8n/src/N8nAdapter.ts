/**
 * n8n webhook workflows as a SyncFlow destination: each entity a sync definition may push into is a
 * webhook path (an active workflow's Webhook trigger), and a window's changes go to it as
 * deliveries (see `destination/Delivery.ts`): one `POST` per batch, with the sync, run, window and
 * entity, and the batch's idempotency key. Records are known by their business-key hash (the
 * target id the row ledger keeps), as n8n holds no records of its own. Each delivery's answer is
 * logged with its run and key, and decides each change's outcome.
 */
import type { Adapter, EntityManifest, RecordWriter, WriteOperation, WriteOptions } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import { deliveryOf, resultsOf } from "./destination/Delivery.ts"
import type { N8nClientService } from "./N8nClient.ts"

/** The fields of a pushed record that hold its identity (the plugin's `destination.identityFields`). */
export const IDENTITY_FIELDS = { keyHash: "key_hash", dataHash: "data_hash", rowVersion: "row_version" } as const

/** The most changes one delivery carries by default. */
export const DEFAULT_MAX_BATCH = 100

/** How the adapter delivers. */
export interface N8nAdapterOptions {
  /** Entity name -> webhook path of the workflow that receives its changes. */
  readonly webhooks: Readonly<Record<string, string>>
  /** Changes per delivery; {@link DEFAULT_MAX_BATCH} by default. */
  readonly maxBatch?: number | undefined
}

/** The adapter: adapter-core's contract, with the write side always present. */
export interface N8nAdapterService extends Adapter {
  readonly write: RecordWriter
}

/** The manifest of an entity delivered to a webhook: identified by its business-key hash, no declared columns. */
export const webhookManifest = (entity: string): EntityManifest => ({
  entity,
  description: "Changes delivered to an n8n webhook workflow",
  endpoint: "webhooks.trigger",
  businessKey: [IDENTITY_FIELDS.keyHash],
  deltaStrategy: "full",
  parents: []
})

/** Builds the adapter over a client. */
export const fromClient = (client: N8nClientService, options: N8nAdapterOptions): N8nAdapterService => {
  const entities = Object.keys(options.webhooks)
  const maxOperations = Math.max(1, Math.floor(options.maxBatch ?? DEFAULT_MAX_BATCH))

  const deliver = Effect.fn("N8nAdapter.deliver")(function* (
    entity: string,
    operations: ReadonlyArray<WriteOperation>,
    writeOptions: WriteOptions = {}
  ) {
    if (operations.length === 0) return []
    const path = options.webhooks[entity]
    if (path === undefined) {
      return operations.map(() => ({
        _tag: "refused" as const,
        status: 0,
        message: `no n8n webhook is configured for ${entity}`
      }))
    }
    const body = deliveryOf(entity, operations, IDENTITY_FIELDS.keyHash, writeOptions)
    const answer = yield* client.triggerWebhook(path, body, { idempotencyKey: writeOptions.idempotencyKey })
    yield* Effect.logInfo("n8n answered a delivery").pipe(
      Effect.annotateLogs({
        entity,
        path,
        runId: body.runId ?? "",
        idempotencyKey: body.idempotencyKey ?? "",
        changes: operations.length,
        status: answer.status,
        answer: JSON.stringify(answer.body ?? null).slice(0, 500)
      })
    )
    return resultsOf(operations, IDENTITY_FIELDS.keyHash, answer)
  })

  const one = (entity: string, operation: WriteOperation, writeOptions?: WriteOptions) =>
    Effect.map(deliver(entity, [operation], writeOptions), (results) => results[0] ?? { _tag: "notFound" as const })

  const write: RecordWriter = {
    entities,
    create: (entity, record, writeOptions) => one(entity, { op: "create", record }, writeOptions),
    update: (entity, id, record, writeOptions) => one(entity, { op: "update", id, record }, writeOptions),
    delete: (entity, id, writeOptions) => one(entity, { op: "delete", id }, writeOptions),
    batch: { maxOperations, run: deliver }
  }

  return {
    name: "n8n",
    manifests: Effect.succeed(entities.map(webhookManifest)),
    // n8n holds no records to list: a webhook destination is write-only.
    streamPages: () => Stream.empty,
    testConnection: client
      .workflowPages({}, { pageSize: 1 })
      .pipe(Stream.take(1), Stream.runDrain, Effect.withSpan("N8nAdapter.testConnection")),
    write
  }
}
