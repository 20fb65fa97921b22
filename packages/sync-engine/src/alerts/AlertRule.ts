/**
 * The alert rules SyncFlow evaluates, what each watches and the unit of the value it reports.
 * Every rule but `upstream_unreachable` is evaluated per enabled entity; that one per connector
 * (an upstream is a connector's, whichever entity found it down).
 */
import { Schema } from "effect"

/**
 * An alert rule:
 * - `consecutive_failures`: the entity's last runs failed, N in a row (3 by default);
 * - `long_run`: a run of the entity has been running longer than a threshold;
 * - `not_synced`: no successful sync within K times the entity's interval (or cron period);
 * - `upstream_unreachable`: the connector's runs fail because its upstream cannot be reached
 *   (network errors, 5xx, timeouts, an open circuit), and have for M minutes;
 * - `failed_records`: the entity's open failed records grew past a threshold;
 * - `pending_children`: a child row has waited for its parent longer than a threshold.
 */
export const AlertRule = Schema.Literals([
  "consecutive_failures",
  "long_run",
  "not_synced",
  "upstream_unreachable",
  "failed_records",
  "pending_children"
])
/** An alert rule. */
export type AlertRule = typeof AlertRule.Type

/** Every rule, in the order they are documented. */
export const alertRules: ReadonlyArray<AlertRule> = AlertRule.literals

/** The unit of the value (and threshold) an alert of each rule reports. */
export const alertRuleUnits: { readonly [R in AlertRule]: "runs" | "seconds" | "records" } = {
  consecutive_failures: "runs",
  long_run: "seconds",
  not_synced: "seconds",
  upstream_unreachable: "seconds",
  failed_records: "records",
  pending_children: "seconds"
}
