/**
 * `@syncflow/rest/testing`: small fakes of well-known API styles on loopback HTTP, for the tests and
 * README examples of declarative sources.
 */

/** A catalog API whose items a test inserts, updates, deletes and breaks between syncs. */
export * as FakeCatalog from "./FakeCatalog.ts"
/** A GitHub-style API: `page`/`per_page`, `Link` header, `since`. */
export * as FakeGitHub from "./FakeGitHub.ts"
/** A Stripe-style API: `starting_after` cursor, `has_more`, `data[]`, `created[gte]`. */
export * as FakeStripe from "./FakeStripe.ts"
