/**
 * @syncflow/apismith: the APISmith (Oracle ERP data API) adapter for SyncFlow, usable on its own as
 * a typed client. Discovery of the APIs and their Oracle metadata, paged row listings (full or by
 * row version, resumable), health, and the adapter-core `Adapter` contract for the sync engine.
 * Test fakes are in `@syncflow/apismith/testing`.
 */

/** The adapter-core `Adapter` over an `ApiSmithClient`: manifests, record pages, test connection. */
export {
  ApiSmithAdapter,
  type ApiSmithAdapterOptions,
  type ApiSmithAdapterService,
  type OnInvalidApi
} from "./ApiSmithAdapter.ts"
/** The typed client service and its options. */
export {
  ApiSmithClient,
  type ApiSmithClientOptions,
  type ApiSmithClientService,
  type ListRowsOptions,
  type RowPage
} from "./ApiSmithClient.ts"
/** Bearer or service-JWT credentials for APISmith. */
export * as ApiSmithCredentials from "./ApiSmithCredentials.ts"
/** The decoded metadata of one API. */
export { ApiDescription, ApiSlug, ParentDescription } from "./discovery/ApiDescription.ts"
/** The decoded metadata of one column. */
export { ColumnDescription, ColumnName } from "./discovery/ColumnDescription.ts"
/** Per-API decoding of the discovery list. */
export { type Discovery, decodeDiscovery } from "./discovery/Discovery.ts"
/** The typed error of one malformed API. */
export { InvalidApiMetadata, toInvalidResponse } from "./discovery/InvalidApiMetadata.ts"
/** Oracle data types: parser, schema and mapping to column types. */
export * as OracleType from "./discovery/OracleType.ts"
/** From API metadata to the engine's entity manifest. */
export { DATA_ENDPOINT, toColumnManifest, toEntityManifest } from "./discovery/toEntityManifest.ts"
/** The APISmith `HttpApi`. */
export { ApiSmithApi } from "./endpoints/ApiSmithApi.ts"
/** The health endpoint. */
export { GetHealth, HealthStatus } from "./endpoints/GetHealth.ts"
/** The discovery endpoint. */
export { ListApis } from "./endpoints/ListApis.ts"
/** The data endpoint and its rows. */
export { DataPage, DataRow, ListData, MAX_PAGE_SIZE, OracleKeyValue } from "./endpoints/ListData.ts"
/** The names one API is stored under (entity and columns). */
export { type ApiNames, apiNames } from "./naming/ApiNames.ts"
/** The PostgreSQL identifier a slug or column name is stored under. */
export { identifierOf, MAX_IDENTIFIER_LENGTH, type NameKind } from "./naming/identifierOf.ts"
/** Two names of the metadata that normalize to one identifier. */
export { NameCollision } from "./naming/NameCollision.ts"
/** The settings and credentials input of an APISmith connector. */
export * from "./plugin/ApiSmithPluginSettings.ts"
/** The connector plugin a SyncFlow server offers APISmith connectors through. */
export { apiSmithPlugin } from "./plugin/apiSmithPlugin.ts"
/** Rows as source records. */
export { ORACLE_KEYS_FIELD, ROW_VERSION_FIELD, toSourceRecord } from "./rows/ApiSmithRecord.ts"
/** Row versions (`YYYYMMDDHH24MISS`). */
export * as RowVersion from "./rows/RowVersion.ts"
