/**
 * The conflicts of two-way sync definitions (`/conflicts/*`): the two-way definitions, each with how
 * many conflicts wait for a person (`/conflicts`), and a definition's conflict log filtered by status
 * (held: the manual queue, resolved, closed, all), each conflict shown with both versions and, when
 * held, resolved by a side or the merged record (`/conflicts/:definitionId`).
 */
import { DateTime, Effect } from "effect"
import { Link, Route, Switch, useSearch } from "wouter"
import "../manage.css"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { ConflictCard, type ConflictShown } from "./ConflictCard.tsx"

const statuses = ["held", "resolved", "closed"] as const
type Status = (typeof statuses)[number]
const isStatus = (value: string | null): value is Status => statuses.some((status) => status === value)

const TwoWayDefinitions = () => {
  const loaded = useApi("two-way", (client) =>
    Effect.flatMap(client.definitions.list({ query: {} }), (definitions) =>
      Effect.forEach(
        definitions.filter((definition) => definition.direction === "bidirectional"),
        (definition) =>
          Effect.map(
            client.conflicts.list({ params: { definitionId: definition.id }, query: { status: "held" } }),
            (held) => ({ definition, held: held.length })
          ),
        { concurrency: 4 }
      )
    )
  )
  return (
    <section aria-labelledby="conflicts-title">
      <h1 id="conflicts-title">Conflicts</h1>
      <p className="muted">Records changed on both sides of a two-way definition since its last cycle.</p>
      <PageState loaded={loaded}>
        {(list) =>
          list.length === 0 ? (
            <p>No two-way definition: conflicts arise only in definitions with direction "bidirectional".</p>
          ) : (
            <ul className="definition-list" aria-label="Two-way definitions">
              {list.map(({ definition, held }) => (
                <li key={definition.id}>
                  <Link href={`/${encodeURIComponent(definition.id)}`}>{definition.name}</Link>{" "}
                  <span className="muted">
                    ({definition.source.connectorId} / {definition.source.entity}, policy{" "}
                    {definition.bidirectional?.conflictPolicy ?? "—"})
                  </span>{" "}
                  <span className={`badge ${held > 0 ? "firing" : "ok"}`}>{held} held</span>
                </li>
              ))}
            </ul>
          )
        }
      </PageState>
    </section>
  )
}

const DefinitionConflicts = ({ definitionId }: { readonly definitionId: string }) => {
  const search = useSearch()
  const requested = new URLSearchParams(search).get("status")
  const status: Status | "all" = requested === "all" ? "all" : isStatus(requested) ? requested : "held"
  const conflicts = useApi(`conflicts:${definitionId}:${status}`, (client) =>
    Effect.map(
      client.conflicts.list({
        params: { definitionId },
        query: status === "all" ? { limit: 200 } : { status, limit: 200 }
      }),
      (list) =>
        list.map(
          (conflict): ConflictShown => ({
            ...conflict,
            detectedAt: DateTime.formatIso(conflict.detectedAt)
          })
        )
    )
  )
  return (
    <section aria-labelledby="definition-conflicts-title">
      <p>
        <Link href="/">Conflicts</Link> /
      </p>
      <h1 id="definition-conflicts-title">Conflicts of {definitionId}</h1>
      <nav className="tabs" aria-label="Conflicts by status">
        {[...statuses, "all" as const].map((candidate) => (
          <Link
            key={candidate}
            href={`/${encodeURIComponent(definitionId)}?status=${candidate}`}
            aria-current={candidate === status ? "page" : undefined}
            className={candidate === status ? "active" : undefined}
          >
            {candidate}
          </Link>
        ))}
      </nav>
      <PageState loaded={conflicts}>
        {(list) =>
          list.length === 0 ? (
            <p>No {status === "all" ? "" : `${status} `}conflict.</p>
          ) : (
            <div className="conflicts">
              {list.map((conflict) => (
                <ConflictCard
                  key={`${conflict.id}:${conflict.status}`}
                  definitionId={definitionId}
                  conflict={conflict}
                  onResolved={conflicts.reload}
                />
              ))}
            </div>
          )
        }
      </PageState>
    </section>
  )
}

/** The conflicts pages, under `/conflicts`. */
export const ConflictsPage = () => (
  <Switch>
    <Route path="/" component={TwoWayDefinitions} />
    <Route path="/:definitionId">
      {(params) => <DefinitionConflicts definitionId={decodeURIComponent(params.definitionId)} />}
    </Route>
  </Switch>
)
