/**
 * The whole Planning Center API this package speaks, composed from the endpoint definitions: one
 * `effect/http-api` group per module (`people`, `emails`, ...).
 */
import { makeApi } from "@syncflow/adapter-core"
import * as Addresses from "./addresses.ts"
import * as Campuses from "./campuses.ts"
import * as Emails from "./emails.ts"
import * as FieldData from "./fieldData.ts"
import * as FieldDefinitions from "./fieldDefinitions.ts"
import * as HouseholdMemberships from "./householdMemberships.ts"
import * as Households from "./households.ts"
import * as Lists from "./lists.ts"
import * as Organization from "./organization.ts"
import * as People from "./people.ts"
import * as PersonMergers from "./personMergers.ts"
import * as PhoneNumbers from "./phoneNumbers.ts"
import * as WebhookSubscriptions from "./webhookSubscriptions.ts"

/** Every endpoint definition, in one list. */
export const definitions = [
  Organization.GetOrganization,
  People.ListPeople,
  People.GetPerson,
  People.CreatePerson,
  People.UpdatePerson,
  People.DeletePerson,
  Emails.ListEmails,
  Emails.ListPersonEmails,
  Emails.GetEmail,
  Emails.CreateEmail,
  Emails.UpdateEmail,
  Emails.DeleteEmail,
  PhoneNumbers.ListPhoneNumbers,
  PhoneNumbers.ListPersonPhoneNumbers,
  PhoneNumbers.GetPhoneNumber,
  PhoneNumbers.CreatePhoneNumber,
  PhoneNumbers.UpdatePhoneNumber,
  PhoneNumbers.DeletePhoneNumber,
  Addresses.ListAddresses,
  Addresses.ListPersonAddresses,
  Addresses.GetAddress,
  Addresses.CreateAddress,
  Addresses.UpdateAddress,
  Addresses.DeleteAddress,
  Households.ListHouseholds,
  Households.GetHousehold,
  Households.UpdateHousehold,
  Households.DeleteHousehold,
  HouseholdMemberships.ListHouseholdMemberships,
  HouseholdMemberships.GetHouseholdMembership,
  Campuses.ListCampuses,
  Campuses.GetCampus,
  Lists.ListLists,
  Lists.GetList,
  FieldDefinitions.ListFieldDefinitions,
  FieldDefinitions.GetFieldDefinition,
  FieldData.ListFieldData,
  FieldData.ListPersonFieldData,
  FieldData.GetFieldDatum,
  FieldData.CreateFieldDatum,
  FieldData.UpdateFieldDatum,
  FieldData.DeleteFieldDatum,
  PersonMergers.ListPersonMergers,
  PersonMergers.GetPersonMerger,
  WebhookSubscriptions.ListWebhookSubscriptions,
  WebhookSubscriptions.CreateWebhookSubscription,
  WebhookSubscriptions.UpdateWebhookSubscription,
  WebhookSubscriptions.DeleteWebhookSubscription
] as const

/** The Planning Center `HttpApi`: serve it, generate a client from it, or render it as OpenAPI. */
export const PcoApi = makeApi("pco", definitions)
