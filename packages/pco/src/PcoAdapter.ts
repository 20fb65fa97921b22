/**
 * The Planning Center implementation of adapter-core's `Adapter` contract: the entity manifests, and
 * each entity's records as resumable pages of flat `SourceRecord`s — incremental from `since` where
 * Planning Center allows it (see `manifest.ts`), in constant memory, one page at a time; and the
 * write side for the People resources the API can write (see `PcoRecordWriter`).
 */
import {
  type Adapter,
  type AdapterError,
  type Cursor,
  InvalidRequest,
  type ListRecordsOptions,
  nestedPages,
  type Page,
  type SourceRecord
} from "@syncflow/adapter-core"
import { Context, Effect, Layer, Predicate, Stream } from "effect"
import { parseSince, untilOlderThan } from "./adapter/incremental.ts"
import { type FlattenableResource, toSourceRecord } from "./adapter/toSourceRecord.ts"
import { ListAddresses } from "./endpoints/addresses.ts"
import { ListCampuses } from "./endpoints/campuses.ts"
import { ListEmails } from "./endpoints/emails.ts"
import { ListFieldData } from "./endpoints/fieldData.ts"
import { ListFieldDefinitions } from "./endpoints/fieldDefinitions.ts"
import { ListHouseholdMemberships } from "./endpoints/householdMemberships.ts"
import { ListHouseholds } from "./endpoints/households.ts"
import { ListLists } from "./endpoints/lists.ts"
import { ListPeople } from "./endpoints/people.ts"
import { ListPersonMergers } from "./endpoints/personMergers.ts"
import { ListPhoneNumbers } from "./endpoints/phoneNumbers.ts"
import { manifestOf, manifests, type PcoEntityName } from "./manifest.ts"
import { PcoClient, type PcoClientService } from "./PcoClient.ts"
import { AddressAttributes } from "./resources/Address.ts"
import { CampusAttributes } from "./resources/Campus.ts"
import { EmailAttributes } from "./resources/Email.ts"
import { FieldDatumAttributes } from "./resources/FieldDatum.ts"
import { FieldDefinitionAttributes } from "./resources/FieldDefinition.ts"
import { HouseholdAttributes } from "./resources/Household.ts"
import { HouseholdMembershipAttributes } from "./resources/HouseholdMembership.ts"
import { ListAttributes } from "./resources/List.ts"
import { PersonAttributes } from "./resources/Person.ts"
import { PersonMergerAttributes } from "./resources/PersonMerger.ts"
import { PhoneNumberAttributes } from "./resources/PhoneNumber.ts"
import { makePcoRecordWriter } from "./writing/PcoRecordWriter.ts"

type Records = Stream.Stream<Page<SourceRecord>, AdapterError>

/** What every listing starts from: the saved cursor and the page size. */
const paging = (options: ListRecordsOptions): { readonly from?: Cursor.Cursor; readonly pageSize?: number } => ({
  ...(options.from === undefined ? {} : { from: options.from }),
  ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize })
})

/**
 * Replaces each page's resources with their flattened records, and gives the page the collection's
 * `meta.total_count` as its `total` (`counted: false` for pages whose body is not the whole listing's,
 * e.g. one household's memberships).
 */
const flatten =
  <A>(flat: (resource: FlattenableResource<A>) => Effect.Effect<SourceRecord, AdapterError>, counted = true) =>
  <B, E, R>(pages: Stream.Stream<Page<FlattenableResource<A>, B>, E, R>) =>
    Stream.mapEffect(pages, (page) =>
      Effect.map(
        Effect.forEach(page.items, flat),
        (items): Page<SourceRecord> => ({ ...page, items, total: counted ? totalCount(page.body) : undefined })
      )
    )

/** A collection document's `meta.total_count`, when it has one. */
const totalCount = (body: unknown): number | undefined => {
  if (!Predicate.hasProperty(body, "meta") || !Predicate.hasProperty(body.meta, "total_count")) return undefined
  const total = body.meta.total_count
  return Predicate.isNumber(total) ? total : undefined
}

