/**
 * The OAuth2 endpoint groups, for connectors whose plugin offers OAuth2: the start (admin) and the
 * callback the upstream redirects the user's browser to (`/oauth/{adapter}/...`).
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { InvalidField, NotFound, UpstreamFailed } from "../ApiErrors.ts"

/** OAuth2: start (admin) redirects to the upstream's authorize URL; the callback stores the tokens. */
export class OAuthStartGroup extends HttpApiGroup.make("oauthStart")
  .add(
    HttpApiEndpoint.get("start", "/oauth/:adapter/:connectorId/start", {
      params: { adapter: Schema.String, connectorId: Schema.String },
      success: Schema.Struct({ authorizeUrl: Schema.String }).pipe(HttpApiSchema.status(302)),
      error: [NotFound, InvalidField]
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}

/** The OAuth2 callback the upstream redirects the user's browser to (checked by its signed state). */
export class OAuthCallbackGroup extends HttpApiGroup.make("oauthCallback")
  .add(
    HttpApiEndpoint.get("callback", "/oauth/:adapter/callback", {
      params: { adapter: Schema.String },
      query: { code: Schema.NonEmptyString, state: Schema.NonEmptyString },
      success: Schema.Struct({ connectorId: Schema.String, connected: Schema.Boolean }),
      error: [InvalidField, NotFound, UpstreamFailed]
    })
  )
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}
