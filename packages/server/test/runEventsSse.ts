/** Reading a run's server-sent events (`GET /api/v1/runs/{id}/events`) as a client would. */
import { RunEvent } from "@syncflow/sync-engine"
import { Effect, Schema } from "effect"
import { apiKey } from "./fixtures.ts"

const decodeEvent = Schema.decodeUnknownSync(Schema.fromJsonString(RunEvent))

/** The response's content type and every event of the stream, read until it ends (after `RunFinished`). */
export const followRun = (baseUrl: string, runId: string, onEvent: (event: RunEvent) => void = () => {}) =>
  Effect.promise(async () => {
    const response = await fetch(`${baseUrl}/api/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: "text/event-stream" }
    })
    const events: Array<RunEvent> = []
    const decoder = new TextDecoder()
    let buffer = ""
    if (response.body === null) return { status: response.status, contentType: null, events }
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true })
      let end = buffer.indexOf("\n\n")
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n")
        if (data !== "") {
          const event = decodeEvent(data)
          events.push(event)
          onEvent(event)
        }
        end = buffer.indexOf("\n\n")
      }
    }
    return { status: response.status, contentType: response.headers.get("content-type"), events }
  })
