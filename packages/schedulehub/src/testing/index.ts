/**
 * `@syncflow/schedulehub/testing`: a faithful fake ScheduleHub on loopback HTTP (auth, schema,
 * records, batch, idempotency, rate limit, faults) with its state for tests.
 */

/** The fake ScheduleHub server. */
export * as FakeScheduleHub from "./FakeScheduleHub.ts"
/** The fake's default, ERP-like entities. */
export { defaultEntities } from "./FakeSchema.ts"
/** The fake's records and answers, without HTTP. */
export { type Answer, makeRecordStore, type RecordStore } from "./RecordStore.ts"
/** UUID v7 uids. */
export { isUuidV7, makeUuidV7 } from "./uuidV7.ts"
