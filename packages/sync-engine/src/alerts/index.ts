/** Alerts: the rules, their thresholds, the alerts' history and outbox, and the cluster-wide evaluator. */
export * from "./Alert.ts"
export * as AlertEvaluator from "./AlertEvaluator.ts"
export * from "./AlertMeasures.ts"
export * from "./AlertOutbox.ts"
export * from "./AlertRule.ts"
export * from "./AlertStore.ts"
export * from "./AlertThresholds.ts"
export * from "./alertViolations.ts"
