/**
 * How the fake authenticates requests, as Planning Center does: a Personal Access Token as HTTP
 * Basic (`app_id:secret`), or an OAuth2 bearer token issued by the composed `FakeOAuthServer`
 * (2-hour access tokens, rotating single-use refresh tokens). A bearer token is checked by asking
 * the OAuth server's protected resource, so expiry (BABOON), revocation (CAPUCHIN) and a lost
 * access (TRASH_PANDA) answer exactly as it decides; a missing scope is a 403 PELICAN. The OAuth
 * endpoints themselves (`/oauth/*`) are forwarded to it, so the fake serves them on its own host.
 */
import type { FakeOAuthServer, TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Redacted, Result, Schema } from "effect"
import { Base64 } from "effect/encoding"
import { errorBody } from "./Render.ts"

/** Who a request is from: the rate-limit key and the scopes granted. */
export interface Principal {
  /** `pat:<app id>` or `oauth:<client id>`. */
  readonly key: string
  /** The granted scopes; a Personal Access Token has them all. */
  readonly scopes: ReadonlyArray<string> | "all"
}

const Introspection = Schema.Struct({
  data: Schema.Struct({ client_id: Schema.String, scope: Schema.String })
})
const decodeIntrospection = Schema.decodeUnknownOption(Schema.fromJsonString(Introspection))

const unauthorized = (detail: string): TestServer.TestResponse => ({
  status: 401,
  body: errorBody(401, "Unauthorized", detail)
})

interface HttpAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A request to the OAuth server, answered as is (redirects are not followed). */
const forward = (
  url: string,
  init: { readonly method: string; readonly headers: Record<string, string>; readonly body?: string }
) =>
  Effect.tryPromise((signal) =>
    globalThis
      .fetch(url, {
        method: init.method,
        headers: init.headers,
        redirect: "manual",
        signal,
        ...(init.body === undefined ? {} : { body: init.body })
      })
      .then(async (response): Promise<HttpAnswer> => {
        const headers: Record<string, string> = {}
        response.headers.forEach((value, name) => {
          if (name === "content-type" || name === "location") headers[name] = value
        })
        return { status: response.status, headers, body: await response.text() }
      })
  ).pipe(
    Effect.orElseSucceed(
      (): HttpAnswer => ({
        status: 503,
        headers: {},
        body: JSON.stringify(errorBody(503, "Service Unavailable", "the OAuth server is unreachable"))
      })
    )
  )

/** The fake's authentication, over a running fake OAuth server and one Personal Access Token. */
export const make = (options: {
  readonly oauth: FakeOAuthServer.FakeOAuthServer
  readonly personalAccessToken: { readonly appId: string; readonly secret: Redacted.Redacted<string> }
}) => {
  const { oauth, personalAccessToken } = options

  /** The principal of a request, or the 401 to answer. */
  const authenticate = (request: TestServer.TestRequest): Effect.Effect<Principal | TestServer.TestResponse> => {
    const header = request.headers.authorization
    if (header === undefined)
      return Effect.succeed(
        unauthorized("Authentication is required: send a Personal Access Token or an OAuth access token")
      )
    if (/^basic /i.test(header)) {
      const decoded = Base64.decodeString(header.slice(6).trim())
      const [appId, ...rest] = Result.isSuccess(decoded) ? decoded.success.split(":") : []
      const ok = appId === personalAccessToken.appId && rest.join(":") === Redacted.value(personalAccessToken.secret)
      return Effect.succeed(
        ok ? { key: `pat:${appId}`, scopes: "all" } : unauthorized("The Personal Access Token is not valid")
      )
    }
    if (/^bearer /i.test(header)) {
      return forward(oauth.protectedUrl, { method: "GET", headers: { authorization: header } }).pipe(
        Effect.map((answer): Principal | TestServer.TestResponse => {
          if (answer.status !== 200) {
            return { status: answer.status, headers: { "content-type": "application/json" }, body: answer.body }
          }
          const granted = decodeIntrospection(answer.body)
          return granted._tag === "Some"
            ? { key: `oauth:${granted.value.data.client_id}`, scopes: granted.value.data.scope.split(" ") }
            : unauthorized("The access token could not be checked")
        })
      )
    }
    return Effect.succeed(unauthorized("Unsupported authorization scheme"))
  }

  /** Forwards `/oauth/*` to the fake OAuth server. */
  const proxy = (request: TestServer.TestRequest): Effect.Effect<TestServer.TestResponse> => {
    const headers: Record<string, string> = {}
    for (const name of ["content-type", "authorization", "accept"]) {
      const value = request.headers[name]
      if (value !== undefined) headers[name] = value
    }
    return forward(`${oauth.baseUrl}${request.url.pathname}${request.url.search}`, {
      method: request.method,
      headers,
      ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: request.body })
    }).pipe(Effect.map((answer) => ({ status: answer.status, headers: answer.headers, body: answer.body })))
  }

  return { authenticate, proxy }
}

/** Whether a principal was granted `scope`. */
export const hasScope = (principal: Principal, scope: string): boolean =>
  principal.scopes === "all" || principal.scopes.includes(scope)
