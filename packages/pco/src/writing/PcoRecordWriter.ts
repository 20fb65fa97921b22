/**
 * The write side of the Planning Center adapter (adapter-core's `RecordWriter`) for the People
 * resources its API can write: people (create, update, delete); a person's email addresses, phone
 * numbers, addresses and custom field values (created under the person named by the record's
 * `person_id`, updated and deleted by id); households (update and delete: the People API creates
 * no household on its own). Attributes are taken from the record by the endpoint's schema, so
 * records read from Planning Center (flattened by `toSourceRecord`) can be written back as they
 * are. Planning Center has no idempotency keys, no batch endpoint and no lookup by business key:
 * `WriteOptions.idempotencyKey` is not sent, and a create whose answer was lost is not retried
 * (adapter-core's policy for POST), so a caller must find the record before creating it again.
 */
import type { AdapterError, RecordWriter, SourceRecord, WriteResult } from "@syncflow/adapter-core"

import { Effect, Result } from "effect"
import type { FlattenableResource } from "../adapter/toSourceRecord.ts"
import { toSourceRecord } from "../adapter/toSourceRecord.ts"
import { CreateAddress, DeleteAddress, UpdateAddress } from "../endpoints/addresses.ts"
import { CreateEmail, DeleteEmail, UpdateEmail } from "../endpoints/emails.ts"
import { CreateFieldDatum, DeleteFieldDatum, UpdateFieldDatum } from "../endpoints/fieldData.ts"
import { DeleteHousehold, UpdateHousehold } from "../endpoints/households.ts"
import { CreatePerson, DeletePerson, UpdatePerson } from "../endpoints/people.ts"
import { CreatePhoneNumber, DeletePhoneNumber, UpdatePhoneNumber } from "../endpoints/phoneNumbers.ts"
import type { PcoClientService } from "../PcoClient.ts"
import { AddressAttributes, AddressCreate, AddressUpdate } from "../resources/Address.ts"
import { EmailAttributes, EmailCreate, EmailUpdate } from "../resources/Email.ts"
import { FieldDatumAttributes, FieldDatumCreate, FieldDatumUpdate } from "../resources/FieldDatum.ts"
import { HouseholdAttributes, HouseholdUpdate } from "../resources/Household.ts"
import { PersonAttributes, PersonCreate, PersonUpdate } from "../resources/Person.ts"
import { PhoneNumberAttributes, PhoneNumberCreate, PhoneNumberUpdate } from "../resources/PhoneNumber.ts"
import { attributesOf, outcomeOf } from "./writeOutcome.ts"

type Write = Effect.Effect<WriteResult, AdapterError>

/** The write operations of one entity. */
interface EntityWriter {
  readonly create: (record: SourceRecord) => Write
  readonly update: (id: string, record: SourceRecord) => Write
  readonly delete: (id: string) => Write
}

/** The entities the People API can write. */
export const writableEntities = ["person", "email", "phone_number", "address", "field_datum", "household"] as const

/** An entity the People API can write. */
export type WritableEntity = (typeof writableEntities)[number]

const isWritable = (entity: string): entity is WritableEntity =>
  (writableEntities as ReadonlyArray<string>).includes(entity)

/** Runs `write` with the record's decoded attributes, or answers `invalid` without a request. */
const withAttributes = <A>(decoded: Result.Result<A, WriteResult>, write: (attributes: A) => Write): Write =>
  Result.isSuccess(decoded) ? write(decoded.success) : Effect.succeed(decoded.failure)

/** The `created`/`updated` result of an answered document, with the record as Planning Center keeps it. */
const answered =
  <A>(
    tag: "created" | "updated",
    flat: (resource: FlattenableResource<A>) => Effect.Effect<SourceRecord, AdapterError>
  ) =>
  (document: { readonly data: FlattenableResource<A> }): Write =>
    Effect.map(flat(document.data), (record): WriteResult => ({ _tag: tag, id: document.data.id, record }))

/** The `person_id` a child record is created under, or `invalid` naming it. */
const personIdOf = (record: SourceRecord): Result.Result<string, WriteResult> => {
  const id = record.person_id
  return typeof id === "string" && id !== ""
    ? Result.succeed(id)
    : typeof id === "number" && Number.isSafeInteger(id)
      ? Result.succeed(String(id))
      : Result.fail({ _tag: "invalid", field: "person_id", message: "the person the record belongs to is required" })
}

