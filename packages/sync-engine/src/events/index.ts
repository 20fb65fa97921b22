export * from "./RunEvent.ts"
