/**
 * @syncflow/schedulehub: the ScheduleHub adapter for SyncFlow, usable on its own as a typed
 * client. Health, schema discovery, the full export and lookups by `erp_key_hash`, and the write
 * side (create, update, delete, batch, with idempotency keys) as adapter-core's `RecordWriter`.
 * A faithful fake is in `@syncflow/schedulehub/testing`.
 */

/** The endpoint definitions and their schemas. */
export { GetHubHealth, HubHealthStatus } from "./endpoints/GetHubHealth.ts"
export {
  EntityDescription,
  FieldDescription,
  GetSchema,
  HubFieldType,
  HubParentLink,
  ScheduleHubSchema
} from "./endpoints/GetSchema.ts"
export {
  ListRecords,
  LookupAnswer,
  LookupRecords,
  MAX_LOOKUP_KEYS,
  MAX_PAGE_SIZE,
  RecordPage,
  StoredRecord
} from "./endpoints/ListRecords.ts"
/** The ScheduleHub `HttpApi`. */
export { ScheduleHubApi } from "./endpoints/ScheduleHubApi.ts"
export {
  BatchOperation,
  BatchRecords,
  BatchResult,
  CreateRecord,
  DeleteRecord,
  MAX_BATCH_OPERATIONS,
  RecordBody,
  UpdateRecord
} from "./endpoints/WriteRecords.ts"
export { ScheduleHubCredentialsInput, ScheduleHubSettings } from "./plugin/ScheduleHubPluginSettings.ts"
/** The connector plugin (adapter name `schedulehub`) and what a user gives to create a connector. */
export { scheduleHubPlugin } from "./plugin/scheduleHubPlugin.ts"
/** The adapter (manifests, export pages, test connection, write side). */
export {
  fromClient,
  manifestsOf,
  ScheduleHubAdapter,
  type ScheduleHubAdapterService
} from "./ScheduleHubAdapter.ts"
/** The typed client service and its options. */
export {
  type RecordsPage,
  ScheduleHubClient,
  type ScheduleHubClientOptions,
  type ScheduleHubClientService
} from "./ScheduleHubClient.ts"
/** Service-JWT or bearer credentials for ScheduleHub. */
export * as ScheduleHubCredentials from "./ScheduleHubCredentials.ts"
/** From the schema to entity manifests. */
export { IDENTITY_FIELDS, KEY_HASH_FIELD, toHubEntityManifest } from "./schema/toHubEntityManifest.ts"
/** From an answer to a `WriteResult`. */
export { toWriteResult } from "./writing/WriteAnswer.ts"
