/**
 * `@syncflow/apismith/testing`: a fake APISmith (Oracle ERP data API) with a large, messy,
 * deterministic dataset generated on the fly, mutations, faults and ground truth.
 */

/** The clean form of a row and its values (the ground truth). */
export type { CleanKeyValue, CleanRow, CleanValue } from "./CleanRow.ts"
/** What a mutation asks for. */
export type { Mutation } from "./dataset/EntityState.ts"
/** The dataset without HTTP: pages, clean rows, mutations. */
export * as ErpDataset from "./ErpDataset.ts"
/** The fake APISmith server. */
export * as FakeErp from "./FakeErp.ts"
