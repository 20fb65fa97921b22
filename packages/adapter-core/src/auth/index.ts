/** Credentials, token storage and refresh, and the authentication middleware. */
export * from "./Authenticator.ts"
export * from "./Credentials.ts"
export * from "./OAuth2.ts"
export * from "./ServiceJwt.ts"
export * from "./TokenManager.ts"
export * from "./TokenSet.ts"
export * from "./TokenStore.ts"
export * from "./withAuthentication.ts"