/** Builds the write side over a client. */
export const makePcoRecordWriter = (client: PcoClientService): RecordWriter => {
  const deleted = (id: string) => (): WriteResult => ({ _tag: "deleted", id })

  const person: EntityWriter = {
    create: (record) =>
      withAttributes(attributesOf(PersonCreate, record), (attributes) =>
        client
          .call(CreatePerson, { payload: { data: { type: "Person", attributes } } })
          .pipe(Effect.flatMap(answered("created", toSourceRecord("people.create", PersonAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    update: (id, record) =>
      withAttributes(attributesOf(PersonUpdate, record), (attributes) =>
        client
          .call(UpdatePerson, { params: { id }, payload: { data: { type: "Person", id, attributes } } })
          .pipe(Effect.flatMap(answered("updated", toSourceRecord("people.update", PersonAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    delete: (id) =>
      client.call(DeletePerson, { params: { id } }).pipe(Effect.map(deleted(id)), Effect.catch(outcomeOf()))
  }

  const email: EntityWriter = {
    create: (record) =>
      withAttributes(personIdOf(record), (personId) =>
        withAttributes(attributesOf(EmailCreate, record), (attributes) =>
          client
            .call(CreateEmail, { params: { person_id: personId }, payload: { data: { type: "Email", attributes } } })
            .pipe(Effect.flatMap(answered("created", toSourceRecord("emails.create", EmailAttributes))))
        ).pipe(Effect.catch(outcomeOf({ entity: "person", key: personId })))
      ),
    update: (id, record) =>
      withAttributes(attributesOf(EmailUpdate, record), (attributes) =>
        client
          .call(UpdateEmail, { params: { id }, payload: { data: { type: "Email", id, attributes } } })
          .pipe(Effect.flatMap(answered("updated", toSourceRecord("emails.update", EmailAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    delete: (id) =>
      client.call(DeleteEmail, { params: { id } }).pipe(Effect.map(deleted(id)), Effect.catch(outcomeOf()))
  }

  const phoneNumber: EntityWriter = {
    create: (record) =>
      withAttributes(personIdOf(record), (personId) =>
        withAttributes(attributesOf(PhoneNumberCreate, record), (attributes) =>
          client
            .call(CreatePhoneNumber, {
              params: { person_id: personId },
              payload: { data: { type: "PhoneNumber", attributes } }
            })
            .pipe(Effect.flatMap(answered("created", toSourceRecord("phoneNumbers.create", PhoneNumberAttributes))))
        ).pipe(Effect.catch(outcomeOf({ entity: "person", key: personId })))
      ),
    update: (id, record) =>
      withAttributes(attributesOf(PhoneNumberUpdate, record), (attributes) =>
        client
          .call(UpdatePhoneNumber, { params: { id }, payload: { data: { type: "PhoneNumber", id, attributes } } })
          .pipe(Effect.flatMap(answered("updated", toSourceRecord("phoneNumbers.update", PhoneNumberAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    delete: (id) =>
      client.call(DeletePhoneNumber, { params: { id } }).pipe(Effect.map(deleted(id)), Effect.catch(outcomeOf()))
  }

  const address: EntityWriter = {
    create: (record) =>
      withAttributes(personIdOf(record), (personId) =>
        withAttributes(attributesOf(AddressCreate, record), (attributes) =>
          client
            .call(CreateAddress, {
              params: { person_id: personId },
              payload: { data: { type: "Address", attributes } }
            })
            .pipe(Effect.flatMap(answered("created", toSourceRecord("addresses.create", AddressAttributes))))
        ).pipe(Effect.catch(outcomeOf({ entity: "person", key: personId })))
      ),
    update: (id, record) =>
      withAttributes(attributesOf(AddressUpdate, record), (attributes) =>
        client
          .call(UpdateAddress, { params: { id }, payload: { data: { type: "Address", id, attributes } } })
          .pipe(Effect.flatMap(answered("updated", toSourceRecord("addresses.update", AddressAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    delete: (id) =>
      client.call(DeleteAddress, { params: { id } }).pipe(Effect.map(deleted(id)), Effect.catch(outcomeOf()))
  }

  const fieldDatum: EntityWriter = {
    create: (record) =>
      withAttributes(personIdOf(record), (personId) =>
        withAttributes(attributesOf(FieldDatumCreate, record), (attributes) =>
          client
            .call(CreateFieldDatum, {
              params: { person_id: personId },
              payload: { data: { type: "FieldDatum", attributes } }
            })
            .pipe(Effect.flatMap(answered("created", toSourceRecord("fieldData.create", FieldDatumAttributes))))
        ).pipe(Effect.catch(outcomeOf({ entity: "person", key: personId })))
      ),
    update: (id, record) =>
      withAttributes(attributesOf(FieldDatumUpdate, record), (attributes) =>
        client
          .call(UpdateFieldDatum, { params: { id }, payload: { data: { type: "FieldDatum", id, attributes } } })
          .pipe(Effect.flatMap(answered("updated", toSourceRecord("fieldData.update", FieldDatumAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    delete: (id) =>
      client.call(DeleteFieldDatum, { params: { id } }).pipe(Effect.map(deleted(id)), Effect.catch(outcomeOf()))
  }

  const household: EntityWriter = {
    create: () =>
      Effect.succeed({
        _tag: "refused",
        status: 405,
        message: "the People API creates households only with their members; create the people instead"
      }),
    update: (id, record) =>
      withAttributes(attributesOf(HouseholdUpdate, record), (attributes) =>
        client
          .call(UpdateHousehold, { params: { id }, payload: { data: { type: "Household", id, attributes } } })
          .pipe(Effect.flatMap(answered("updated", toSourceRecord("households.update", HouseholdAttributes))))
      ).pipe(Effect.catch(outcomeOf())),
    delete: (id) =>
      client.call(DeleteHousehold, { params: { id } }).pipe(Effect.map(deleted(id)), Effect.catch(outcomeOf()))
  }

  const writers: Readonly<Record<WritableEntity, EntityWriter>> = {
    person,
    email,
    phone_number: phoneNumber,
    address,
    field_datum: fieldDatum,
    household
  }

  const writerOf = (entity: string): EntityWriter | WriteResult =>
    isWritable(entity)
      ? writers[entity]
      : {
          _tag: "refused",
          status: 405,
          message: `Planning Center's People API cannot write ${JSON.stringify(entity)}; writable: ${writableEntities.join(", ")}`
        }

  const on = (entity: string, write: (writer: EntityWriter) => Write): Write => {
    const writer = writerOf(entity)
    return "_tag" in writer ? Effect.succeed(writer) : write(writer)
  }

  return {
    entities: writableEntities,
    create: (entity, record) => on(entity, (w) => w.create(record)).pipe(Effect.withSpan("PcoRecordWriter.create")),
    update: (entity, id, record) =>
      on(entity, (w) => w.update(id, record)).pipe(Effect.withSpan("PcoRecordWriter.update")),
    delete: (entity, id) => on(entity, (w) => w.delete(id)).pipe(Effect.withSpan("PcoRecordWriter.delete"))
  }
}
