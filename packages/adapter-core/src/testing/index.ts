/** Test helpers for adapters: a loopback fake server and a clock that reports sleeps. */
export * as FakeOAuthServer from "./FakeOAuthServer.ts"
export * as RecordingClock from "./RecordingClock.ts"
export * as TestServer from "./TestServer.ts"
