/**
 * The inputs of one variant of a generated form (see `schemaForm.ts`), each with its label, its
 * description and its problem (from the form's own checks or the server's `InvalidField`), for a
 * `<fieldset>` of a connector's settings or credentials. Secrets are password inputs, empty.
 */
import { type ReactNode, useId } from "react"
import { type FieldInput, type FormField, type FormInputs, type FormVariant, labelOf } from "./schemaForm.ts"

/** Props: the variant, its inputs, and the problems by field name. */
export interface SchemaFieldsProps {
  readonly variant: FormVariant
  readonly inputs: FormInputs
  readonly problems: Readonly<Record<string, string>>
  readonly onChange: (name: string, input: FieldInput) => void
  /** Prefix of the inputs' `name` attributes (`config`, `credentials`). */
  readonly prefix: string
}

const Field = ({
  field,
  input,
  problem,
  onChange,
  prefix
}: {
  readonly field: FormField
  readonly input: FieldInput | undefined
  readonly problem: string | undefined
  readonly onChange: (input: FieldInput) => void
  readonly prefix: string
}) => {
  const id = useId()
  const hintId = `${id}-hint`
  const problemId = `${id}-problem`
  const describedBy = [field.description === undefined ? "" : hintId, problem === undefined ? "" : problemId]
    .filter((part) => part !== "")
    .join(" ")
  const common = {
    id,
    name: `${prefix}.${field.name}`,
    "aria-invalid": problem === undefined ? undefined : true,
    "aria-describedby": describedBy === "" ? undefined : describedBy,
    required: field.required
  }
  const text = typeof input === "string" ? input : ""
  const label = `${labelOf(field.name)}${field.required ? " (required)" : ""}`
  let control: ReactNode
  switch (field.kind) {
    case "boolean":
      control = (
        <input {...common} type="checkbox" checked={input === true} onChange={(e) => onChange(e.target.checked)} />
      )
      break
    case "choice":
      control = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? "Choose…" : "(default)"}</option>
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )
      break
    case "choices": {
      const ticked = Array.isArray(input) ? input : []
      return (
        <fieldset className="field" aria-describedby={common["aria-describedby"]}>
          <legend>{label}</legend>
          <div className="choices">
            {field.options.map((option) => (
              <label key={option} className="inline">
                <input
                  type="checkbox"
                  name={common.name}
                  value={option}
                  checked={ticked.includes(option)}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...ticked, option] : ticked.filter((value) => value !== option))
                  }
                />{" "}
                {option}
              </label>
            ))}
          </div>
          {field.description === undefined ? null : (
            <small id={hintId} className="muted">
              {field.description}
            </small>
          )}
          {problem === undefined ? null : (
            <small id={problemId} className="error">
              {problem}
            </small>
          )}
        </fieldset>
      )
    }
    case "json":
      control = (
        <textarea {...common} rows={3} spellCheck={false} value={text} onChange={(e) => onChange(e.target.value)} />
      )
      break
    default:
      control = (
        <input
          {...common}
          type={field.kind === "password" ? "password" : "text"}
          inputMode={field.kind === "integer" ? "numeric" : field.kind === "number" ? "decimal" : undefined}
          autoComplete={field.kind === "password" ? "new-password" : "off"}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )
  }
  return (
    <div className={field.kind === "boolean" ? "field field-inline" : "field"}>
      <label htmlFor={id}>{label}</label>
      {control}
      {field.description === undefined ? null : (
        <small id={hintId} className="muted">
          {field.description}
          {field.kind === "json" ? " (JSON)" : ""}
        </small>
      )}
      {problem === undefined ? null : (
        <small id={problemId} className="error">
          {problem}
        </small>
      )}
    </div>
  )
}

/** The variant's inputs. */
export const SchemaFields = ({ variant, inputs, problems, onChange, prefix }: SchemaFieldsProps) => (
  <>
    {variant.fields.map((field) => (
      <Field
        key={field.name}
        field={field}
        input={inputs[field.name]}
        problem={problems[field.name]}
        onChange={(input) => onChange(field.name, input)}
        prefix={prefix}
      />
    ))}
  </>
)
