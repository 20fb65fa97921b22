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
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Start Planning Center OAuth2",
        description:
          "Redirects (302) the browser to Planning Center's consent page for the connector; the callback then stores its tokens."
      })
    ),
    HttpApiEndpoint.get("authorizeUrl", "/oauth/:adapter/:connectorId/authorize-url", {
      params: { adapter: Schema.String, connectorId: Schema.String },
      success: Schema.Struct({ authorizeUrl: Schema.String }),
      error: [NotFound, InvalidField]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Planning Center OAuth2 consent URL",
        description:
          "The consent page's URL (with a signed state, valid for a few minutes) that `start` redirects to, as JSON: for a page that holds the admin token and sends the browser there itself (the dashboard's Connect with Planning Center button)."
      })
    )
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
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Planning Center OAuth2 callback",
        description:
          "Where Planning Center redirects the browser after consent: exchanges the code for tokens and stores them (encrypted) on the connector named by the signed `state`. No admin token: the state authenticates it."
      })
    )
  )
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}
