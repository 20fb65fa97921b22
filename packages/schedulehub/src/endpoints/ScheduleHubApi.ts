/**
 * The ScheduleHub HTTP API as one `effect/http-api` `HttpApi`, composed from its endpoint definitions.
 */
import { makeApi } from "@syncflow/adapter-core"
import { GetHubHealth } from "./GetHubHealth.ts"
import { GetSchema } from "./GetSchema.ts"
import { ListRecords, LookupRecords } from "./ListRecords.ts"
import { BatchRecords, CreateRecord, DeleteRecord, UpdateRecord } from "./WriteRecords.ts"

/** ScheduleHub's API: health, schema, and the records of each entity (read and write). */
export const ScheduleHubApi = makeApi("schedulehub", [
  GetHubHealth,
  GetSchema,
  ListRecords,
  LookupRecords,
  CreateRecord,
  UpdateRecord,
  DeleteRecord,
  BatchRecords
])
