/**
 * The OpenAPI document of the whole server, as `/openapi.json` and `/docs` serve it: the admin API
 * (`Api`) with the running version, plus the routes served outside it (the Planning Center webhook,
 * `/metrics`, the document and the docs page themselves), and the bearer scheme spelled `bearer`
 * (the docs page, Scalar, matches the scheme case-sensitively and shows Basic for `Bearer`).
 */
import { OpenApi } from "effect/http-api"
import { Api } from "./Api.ts"

/** A problem as the raw routes answer it (the admin API's problems are described by their schemas). */
const problemSchema = {
  type: "object",
  description: "An RFC 9457 problem",
  required: ["type", "title", "status"],
  properties: {
    type: { type: "string", description: "A URI naming the kind of problem" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string", description: "What happened" },
    field: { type: "string", description: "The wrong field's path, when one is" }
  }
}

const problem = (status: number, title: string, type: string, detail: string) => ({
  description: detail,
  content: {
    "application/problem+json": {
      schema: { $ref: "#/components/schemas/RawRouteProblem" },
      example: { type: `urn:syncflow:problem:${type}`, title, status, detail }
    }
  }
})

/** The path items of the routes served outside the admin API. */
export const rawRoutePaths: Record<string, Record<string, unknown>> = {
  "/webhooks/{adapter}/{connectorId}": {
    post: {
      tags: ["Webhooks"],
      operationId: "webhooks.receive",
      summary: "Receive a webhook delivery",
      description:
        "Point the upstream system's webhook subscription here, for a connector whose adapter receives webhooks (`GET /api/v1/adapters` says which: `pco` for Planning Center). The adapter checks the delivery's signature (Planning Center: `X-PCO-Webhooks-Authenticity`, the HMAC-SHA256 of the body with the connector's webhook secret) before anything else: a bad or missing signature is a 401 problem and nothing is processed. A verified delivery starts a targeted sync of each changed entity and soft-deletes the records it says were destroyed, then answers 202.",
      parameters: [
        {
          name: "adapter",
          in: "path",
          required: true,
          schema: { type: "string" },
          description: "The connector's adapter",
          example: "pco"
        },
        {
          name: "connectorId",
          in: "path",
          required: true,
          schema: { type: "string" },
          description: "The Planning Center connector the subscription belongs to",
          example: "church"
        },
        {
          name: "X-PCO-Webhooks-Authenticity",
          in: "header",
          required: false,
          schema: { type: "string" },
          description: "Planning Center: the hex HMAC-SHA256 of the raw body with the webhook secret",
          example: "5d1f0c3c2e8a6f0b5f5e2b1d7a9c4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d"
        },
        {
          name: "X-PCO-Webhooks-Name",
          in: "header",
          required: false,
          schema: { type: "string" },
          description: "Planning Center: the event's name",
          example: "people.v2.events.person.updated"
        }
      ],
      requestBody: {
        required: true,
        description: "Planning Center's delivery: `data`, a list of events, each with its JSON:API payload",
        content: {
          "application/json": {
            schema: { type: "object", properties: { data: { type: "array", items: { type: "object" } } } },
            example: {
              data: [
                {
                  type: "EventDelivery",
                  id: "9f6b1b1e-1",
                  attributes: {
                    name: "people.v2.events.person.updated",
                    attempt: 1,
                    payload: '{"data":{"type":"Person","id":"42","attributes":{"first_name":"Ada"}}}'
                  }
                }
              ]
            }
          }
        }
      },
      responses: {
        "202": {
          description: "Verified: the syncs started and the records deleted",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  events: { type: "integer" },
                  syncs: { type: "array", items: { type: "object" } },
                  deleted: { type: "array", items: { type: "object" } }
                }
              },
              example: {
                events: 1,
                syncs: [{ entity: "people", executionId: "4f0c2d5e", recordIds: ["42"] }],
                deleted: []
              }
            }
          }
        },
        "400": problem(400, "Invalid field", "invalid-field", "The delivery is not a valid webhook payload"),
        "401": problem(401, "Unauthorized", "unauthorized", "Webhook signature refused: the signature does not match"),
        "404": problem(404, "Not Found", "not-found", 'No pco connector "church" that receives webhooks'),
        "503": problem(503, "Unavailable", "unavailable", "Cannot process the delivery: the database is unavailable")
      }
    }
  },
  "/metrics": {
    get: {
      tags: ["Metrics"],
      operationId: "metrics",
      summary: "Scrape Prometheus metrics",
      description:
        "Every metric in the Prometheus text format: syncs, rows, failed records, HTTP requests. Open like most scrape endpoints: put it behind your network's access rules.",
      responses: {
        "200": {
          description: "The metrics",
          content: {
            "text/plain; version=0.0.4": {
              schema: { type: "string" },
              example:
                '# TYPE syncflow_rows_written_total counter\nsyncflow_rows_written_total{connector="erp",entity="customers"} 1200\n'
            }
          }
        }
      }
    }
  },
  "/openapi.json": {
    get: {
      tags: ["Documentation"],
      operationId: "openapi",
      summary: "This OpenAPI document",
      description: "The OpenAPI 3.1 document of every route, for generating clients. Served compressed when accepted.",
      responses: {
        "200": { description: "The document", content: { "application/json": { schema: { type: "object" } } } }
      }
    }
  },
  "/docs": {
    get: {
      tags: ["Documentation"],
      operationId: "docs",
      summary: "Interactive API docs",
      description:
        "This document rendered as a page (Scalar) with request examples using `Authorization: Bearer <token>`. Served compressed when accepted.",
      responses: { "200": { description: "The page", content: { "text/html": { schema: { type: "string" } } } } }
    }
  }
}

