/**
 * What a Planning Center webhook delivers: a body `{ data: [EventDelivery] }` whose deliveries each
 * carry the event name (`people.v2.events.person.updated`), the attempt number and the payload — a
 * JSON string of `{ data: <resource>, included, meta: { event_time, idempotency_token, ... } }`.
 * Decoded into typed events: created/updated events carry the resource decoded with its schema,
 * destroyed events only its identifier, events of other resources or apps their raw resource.
 */
import { decodeText, firstIssue, sampleOf } from "@syncflow/adapter-core"
import { type DateTime, Effect, Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { type AnyResourceSchema, OtherResource } from "../jsonApi/Resource.ts"
import { ResourceIdentifier } from "../jsonApi/ResourceIdentifier.ts"
import { Address } from "../resources/Address.ts"
import { Campus } from "../resources/Campus.ts"
import { Email } from "../resources/Email.ts"
import { FieldDatum } from "../resources/FieldDatum.ts"
import { FieldDefinition } from "../resources/FieldDefinition.ts"
import { Household } from "../resources/Household.ts"
import { HouseholdMembership } from "../resources/HouseholdMembership.ts"
import { List } from "../resources/List.ts"
import { Person } from "../resources/Person.ts"
import { PersonMerger } from "../resources/PersonMerger.ts"
import { PhoneNumber } from "../resources/PhoneNumber.ts"
import { Timestamp } from "../schema/Timestamp.ts"
import { WebhookPayloadInvalid } from "./WebhookError.ts"

/** One delivery in a webhook body. */
export const EventDelivery = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("EventDelivery"),
  attributes: Schema.Struct({
    name: Schema.String,
    attempt: Schema.Int,
    /** The event itself, as a JSON string. */
    payload: Schema.String
  }),
  relationships: Schema.optionalKey(Schema.Struct({ organization: Schema.optionalKey(ToOne) }))
})

/** A decoded {@link EventDelivery}. */
export type EventDelivery = typeof EventDelivery.Type

/** A webhook request body. */
export const WebhookBody = Schema.Struct({ data: Schema.Array(EventDelivery) })

/** The `meta` of an event payload. */
export const EventMeta = Schema.Struct({
  event_time: Schema.optionalKey(Timestamp),
  idempotency_token: Schema.optionalKey(Schema.String),
  can_include: Schema.optionalKey(Schema.Array(Schema.String)),
  parent: Schema.optionalKey(ResourceIdentifier)
})

/** An event payload, its resource still undecoded (it is decoded by the event's resource schema). */
const PayloadEnvelope = Schema.Struct({
  data: Schema.Unknown,
  included: Schema.optionalKey(Schema.Array(OtherResource)),
  meta: Schema.optionalKey(EventMeta)
})

/** The People resources whose events decode into typed records, by their event name. */
export const webhookResources = {
  person: Person,
  email: Email,
  phone_number: PhoneNumber,
  address: Address,
  household: Household,
  household_membership: HouseholdMembership,
  field_datum: FieldDatum,
  field_definition: FieldDefinition,
  list: List,
  campus: Campus,
  person_merger: PersonMerger
} as const

/** A resource name of {@link webhookResources}, e.g. `person`. */
export type WebhookResourceName = keyof typeof webhookResources

/** What every event carries about its delivery. */
export interface WebhookEventBase {
  /** The EventDelivery id (the same on a redelivery of the same event). */
  readonly deliveryId: string
  /** The event name, e.g. `people.v2.events.person.updated`. */
  readonly name: string
  /** Which delivery attempt this is (1 for the first). */
  readonly attempt: number
  readonly organizationId: string | undefined
  /** When the change happened. */
  readonly eventTime: DateTime.Utc | undefined
  /** The same for every delivery of one event: deduplicate on it. */
  readonly idempotencyToken: string | undefined
}

/** A People resource was created or updated: `data` is the resource, decoded with its schema. */
export type ResourceChanged = {
  readonly [K in WebhookResourceName]: WebhookEventBase & {
    readonly _tag: "ResourceChanged"
    readonly resource: K
    readonly action: "created" | "updated"
    readonly data: (typeof webhookResources)[K]["Type"]
  }
}[WebhookResourceName]

/** A People resource was destroyed: only its identifier is left. */
export interface ResourceDestroyed extends WebhookEventBase {
  readonly _tag: "ResourceDestroyed"
  readonly resource: WebhookResourceName
  readonly action: "destroyed"
  readonly data: ResourceIdentifier
}

/** An event of a resource or app this package does not type: its resource undecoded. */
export interface OtherEvent extends WebhookEventBase {
  readonly _tag: "OtherEvent"
  readonly data: OtherResource
}

/** A decoded webhook event. */
export type WebhookEvent = ResourceChanged | ResourceDestroyed | OtherEvent

const eventNamePattern = /^people\.v2\.events\.([a-z_]+)\.(created|updated|destroyed)$/

