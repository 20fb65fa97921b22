/**
 * Test doubles of the sync engine's services, for users' tests of their syncs: a memory
 * `Destination` and a memory `RowLedger`.
 */

export * as MemoryRowLedger from "../ledger/MemoryRowLedger.ts"
export * as MemoryDestination from "./MemoryDestination.ts"
