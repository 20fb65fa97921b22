/**
 * ETL steps on a sync definition's pipeline (seed 000's L2): `filter`, `map`, `join`, `lookup`,
 * `split`, `deduplicate`, `merge`, `normalize` and `aggregate`, compiled once per run and applied to
 * each window of rows before they are written.
 */
export * from "./CompiledStep.ts"
export * from "./compilePipeline.ts"
export * from "./EtlRunError.ts"
export * from "./EtlStep.ts"
export * from "./StepStats.ts"
