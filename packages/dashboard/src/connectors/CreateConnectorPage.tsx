/**
 * Creating a connector (`/connectors/new`): choose an adapter, then fill the form generated from its
 * settings' and credentials' JSON Schemas (a choice of credential kinds; secrets as password
 * inputs). A field the server refuses is marked with the server's reason.
 */
import { type FormEvent, useId, useMemo, useState } from "react"
import { useLocation } from "wouter"
import { useAction } from "../api/useAction.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { SchemaFields } from "./SchemaFields.tsx"
import {
  emptyInputs,
  type FieldInput,
  type FormInputs,
  formValue,
  formVariants,
  type JsonSchema
} from "./schemaForm.ts"

type Adapter = {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly settingsSchema: JsonSchema
  readonly credentialsSchema: JsonSchema
}

/** The problems of a form, split by the part of the request they name (`config.x`, `credentials.x`, `name`). */
const problemsUnder = (problems: Readonly<Record<string, string>>, prefix: string) =>
  Object.fromEntries(
    Object.entries(problems).flatMap(([field, problem]) =>
      field.startsWith(`${prefix}.`) ? [[field.slice(prefix.length + 1).split(/[.[]/)[0] ?? "", problem]] : []
    )
  )

const ConnectorForm = ({ adapters }: { readonly adapters: ReadonlyArray<Adapter> }) => {
  const ids = { adapter: useId(), id: useId(), name: useId(), kind: useId() }
  const [, navigate] = useLocation()
  const [adapterName, setAdapterName] = useState(adapters[0]?.name ?? "")
  const adapter = adapters.find((candidate) => candidate.name === adapterName)
  const settingsVariant = useMemo(
    () => (adapter === undefined ? undefined : formVariants(adapter.settingsSchema)[0]),
    [adapter]
  )
  const credentialVariants = useMemo(
    () => (adapter === undefined ? [] : formVariants(adapter.credentialsSchema)),
    [adapter]
  )
  const [id, setId] = useState("")
  const [name, setName] = useState("")
  const [kind, setKind] = useState(0)
  const [settings, setSettings] = useState<FormInputs>({})
  const [credentials, setCredentials] = useState<FormInputs>({})
  const [problems, setProblems] = useState<Readonly<Record<string, string>>>({})
  const action = useAction()
  const credentialVariant = credentialVariants[kind] ?? credentialVariants[0]

  const chooseAdapter = (next: string) => {
    setAdapterName(next)
    setKind(0)
    setSettings({})
    setCredentials({})
    setProblems({})
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (adapter === undefined || settingsVariant === undefined || credentialVariant === undefined) return
    const config = formValue(settingsVariant, { ...emptyInputs(settingsVariant), ...settings })
    const secrets = formValue(credentialVariant, { ...emptyInputs(credentialVariant), ...credentials })
    const local: Record<string, string> = {}
    if (name.trim() === "") local.name = "required"
    if (config._tag === "Problems") for (const [f, p] of Object.entries(config.problems)) local[`config.${f}`] = p
    if (secrets._tag === "Problems")
      for (const [f, p] of Object.entries(secrets.problems)) local[`credentials.${f}`] = p
    setProblems(local)
    if (config._tag === "Problems" || secrets._tag === "Problems" || name.trim() !== name || name === "") return
    const created = await action.run((client) =>
      client.connectors.create({
        payload: {
          ...(id.trim() === "" ? {} : { id: id.trim() }),
          adapter: adapter.name,
          name,
          config: config.value,
          credentials: secrets.value
        }
      })
    )
    if (created !== undefined) navigate(`/${encodeURIComponent(created.id)}`)
  }
  const serverProblems: Record<string, string> =
    action.field === undefined || action.error === undefined ? {} : { [action.field]: action.error }
  const all = { ...problems, ...serverProblems }
  const topProblem = (field: string) =>
    all[field] === undefined ? null : (
      <small id={`${field}-problem`} className="error">
        {all[field]}
      </small>
    )
  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="create-title">
      <div className="field">
        <label htmlFor={ids.adapter}>Adapter</label>
        <select id={ids.adapter} value={adapterName} onChange={(e) => chooseAdapter(e.target.value)}>
          {adapters.map((candidate) => (
            <option key={candidate.name} value={candidate.name}>
              {candidate.title} ({candidate.name})
            </option>
          ))}
        </select>
        {adapter === undefined ? null : <small className="muted">{adapter.description}</small>}
      </div>
      <div className="field">
        <label htmlFor={ids.name}>Name (required)</label>
        <input
          id={ids.name}
          name="name"
          value={name}
          required
          aria-invalid={all.name === undefined ? undefined : true}
          aria-describedby={all.name === undefined ? undefined : "name-problem"}
          onChange={(e) => setName(e.target.value)}
        />
        {topProblem("name")}
      </div>
      <div className="field">
        <label htmlFor={ids.id}>Id</label>
        <input
          id={ids.id}
          name="id"
          value={id}
          placeholder="generated when empty"
          aria-invalid={all.id === undefined ? undefined : true}
          aria-describedby={all.id === undefined ? undefined : "id-problem"}
          onChange={(e) => setId(e.target.value)}
        />
        {topProblem("id")}
      </div>
      {settingsVariant === undefined ? null : (
        <fieldset>
          <legend>Settings</legend>
          <SchemaFields
            prefix="config"
            variant={settingsVariant}
            inputs={{ ...emptyInputs(settingsVariant), ...settings }}
            problems={problemsUnder(all, "config")}
            onChange={(field: string, input: FieldInput) => setSettings((old) => ({ ...old, [field]: input }))}
          />
        </fieldset>
      )}
      {credentialVariant === undefined ? null : (
        <fieldset>
          <legend>Credentials</legend>
          {credentialVariants.length > 1 ? (
            <div className="field">
              <label htmlFor={ids.kind}>Kind</label>
              <select
                id={ids.kind}
                name="credentials.type"
                value={kind}
                onChange={(e) => {
                  setKind(Number(e.target.value))
                  setCredentials({})
                }}
              >
                {credentialVariants.map((variant, index) => (
                  <option key={variant.name ?? index} value={index}>
                    {variant.name ?? `kind ${index + 1}`}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <SchemaFields
            prefix="credentials"
            variant={credentialVariant}
            inputs={{ ...emptyInputs(credentialVariant), ...credentials }}
            problems={problemsUnder(all, "credentials")}
            onChange={(field: string, input: FieldInput) => setCredentials((old) => ({ ...old, [field]: input }))}
          />
          <small className="muted">Secrets are stored encrypted and never shown again.</small>
        </fieldset>
      )}
      {action.error === undefined ? null : (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Creating…" : "Create connector"}
        </button>
      </div>
    </form>
  )
}

/** The create-connector page. */
export const CreateConnectorPage = () => {
  const adapters = useApi("adapters", (client) => client.adapters.list())
  return (
    <section aria-labelledby="create-title">
      <h1 id="create-title">New connector</h1>
      <PageState loaded={adapters}>{(list) => <ConnectorForm adapters={list} />}</PageState>
    </section>
  )
}
