/**
 * A declarative source's credentials input, with the document's `auth`, as adapter-core
 * `Credentials`: where an API key travels, the OAuth2 token and authorize URLs and scopes come from
 * the document; the secrets from the input.
 */
import {
  ApiKey,
  Basic,
  Bearer,
  ConnectorSetupError,
  type Credentials,
  OAuth2,
  OAuth2ClientCredentials
} from "@syncflow/adapter-core"
import type { SourceDocument } from "../document/SourceDocument.ts"
import type { RestCredentialsInput } from "./RestCredentialsInput.ts"

/** The credentials to seal for `input` under the document's auth. */
export const toCredentials = (
  input: RestCredentialsInput,
  document: SourceDocument,
  oauthRedirectUri: string
): Credentials => {
  const auth = document.auth
  switch (input.type) {
    case "apiKey":
      return new ApiKey({
        in: auth?.type === "apiKey" ? auth.in : "header",
        name: auth?.type === "apiKey" ? auth.name : "x-api-key",
        key: input.key
      })
    case "basic":
      return new Basic({ username: input.username, password: input.password })
    case "bearer":
      return new Bearer({ token: input.token })
    case "oauth2": {
      const tokenUrl = auth?.type === "oauth2" ? auth.tokenUrl : document.baseUrl
      const scopes = auth?.type === "oauth2" ? (auth.scopes ?? []) : []
      const clientAuthentication = auth?.type === "oauth2" ? auth.clientAuthentication : undefined
      const common = {
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        tokenUrl,
        scopes,
        ...(clientAuthentication === undefined ? {} : { clientAuthentication })
      }
      if (auth?.type === "oauth2" && auth.grant === "client_credentials") return new OAuth2ClientCredentials(common)
      return new OAuth2({
        ...common,
        authorizeUrl: auth?.type === "oauth2" ? (auth.authorizeUrl ?? tokenUrl) : tokenUrl,
        redirectUri: oauthRedirectUri
      })
    }
  }
}

const kindOf: Record<Credentials["_tag"], string> = {
  ApiKey: "apiKey",
  Basic: "basic",
  Bearer: "bearer",
  OAuth2: "oauth2",
  OAuth2ClientCredentials: "oauth2",
  ServiceJwt: "serviceJwt"
}

/** Whether stored credentials fit the document's auth; a `ConnectorSetupError` saying what is needed when not. */
export const checkCredentials = (
  document: SourceDocument,
  credentials: Credentials | undefined
): ConnectorSetupError | undefined => {
  const wanted = document.auth?.type ?? "none"
  if (wanted === "none") return undefined
  const have = credentials === undefined ? "none" : kindOf[credentials._tag]
  if (have === wanted) {
    const auth = document.auth
    const grantFits =
      auth?.type !== "oauth2" ||
      (auth.grant === "client_credentials") === (credentials?._tag === "OAuth2ClientCredentials")
    if (grantFits) return undefined
  }
  return new ConnectorSetupError({
    message: `the document's auth is ${wanted}: give ${wanted} credentials (the connector has ${have})`
  })
}