const isResourceName = (name: string): name is WebhookResourceName => Object.hasOwn(webhookResources, name)

/** The resource and action of an event name, when it is a People event of a typed resource. */
export const parseEventName = (
  name: string
): { readonly resource: WebhookResourceName; readonly action: "created" | "updated" | "destroyed" } | undefined => {
  const match = eventNamePattern.exec(name)
  const resource = match?.[1]
  const action = match?.[2]
  if (resource === undefined || !isResourceName(resource)) return undefined
  return action === "created" || action === "updated" || action === "destroyed" ? { resource, action } : undefined
}

type PayloadDecoder<A> = (
  text: string,
  path: string
) => Effect.Effect<{ readonly data: A; readonly meta: typeof EventMeta.Type | undefined }, WebhookPayloadInvalid>

const payloadDecoder =
  <S extends Schema.Codec<unknown, unknown, never, never>>(schema: S): PayloadDecoder<S["Type"]> =>
  (text, path) =>
    decodeText("webhook", PayloadEnvelope, text).pipe(
      Effect.mapError(
        (error) =>
          new WebhookPayloadInvalid({
            path: error.path === "" ? path : `${path}.${error.path}`,
            message: error.message,
            sample: error.sample
          })
      ),
      Effect.flatMap((envelope) =>
        Schema.decodeUnknownEffect(schema)(envelope.data).pipe(
          Effect.map((data) => ({ data, meta: envelope.meta })),
          Effect.mapError((error) => {
            const issue = firstIssue(error.issue)
            const at = issue.path === "" ? `${path}.data` : `${path}.data.${issue.path}`
            return new WebhookPayloadInvalid({
              path: at,
              message: `${at}: ${issue.message}`,
              sample: sampleOf(text)
            })
          })
        )
      )
    )

const changed = <K extends WebhookResourceName, S extends AnyResourceSchema>(resource: K, schema: S) => {
  const decode = payloadDecoder(schema)
  return (base: WebhookEventBase & { readonly action: "created" | "updated" }, text: string, path: string) =>
    Effect.map(decode(text, path), (payload) => ({
      ...base,
      ...metaOf(base, payload.meta),
      _tag: "ResourceChanged" as const,
      resource,
      data: payload.data
    }))
}

type ChangedDecoder = (
  base: WebhookEventBase & { readonly action: "created" | "updated" },
  text: string,
  path: string
) => Effect.Effect<ResourceChanged, WebhookPayloadInvalid>

const changedDecoders: { readonly [K in WebhookResourceName]: ChangedDecoder } = {
  person: changed("person", Person),
  email: changed("email", Email),
  phone_number: changed("phone_number", PhoneNumber),
  address: changed("address", Address),
  household: changed("household", Household),
  household_membership: changed("household_membership", HouseholdMembership),
  field_datum: changed("field_datum", FieldDatum),
  field_definition: changed("field_definition", FieldDefinition),
  list: changed("list", List),
  campus: changed("campus", Campus),
  person_merger: changed("person_merger", PersonMerger)
}

const decodeIdentifier = payloadDecoder(ResourceIdentifier)
const decodeOther = payloadDecoder(OtherResource)

const metaOf = (
  base: WebhookEventBase,
  meta: typeof EventMeta.Type | undefined
): Pick<WebhookEventBase, "eventTime" | "idempotencyToken" | "organizationId"> => ({
  eventTime: meta?.event_time ?? base.eventTime,
  idempotencyToken: meta?.idempotency_token ?? base.idempotencyToken,
  organizationId: base.organizationId ?? meta?.parent?.id
})

/** Decodes the payload of the `index`-th delivery of a body into a typed event. */
export const decodeDelivery = (
  delivery: EventDelivery,
  index: number
): Effect.Effect<WebhookEvent, WebhookPayloadInvalid> => {
  const path = `data[${index}].attributes.payload`
  const text = delivery.attributes.payload
  const base: WebhookEventBase = {
    deliveryId: delivery.id,
    name: delivery.attributes.name,
    attempt: delivery.attributes.attempt,
    organizationId: delivery.relationships?.organization?.data?.id,
    eventTime: undefined,
    idempotencyToken: undefined
  }
  const event = parseEventName(delivery.attributes.name)
  if (event === undefined) {
    return Effect.map(decodeOther(text, path), (payload) => ({
      ...base,
      ...metaOf(base, payload.meta),
      _tag: "OtherEvent" as const,
      data: payload.data
    }))
  }
  if (event.action === "destroyed") {
    return Effect.map(decodeIdentifier(text, path), (payload) => ({
      ...base,
      ...metaOf(base, payload.meta),
      _tag: "ResourceDestroyed" as const,
      resource: event.resource,
      action: "destroyed" as const,
      data: { type: payload.data.type, id: payload.data.id }
    }))
  }
  return changedDecoders[event.resource]({ ...base, action: event.action }, text, path)
}