/** The listing of every entity. */
const listings = (
  client: PcoClientService
): Readonly<Record<PcoEntityName, (options: ListRecordsOptions) => Records>> => {
  /** `where[updated_at][gte]=since&order=updated_at`, or the whole collection by `updated_at`. */
  const byUpdatedAt = (since: string | undefined) =>
    since === undefined
      ? { order: "updated_at" as const }
      : { order: "updated_at" as const, filter: { updated_at: { gte: since } } }

  /** Fails a listing whose `since` is not a date-time, before any request. */
  const checked = (endpoint: string, options: ListRecordsOptions, records: Records): Records =>
    options.since === undefined ? records : Stream.flatMap(parseSince(endpoint, options.since), () => records)

  return {
    campus: (options) =>
      checked(
        "campuses.list",
        options,
        client
          .streamPages(ListCampuses, { ...paging(options), ...byUpdatedAt(options.since) })
          .pipe(flatten(toSourceRecord("campuses.list", CampusAttributes)))
      ),
    person: (options) =>
      checked(
        "people.list",
        options,
        client
          .streamPages(ListPeople, { ...paging(options), ...byUpdatedAt(options.since) })
          .pipe(flatten(toSourceRecord("people.list", PersonAttributes)))
      ),
    email: (options) =>
      checked(
        "emails.list",
        options,
        client
          .streamPages(ListEmails, { ...paging(options), ...byUpdatedAt(options.since) })
          .pipe(flatten(toSourceRecord("emails.list", EmailAttributes)))
      ),
    phone_number: (options) =>
      checked(
        "phoneNumbers.list",
        options,
        client
          .streamPages(ListPhoneNumbers, { ...paging(options), ...byUpdatedAt(options.since) })
          .pipe(flatten(toSourceRecord("phoneNumbers.list", PhoneNumberAttributes)))
      ),
    address: (options) => {
      const since = options.since
      // Listed newest first down to `since`, an incremental listing reads fewer than the total.
      const toRecords = flatten(toSourceRecord("addresses.list", AddressAttributes), since === undefined)
      if (since === undefined) {
        return client.streamPages(ListAddresses, { ...paging(options), order: "updated_at" }).pipe(toRecords)
      }
      // Addresses cannot be filtered by updated_at: list them newest first and stop at `since`.
      return Stream.flatMap(parseSince("addresses.list", since), (from) =>
        client.streamPages(ListAddresses, { ...paging(options), order: "-updated_at" }).pipe(
          untilOlderThan(from, (address) => address.attributes.updated_at),
          toRecords
        )
      )
    },
    household: (options) =>
      checked(
        "households.list",
        options,
        client
          .streamPages(ListHouseholds, { ...paging(options), ...byUpdatedAt(options.since) })
          .pipe(flatten(toSourceRecord("households.list", HouseholdAttributes)))
      ),
    household_membership: (options) => {
      const endpoint = ListHouseholdMemberships.qualifiedName
      const pageSize = options.pageSize === undefined ? {} : { pageSize: options.pageSize }
      return nestedPages({
        endpoint,
        from: options.from,
        parents: (cursor) => client.fetchPage(ListHouseholds, pageSize, cursor),
        hasChildren: (household) => household.attributes.member_count > 0,
        children: (household, cursor) =>
          client.fetchPage(ListHouseholdMemberships, { ...pageSize, params: { household_id: household.id } }, cursor)
      }).pipe(flatten(toSourceRecord(endpoint, HouseholdMembershipAttributes), false))
    },
    list: (options) =>
      checked(
        "lists.list",
        options,
        client
          .streamPages(ListLists, { ...paging(options), ...byUpdatedAt(options.since) })
          .pipe(flatten(toSourceRecord("lists.list", ListAttributes)))
      ),
    field_definition: (options) =>
      client
        .streamPages(ListFieldDefinitions, paging(options))
        .pipe(flatten(toSourceRecord("fieldDefinitions.list", FieldDefinitionAttributes))),
    field_datum: (options) =>
      client
        .streamPages(ListFieldData, paging(options))
        .pipe(flatten(toSourceRecord("fieldData.list", FieldDatumAttributes))),
    person_merger: (options) =>
      checked(
        "personMergers.list",
        options,
        client
          .streamPages(ListPersonMergers, {
            ...paging(options),
            order: "created_at",
            ...(options.since === undefined ? {} : { filter: { created_at: { gte: options.since } } })
          })
          .pipe(flatten(toSourceRecord("personMergers.list", PersonMergerAttributes)))
      )
  }
}

const make = Effect.gen(function* () {
  const client = yield* PcoClient
  const listing = listings(client)
  const adapter: Adapter = {
    name: "pco",
    manifests: Effect.succeed(manifests),
    streamPages: (entity, options = {}) => {
      const manifest = manifestOf(entity)
      return manifest === undefined
        ? Stream.fail(
            new InvalidRequest({
              endpoint: "pco",
              message: `unknown entity ${JSON.stringify(entity)}; the adapter offers ${manifests.map((m) => m.entity).join(", ")}`
            })
          )
        : listing[manifest.entity](options)
    },
    testConnection: client.testConnection,
    write: makePcoRecordWriter(client)
  }
  return adapter
})

/** The Planning Center adapter, for the sync engine. */
export class PcoAdapter extends Context.Service<PcoAdapter, Adapter>()("@syncflow/pco/PcoAdapter") {
  /** The adapter over the `PcoClient` of one connection. */
  static readonly layer: Layer.Layer<PcoAdapter, never, PcoClient> = Layer.effect(PcoAdapter, make)
}
