/** Sync definitions: the model, their storage, their validation and their resolution into an engine run. */

export * from "./connectorSink.ts"
export * from "./DefinitionErrors.ts"
export * as DefinitionScheduler from "./DefinitionScheduler.ts"
export * from "./definitionStateKey.ts"
export * from "./resolveDefinition.ts"
export * from "./retryDefinitionFailed.ts"
export * from "./runDefinition.ts"
export * from "./SyncDefinition.ts"
export * from "./SyncDefinitions.ts"
export * from "./saveDefinition.ts"
export * from "./validateDefinition.ts"
