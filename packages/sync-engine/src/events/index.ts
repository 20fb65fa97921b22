export { publishRunEvent, RunEventJson, runEventsChannel } from "./publishRunEvent.ts"
export * from "./RunEvent.ts"
export * from "./RunEvents.ts"
export { countsOf, runFinishedOf, runStartedOf, windowCommittedOf } from "./RunProgress.ts"
