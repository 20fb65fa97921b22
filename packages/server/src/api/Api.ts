/**
 * The admin HTTP API (`/api/v1`), as a schema: every endpoint, its parameters, payload, responses
 * and errors. The OpenAPI document (`/openapi.json`) and the docs page (`/docs`) are derived from it.
 * Every group but `health` and the OAuth2 callback requires the admin bearer token.
 */
import { HttpApi, OpenApi } from "effect/http-api"
import { AdaptersGroup } from "./groups/AdaptersGroup.ts"
import { AlertsGroup } from "./groups/AlertsGroup.ts"
import { ConflictsGroup } from "./groups/ConflictsGroup.ts"
import { ConnectorsGroup } from "./groups/ConnectorsGroup.ts"
import { DefinitionsGroup } from "./groups/DefinitionsGroup.ts"
import { EntitiesGroup } from "./groups/EntitiesGroup.ts"
import { HealthGroup } from "./groups/HealthGroup.ts"
import { MappingsGroup } from "./groups/MappingsGroup.ts"
import { OAuthCallbackGroup, OAuthStartGroup } from "./groups/OAuthGroup.ts"
import { RecordsGroup } from "./groups/RecordsGroup.ts"
import { RunsGroup } from "./groups/RunsGroup.ts"
import { SchedulesGroup } from "./groups/SchedulesGroup.ts"
import { WorkflowsGroup } from "./groups/WorkflowsGroup.ts"
import { RequestProblems } from "./RequestProblems.ts"

/** The admin API. */
export class Api extends HttpApi.make("syncflow")
  .add(HealthGroup)
  .add(AdaptersGroup)
  .add(ConnectorsGroup)
  .add(EntitiesGroup)
  .add(SchedulesGroup)
  .add(RunsGroup)
  .add(RecordsGroup)
  .add(DefinitionsGroup)
  .add(MappingsGroup)
  .add(ConflictsGroup)
  .add(WorkflowsGroup)
  .add(AlertsGroup)
  .add(OAuthStartGroup)
  .add(OAuthCallbackGroup)
  .prefix("/api/v1")
  .middleware(RequestProblems)
  .annotateMerge(
    OpenApi.annotations({
      title: "SyncFlow admin API",
      description:
        "Adapters, connectors, entities, runs, failed records, sync definitions (and two-way conflicts), n8n workflows, alerts and OAuth2. Webhooks are received at POST /webhooks/{adapter}/{connector}; Prometheus metrics at GET /metrics."
    })
  ) {}
