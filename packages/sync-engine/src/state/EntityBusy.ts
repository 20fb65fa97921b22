/**
 * The typed refusal of a second sync of an entity while another holds its lease (see `EntityLeases`).
 */
import { Schema } from "effect"

/** Another sync holds the entity's lease: this one may not run now (try again when it ends). */
export class EntityBusy extends Schema.TaggedError<EntityBusy>()("EntityBusy", {
  connectorId: Schema.String,
  entity: Schema.String,
  /** Who holds the lease: a workflow execution (`workflow <id>`) or a process (`process <host>:<pid>/<token>`). */
  holder: Schema.String,
  /** The run the holder is running, once it has started one. */
  runId: Schema.NullOr(Schema.String),
  /** When the lease lapses unless its holder renews it (ISO 8601). */
  expiresAt: Schema.String
}) {
  /** One line naming the entity, who syncs it and until when. */
  override get message(): string {
    return `${this.connectorId}/${this.entity} is already being synced by ${this.holder}${this.runId === null ? "" : ` (run ${this.runId})`}; its lease runs until ${this.expiresAt} unless renewed`
  }
}
