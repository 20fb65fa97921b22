/**
 * A receiver of SyncFlow's alert webhooks: it checks each delivery's signature (HMAC-SHA256 of
 * `<timestamp>.<body>` with the webhook's secret, sent within 5 minutes), answers 401 to anything
 * else, and hands each state change to `onAlert` once, even if SyncFlow sends it again.
 */
import { createServer } from "node:http"
import { AlertSignature } from "@syncflow/server"

export const alertReceiver = (secret: string, onAlert: (payload: unknown) => void) => {
  const seen = new Set<string>()
  return createServer((request, response) => {
    let body = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => {
      body += chunk
    })
    request.on("end", () => {
      const header = (name: string) => String(request.headers[name] ?? "")
      const signed = AlertSignature.verifyAlertDelivery(
        secret,
        { body, timestamp: header("x-syncflow-timestamp"), signature: header("x-syncflow-signature") },
        Math.floor(Date.now() / 1000)
      )
      if (!signed) return response.writeHead(401).end()
      const delivery = header("x-syncflow-delivery") // `<alert id>-firing` or `<alert id>-resolved`
      if (!seen.has(delivery)) {
        seen.add(delivery)
        onAlert(JSON.parse(body))
      }
      response.writeHead(204).end()
    })
  })
}
