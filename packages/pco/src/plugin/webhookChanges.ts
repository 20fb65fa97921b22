/**
 * Which records a verified Planning Center delivery is about: created/updated events name the
 * changed record (a sync of it follows), destroyed events the record that is gone. Events of other
 * resources or apps are about nothing SyncFlow keeps.
 */
import type { WebhookChange } from "@syncflow/adapter-core"
import type { WebhookEvent } from "../webhooks/WebhookEvent.ts"

/** The record an event is about, when it is a People resource event. */
export const webhookChangeOf = (event: WebhookEvent): WebhookChange | undefined => {
  switch (event._tag) {
    case "OtherEvent":
      return undefined
    case "ResourceDestroyed":
      return { entity: event.resource, recordId: event.data.id, destroyed: true }
    case "ResourceChanged": {
      const data: unknown = event.data
      const id =
        typeof data === "object" && data !== null && "id" in data && typeof data.id === "string" ? data.id : undefined
      return id === undefined ? undefined : { entity: event.resource, recordId: id, destroyed: false }
    }
  }
}
