/**
 * @syncflow/pco: a typed client for Planning Center's People API (JSON:API envelopes, pagination,
 * incremental listing, OAuth2 and Personal Access Tokens, rate limits, webhooks), and the Planning
 * Center adapter of the SyncFlow engine. The fake server is in `@syncflow/pco/testing`.
 *
 * - `PcoClient`, `PcoAuth`: the client of one connection and its credentials;
 * - `PcoAdapter`, `manifests`, `toSourceRecord`: the adapter of the sync engine;
 * - `endpoints/*`, `PcoApi`: every endpoint definition (`ListPeople`, `GetPerson`, ...) and the API;
 * - `resources/*`, `Timestamp`, `CalendarDate`: one schema per resource, and the value formats;
 * - `jsonApi/*`, `JsonApiEndpoint`: the JSON:API envelope, `included` resolution, declarations;
 * - `PcoWebhooks`, `WebhookEvent`, `WebhookSignature`: webhook verification and typed events;
 * - `pcoPlugin`, `PcoSettings`, `PcoCredentialsInput`: the connector plugin a SyncFlow server offers.
 */
export { type FlattenableResource, toSourceRecord } from "./adapter/toSourceRecord.ts"
export * from "./endpoints/addresses.ts"
export * from "./endpoints/campuses.ts"
export * from "./endpoints/emails.ts"
export * from "./endpoints/fieldData.ts"
export * from "./endpoints/fieldDefinitions.ts"
export * from "./endpoints/householdMemberships.ts"
export * from "./endpoints/households.ts"
export * from "./endpoints/lists.ts"
export * from "./endpoints/organization.ts"
export { definitions, PcoApi } from "./endpoints/PcoApi.ts"
export * from "./endpoints/people.ts"
export * from "./endpoints/personMergers.ts"
export * from "./endpoints/phoneNumbers.ts"
export * from "./endpoints/webhookSubscriptions.ts"
export * from "./jsonApi/Document.ts"
export * from "./jsonApi/IncludedIndex.ts"
export * as JsonApiEndpoint from "./jsonApi/JsonApiEndpoint.ts"
export * from "./jsonApi/Relationship.ts"
export * from "./jsonApi/Resource.ts"
export * from "./jsonApi/ResourceIdentifier.ts"
export * from "./manifest.ts"
export * from "./PcoAdapter.ts"
export * as PcoAuth from "./PcoAuth.ts"
export * from "./PcoClient.ts"
export * from "./plugin/PcoPluginSettings.ts"
export { pcoPlugin } from "./plugin/pcoPlugin.ts"
export { webhookChangeOf } from "./plugin/webhookChanges.ts"
export * from "./resources/Address.ts"
export * from "./resources/Campus.ts"
export * from "./resources/Email.ts"
export * from "./resources/FieldDatum.ts"
export * from "./resources/FieldDefinition.ts"
export * from "./resources/Household.ts"
export * from "./resources/HouseholdMembership.ts"
export * from "./resources/List.ts"
export * from "./resources/Organization.ts"
export * from "./resources/Person.ts"
export * from "./resources/PersonMerger.ts"
export * from "./resources/PhoneNumber.ts"
export * from "./resources/WebhookSubscription.ts"
export * from "./schema/CalendarDate.ts"
export * from "./schema/Timestamp.ts"
export * from "./webhooks/PcoWebhooks.ts"
export * from "./webhooks/WebhookError.ts"
export * from "./webhooks/WebhookEvent.ts"
export * as WebhookSignature from "./webhooks/WebhookSignature.ts"
export { makePcoRecordWriter, type WritableEntity, writableEntities } from "./writing/PcoRecordWriter.ts"
