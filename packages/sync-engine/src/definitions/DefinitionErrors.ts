/** The failures of sync definitions: invalid (naming the field), not found, a name taken, a default changed. */
import { Schema } from "effect"

/** A definition that cannot work; `field` is the path of the offending part, e.g. `mapping.price`. */
export class InvalidDefinition extends Schema.TaggedError<InvalidDefinition>()("InvalidDefinition", {
  field: Schema.String,
  message: Schema.String
}) {}

/** No definition has this id. */
export class DefinitionNotFound extends Schema.TaggedError<DefinitionNotFound>()("DefinitionNotFound", {
  id: Schema.String
}) {
  override get message(): string {
    return `No sync definition ${JSON.stringify(this.id)}`
  }
}

/** Another definition already has this id or name (`field` says which). */
export class DefinitionTaken extends Schema.TaggedError<DefinitionTaken>()("DefinitionTaken", {
  field: Schema.Literals(["id", "name"]),
  message: Schema.String
}) {}

/** An entity's default definition follows the entity's settings and goes with the entity: it is not changed directly. */
export class DefaultDefinitionFixed extends Schema.TaggedError<DefaultDefinitionFixed>()("DefaultDefinitionFixed", {
  id: Schema.String
}) {
  override get message(): string {
    return (
      `${JSON.stringify(this.id)} is an entity's default definition: change it through the entity's settings ` +
      "(PATCH /api/v1/connectors/{connectorId}/entities/{entity}, syncflow entities set)"
    )
  }
}

/** A definition that cannot run (yet): `message` says why. */
export class DefinitionNotRunnable extends Schema.TaggedError<DefinitionNotRunnable>()("DefinitionNotRunnable", {
  id: Schema.String,
  message: Schema.String
}) {}
