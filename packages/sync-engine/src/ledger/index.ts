/** Stages 6 and 9's bookkeeping: the `RowLedger` service and its SQL and table implementations. */
export * from "./RowLedger.ts"
export * as SqlRowLedger from "./SqlRowLedger.ts"
export * as TableRowLedger from "./TableRowLedger.ts"
