/**
 * The PCO OAuth2 endpoint groups: the start (admin) and the callback Planning Center redirects to.
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { InvalidField, NotFound, UpstreamFailed } from "../ApiErrors.ts"
import { connectorParams } from "../ApiParams.ts"

/** PCO OAuth2: start (admin) redirects to Planning Center; the callback stores the tokens. */
export class OAuthStartGroup extends HttpApiGroup.make("oauthStart")
  .add(
    HttpApiEndpoint.get("start", "/oauth/pco/:connectorId/start", {
      params: connectorParams,
      success: Schema.Struct({ authorizeUrl: Schema.String }).pipe(HttpApiSchema.status(302)),
      error: [NotFound, InvalidField]
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}

/** The OAuth2 callback Planning Center redirects the user's browser to (checked by its signed state). */
export class OAuthCallbackGroup extends HttpApiGroup.make("oauthCallback")
  .add(
    HttpApiEndpoint.get("callback", "/oauth/pco/callback", {
      query: { code: Schema.NonEmptyString, state: Schema.NonEmptyString },
      success: Schema.Struct({ connectorId: Schema.String, connected: Schema.Boolean }),
      error: [InvalidField, NotFound, UpstreamFailed]
    })
  )
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}