type Json = Record<string, unknown>

const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

const field = (value: unknown, key: string): Json => {
  const found = isJson(value) ? value[key] : undefined
  return isJson(found) ? found : {}
}

/** A sample `detail` (and `field`) for each kind of problem, for the examples of the document. */
const sampleDetails: Record<string, Json> = {
  "not-found": { detail: 'No connector "erp"' },
  "invalid-field": {
    detail: "cron: not a valid cron expression: Expected a value between 0 and 59",
    field: "cron",
    errors: [{ path: ["payload", "cron"], message: "not a valid cron expression: Expected a value between 0 and 59" }]
  },
  unauthorized: { detail: "A valid bearer token (API key or JWT) is required" },
  conflict: { detail: 'name: a connector is already named "ERP"', field: "name" },
  "upstream-failed": { detail: "The upstream API answered 503 Service Unavailable" },
  unavailable: { detail: "The database is unavailable: connection refused" }
}

/** Examples of request bodies whose schemas hold secrets (a `Redacted` has no example of its own). */
const bodyExamples: Record<string, Record<string, Json>> = {
  "/api/v1/connectors": {
    post: {
      id: "erp",
      adapter: "apismith",
      name: "ERP",
      config: { baseUrl: "https://erp.example.com/api", pageSize: 500 },
      credentials: { type: "bearer", token: "<the ERP API token>" }
    }
  }
}

/** The example of a problem answer: its schema's `type` (from the components) with a sample detail. */
const problemExample = (components: Json, status: string, title: unknown, schema: Json): Json => {
  const options = Array.isArray(schema.anyOf) ? schema.anyOf : [schema]
  const ref = options.map((option) => (isJson(option) ? option.$ref : undefined)).find((r) => typeof r === "string")
  const name = typeof ref === "string" ? ref.replace("#/components/schemas/", "") : ""
  const typeSchema = field(field(field(components, name), "properties"), "type")
  const types = Array.isArray(typeSchema.enum) ? typeSchema.enum : [typeSchema.const]
  const type = typeof types[0] === "string" ? types[0] : "about:blank"
  const slug = type.replace("urn:syncflow:problem:", "")
  return { type, title, status: Number(status), ...sampleDetails[slug] }
}

/**
 * Completes the admin API's document: the raw routes, an example on every problem answer, and
 * http schemes in lowercase (`bearer`, which Scalar's examples need).
 */
export const completeDocument = (spec: Json): Json => {
  const components = field(spec, "components")
  for (const scheme of Object.values(field(components, "securitySchemes"))) {
    if (!isJson(scheme) || scheme.type !== "http" || typeof scheme.scheme !== "string") continue
    scheme.scheme = scheme.scheme.toLowerCase()
    if (scheme.scheme === "bearer") {
      scheme.bearerFormat ??= "API key or JWT"
      scheme.description ??=
        "Authorization: Bearer <token>, the token being SYNCFLOW_API_KEY or an HS256 JWT signed with SYNCFLOW_JWT_SECRET"
    }
  }
  const schemas = field(components, "schemas")
  for (const [path, item] of Object.entries(field(spec, "paths"))) {
    for (const [method, operation] of Object.entries(isJson(item) ? item : {})) {
      const bodyExample = bodyExamples[path]?.[method]
      const body = field(field(field(operation, "requestBody"), "content"), "application/json")
      if (bodyExample !== undefined && Object.keys(body).length > 0) body.example ??= bodyExample
      for (const [status, response] of Object.entries(field(operation, "responses"))) {
        const media = field(field(response, "content"), "application/problem+json")
        if (Object.keys(media).length === 0 || "example" in media || "examples" in media) continue
        media.example = problemExample(
          schemas,
          status,
          isJson(response) ? response.description : undefined,
          field(media, "schema")
        )
      }
    }
  }
  return {
    ...spec,
    paths: { ...field(spec, "paths"), ...rawRoutePaths },
    components: { ...components, schemas: { ...schemas, RawRouteProblem: problemSchema } },
    tags: [
      ...(Array.isArray(spec.tags) ? spec.tags : []),
      { name: "Webhooks", description: "Deliveries from upstream systems (signed; no admin token)" },
      { name: "Metrics", description: "Prometheus metrics (no auth)" },
      { name: "Documentation", description: "This document and its page (no auth)" }
    ]
  }
}

/** The admin API as documented by a server of `version`. */
export const documentedApi = (version: string) =>
  Api.annotateMerge(OpenApi.annotations({ version, transform: completeDocument }))
