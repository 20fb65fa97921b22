import { indexIncluded, ListPeople, PcoAuth, PcoClient } from "@syncflow/pco"
import { Console, Effect, Stream } from "effect"

// Every person with their email addresses, 100 people (and their emails) per request.
export const printPeopleWithEmails = Effect.gen(function* () {
  const pco = yield* PcoClient
  yield* pco.streamPages(ListPeople, { include: ["emails"] }).pipe(
    Stream.runForEach((page) => {
      const included = indexIncluded(page.body)
      return Effect.forEach(page.items, (person) => {
        const emails = included.many(person.relationships.emails, "Email").map((email) => email.attributes.address)
        return Console.log(`${person.attributes.name}: ${emails.join(", ")}`)
      })
    })
  )
})

// A Personal Access Token (https://api.planningcenteronline.com/oauth/applications) is enough.
export const main = (appId: string, secret: string, baseUrl?: string) =>
  printPeopleWithEmails.pipe(
    Effect.provide(
      PcoClient.layerStandalone({
        connectionId: "my-church",
        credentials: PcoAuth.personalAccessToken(appId, secret),
        baseUrl
      })
    )
  )
