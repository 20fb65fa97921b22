/**
 * `@syncflow/pco/testing`: a fake Planning Center People API on 127.0.0.1 (seeded, lazily generated
 * data from 10 to 100,000 people; rate limits; OAuth2 and Personal Access Tokens; mutations between
 * calls; signed webhook deliveries; ground truth to compare with).
 */
export * as FakePco from "./FakePco.ts"
