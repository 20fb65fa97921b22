/**
 * An OTLP/HTTP receiver on loopback for tests: it decodes the JSON bodies POSTed to `.../traces`
 * and `.../logs` (OTLP's JSON encoding) into flat spans and log records, keeping the path and the
 * headers of every export (protobuf ones are only counted).
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Schema } from "effect"

/** An OTLP attribute value (only the kinds SyncFlow sends). */
const AnyValue = Schema.Struct({
  stringValue: Schema.optional(Schema.NullOr(Schema.String)),
  intValue: Schema.optional(Schema.NullOr(Schema.Union([Schema.Number, Schema.String]))),
  doubleValue: Schema.optional(Schema.NullOr(Schema.Number)),
  boolValue: Schema.optional(Schema.NullOr(Schema.Boolean))
})
const KeyValues = Schema.Array(Schema.Struct({ key: Schema.String, value: AnyValue }))
const Resource = Schema.Struct({ attributes: KeyValues })

const TracesRequest = Schema.Struct({
  resourceSpans: Schema.Array(
    Schema.Struct({
      resource: Resource,
      scopeSpans: Schema.Array(
        Schema.Struct({
          spans: Schema.Array(
            Schema.Struct({
              traceId: Schema.String,
              spanId: Schema.String,
              parentSpanId: Schema.optional(Schema.String),
              name: Schema.String,
              attributes: KeyValues
            })
          )
        })
      )
    })
  )
})

const LogsRequest = Schema.Struct({
  resourceLogs: Schema.Array(
    Schema.Struct({
      resource: Resource,
      scopeLogs: Schema.Array(
        Schema.Struct({
          logRecords: Schema.Array(
            Schema.Struct({
              severityText: Schema.optional(Schema.String),
              body: Schema.optional(AnyValue),
              attributes: KeyValues,
              traceId: Schema.optional(Schema.String),
              spanId: Schema.optional(Schema.String)
            })
          )
        })
      )
    })
  )
})

type Attributes = Readonly<Record<string, string | number | boolean | undefined>>

/** A scalar value; other kinds (arrays, lists) are not flattened. */
const scalar = (value: typeof AnyValue.Type | undefined): string | number | boolean | undefined =>
  value === undefined
    ? undefined
    : (value.stringValue ??
      (value.intValue === undefined || value.intValue === null ? undefined : Number(value.intValue)) ??
      value.doubleValue ??
      value.boolValue ??
      undefined)

const flatten = (attributes: typeof KeyValues.Type): Attributes =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, scalar(value)]))

/** A received span, its attributes flattened, with its resource's. */
export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly name: string
  readonly attributes: Attributes
  readonly resource: Attributes
}

/** A received log record. */
export interface ReceivedLog {
  readonly severity: string | undefined
  /** The body when it is a scalar (a message); `undefined` otherwise (e.g. an array of arguments). */
  readonly body: string | number | boolean | undefined
  readonly attributes: Attributes
  readonly traceId: string | undefined
  readonly spanId: string | undefined
}

/** The receiver: its base URL, what it received, and the headers of each export. */
export interface OtlpReceiver {
  readonly url: string
  readonly spans: Array<ReceivedSpan>
  readonly logs: Array<ReceivedLog>
  readonly exports: Array<{ readonly path: string; readonly headers: IncomingHttpHeaders }>
}

const decodeTraces = Schema.decodeUnknownSync(Schema.fromJsonString(TracesRequest))
const decodeLogs = Schema.decodeUnknownSync(Schema.fromJsonString(LogsRequest))

/** Starts a receiver on a free loopback port, stopped with the scope. */
export const otlpReceiver = Effect.acquireRelease(
  Effect.callback<OtlpReceiver & { readonly close: () => void }>((resume) => {
    const received: OtlpReceiver = { url: "", spans: [], logs: [], exports: [] }
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        const path = request.url ?? ""
        received.exports.push({ path, headers: request.headers })
        if (!String(request.headers["content-type"]).startsWith("application/json")) {
          response.writeHead(200).end()
          return
        }
        if (path.endsWith("/traces")) {
          for (const resourceSpans of decodeTraces(body).resourceSpans) {
            const resource = flatten(resourceSpans.resource.attributes)
            for (const scope of resourceSpans.scopeSpans) {
              for (const span of scope.spans) {
                received.spans.push({
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId === "" ? undefined : span.parentSpanId,
                  name: span.name,
                  attributes: flatten(span.attributes),
                  resource
                })
              }
            }
          }
        } else if (path.endsWith("/logs")) {
          for (const resourceLogs of decodeLogs(body).resourceLogs) {
            for (const scope of resourceLogs.scopeLogs) {
              for (const record of scope.logRecords) {
                received.logs.push({
                  severity: record.severityText,
                  body: scalar(record.body),
                  attributes: flatten(record.attributes),
                  traceId: record.traceId,
                  spanId: record.spanId
                })
              }
            }
          }
        }
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({ ...received, url: `http://127.0.0.1:${port}`, close: () => server.close() }))
    })
  }),
  (receiver) => Effect.sync(() => receiver.close())
)
