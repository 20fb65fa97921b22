/**
 * The `lookup` step: one field of another synced table by key, as a left join of that one field
 * (see `joinStep`): a row without a partner gets null.
 */
import type { StepInput } from "./CompiledStep.ts"
import type { LookupStep } from "./EtlStep.ts"
import { compileJoin } from "./joinStep.ts"

/** Compiles a lookup. */
export const compileLookup = (input: StepInput, step: typeof LookupStep.Type) =>
  compileJoin(input, { from: step.from, on: step.on, joinType: "left", fields: { [step.field]: step.as } })
