/** Two-way sync definitions: settings, the conflict model, the cycle and the conflict log. */

export * from "./ConflictErrors.ts"
export * from "./FieldValues.ts"
export * from "./refusedWrites.ts"
export * from "./resolveRecord.ts"
export * from "./retryTwoWayFailed.ts"
export * from "./runTwoWayCycle.ts"
export * from "./runTwoWayDefinition.ts"
export * from "./TwoWayConflicts.ts"
export * as TwoWayLedger from "./TwoWayLedger.ts"
export * from "./TwoWaySettings.ts"
export * as TwoWayTable from "./TwoWayTable.ts"
export * from "./validateTwoWay.ts"
