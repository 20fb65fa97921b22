/**
 * A connector (`/connectors/:connectorId`): test its connection, discover its entities (drift and
 * type mismatches highlighted), connect it with OAuth2 (Planning Center), and per entity: enable or
 * disable, mode, orphan policy, schedule (with its next five runs), columns.
 */
import { Effect } from "effect"
import { Fragment, useState } from "react"
import { Link } from "wouter"
import { useAction } from "../api/useAction.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { EntityPanel } from "./EntityPanel.tsx"
import { type DiscoveryDrift, driftSummary, type EntityInfo, scheduleSummary } from "./entityInfo.ts"

const modes = ["incremental", "full-refresh", "reconcile"] as const
const orphanPolicies = ["keep", "park"] as const

type Mode = (typeof modes)[number]
type OrphanPolicy = (typeof orphanPolicies)[number]

const isMode = (value: string): value is Mode => modes.some((mode) => mode === value)
const isOrphanPolicy = (value: string): value is OrphanPolicy => orphanPolicies.some((policy) => policy === value)

const EntitiesTable = ({
  connectorId,
  entities,
  drifts,
  onChanged
}: {
  readonly connectorId: string
  readonly entities: ReadonlyArray<EntityInfo>
  readonly drifts: ReadonlyMap<string, DiscoveryDrift>
  readonly onChanged: () => void
}) => {
  const [open, setOpen] = useState<string | null>(null)
  const update = useAction()
  const change = async (
    entity: string,
    payload: { readonly enabled?: boolean; readonly mode?: Mode; readonly orphans?: OrphanPolicy }
  ) => {
    const done = await update.run((client) => client.entities.update({ params: { connectorId, entity }, payload }))
    if (done !== undefined) onChanged()
  }
  return (
    <>
      {update.error === undefined ? null : (
        <p className="error" role="alert">
          {update.error}
        </p>
      )}
      <div className="table-wrap">
        <table aria-label="Entities">
          <thead>
            <tr>
              <th scope="col">Entity</th>
              <th scope="col">Enabled</th>
              <th scope="col">Mode</th>
              <th scope="col">Orphans</th>
              <th scope="col">Schedule</th>
              <th scope="col">Schema</th>
            </tr>
          </thead>
          <tbody>
            {entities.map((entity) => {
              const drift = drifts.get(entity.entity)
              const mismatches = entity.typeMismatches.length
              const isOpen = open === entity.entity
              return (
                <Fragment key={entity.entity}>
                  <tr className={mismatches > 0 ? "mismatch" : drift?.status === "drifted" ? "drift" : undefined}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link"
                        aria-expanded={isOpen}
                        aria-controls={`entity-${entity.entity}`}
                        onClick={() => setOpen(isOpen ? null : entity.entity)}
                      >
                        {entity.entity}
                      </button>
                    </th>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Enable ${entity.entity}`}
                        checked={entity.settings.enabled}
                        disabled={update.busy}
                        onChange={(e) => void change(entity.entity, { enabled: e.target.checked })}
                      />
                    </td>
                    <td>
                      <select
                        aria-label={`Mode of ${entity.entity}`}
                        value={entity.settings.mode}
                        disabled={update.busy}
                        onChange={(e) => {
                          if (isMode(e.target.value)) void change(entity.entity, { mode: e.target.value })
                        }}
                      >
                        {modes.map((mode) => (
                          <option key={mode} value={mode}>
                            {mode}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select
                        aria-label={`Orphan policy of ${entity.entity}`}
                        value={entity.settings.orphans}
                        disabled={update.busy}
                        onChange={(e) => {
                          if (isOrphanPolicy(e.target.value)) void change(entity.entity, { orphans: e.target.value })
                        }}
                      >
                        <option value="keep">keep (write, flag)</option>
                        <option value="park">park (wait for parent)</option>
                      </select>
                    </td>
                    <td>{scheduleSummary(entity.settings)}</td>
                    <td>
                      {drift === undefined ? null : (
                        <span className={`badge ${drift.status}`}>{driftSummary(drift)}</span>
                      )}
                      {mismatches === 0 ? null : (
                        <span className="badge mismatch">
                          {mismatches} type mismatch{mismatches > 1 ? "es" : ""}
                        </span>
                      )}
                    </td>
                  </tr>
                  {isOpen ? (
                    <tr id={`entity-${entity.entity}`}>
                      <td colSpan={6}>
                        <EntityPanel connectorId={connectorId} entity={entity} drift={drift} onChanged={onChanged} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              )
            })}
          </tbody>
        </table>
      </div>
    </>
  )
}

/** The connector page. */
export const ConnectorDetailPage = ({ connectorId }: { readonly connectorId: string }) => {
  const loaded = useApi(`connector:${connectorId}`, (client) =>
    Effect.all({
      connector: client.connectors.get({ params: { connectorId } }),
      entities: client.entities.list({ params: { connectorId } }),
      adapters: client.adapters.list()
    })
  )
  const [drifts, setDrifts] = useState<ReadonlyMap<string, DiscoveryDrift>>(new Map())
  const [tested, setTested] = useState<string | null>(null)
  const test = useAction()
  const discover = useAction()
  const oauth = useAction()
  const runTest = async () => {
    setTested(null)
    const result = await test.run((client) => client.connectors.test({ params: { connectorId } }))
    if (result !== undefined) setTested(result.ok ? `Connected: ${result.message}` : result.message)
  }
  const runDiscover = async () => {
    const found = await discover.run((client) => client.connectors.discover({ params: { connectorId } }))
    if (found === undefined) return
    setDrifts(new Map(found.map((entity) => [entity.entity, entity.drift])))
    loaded.reload()
  }
  return (
    <section aria-labelledby="connector-title">
      <PageState loaded={loaded}>
        {({ connector, entities, adapters }) => {
          const adapter = adapters.find((candidate) => candidate.name === connector.adapter)
          const drifted = [...drifts.values()].filter((drift) => drift.status !== "unchanged").length
          return (
            <>
              <p>
                <Link href="/">Connectors</Link> /
              </p>
              <h1 id="connector-title">{connector.name}</h1>
              <p className="muted">
                {adapter?.title ?? connector.adapter} · id <code>{connector.id}</code> · tables in{" "}
                <code>{connector.schema ?? "—"}</code> · credentials {connector.hasCredentials ? "stored" : "missing"}
              </p>
              <div className="actions">
                <button type="button" onClick={() => void runTest()} disabled={test.busy}>
                  {test.busy ? "Testing…" : "Test connection"}
                </button>
                <button type="button" onClick={() => void runDiscover()} disabled={discover.busy}>
                  {discover.busy ? "Discovering…" : "Discover entities"}
                </button>
                {adapter?.capabilities.oauth2 === true && connector.adapter === "pco" ? (
                  <button
                    type="button"
                    className="secondary"
                    disabled={oauth.busy}
                    onClick={() =>
                      void oauth
                        .run((client) =>
                          client.oauthStart.authorizeUrl({ params: { adapter: connector.adapter, connectorId } })
                        )
                        .then((answer) => {
                          if (answer !== undefined) window.location.assign(answer.authorizeUrl)
                        })
                    }
                  >
                    Connect with Planning Center
                  </button>
                ) : null}
              </div>
              <div aria-live="polite">
                {tested === null ? null : <p className="ok">{tested}</p>}
                {[test.error, discover.error, oauth.error].map((error) =>
                  error === undefined ? null : (
                    <p key={error} className="error" role="alert">
                      {error}
                    </p>
                  )
                )}
                {drifts.size === 0 ? null : (
                  <p className="ok">
                    Discovered {drifts.size} entit{drifts.size === 1 ? "y" : "ies"}
                    {drifted > 0 ? `, ${drifted} new, drifted or missing` : ", none changed"}.
                  </p>
                )}
              </div>
              <h2>Entities</h2>
              {entities.length === 0 ? (
                <p>No entity discovered yet: discover them to sync.</p>
              ) : (
                <EntitiesTable
                  connectorId={connectorId}
                  entities={entities}
                  drifts={drifts}
                  onChanged={loaded.reload}
                />
              )}
            </>
          )
        }}
      </PageState>
    </section>
  )
}
