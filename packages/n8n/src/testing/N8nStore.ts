/**
 * The fake n8n's state without HTTP: workflows (ids, activation, webhook registration), executions
 * with their statuses, and what each webhook received. The HTTP side is `FakeN8n`.
 */
import { randomBytes } from "node:crypto"
import { type Workflow, type WorkflowInput, webhookNodes } from "../endpoints/Workflow.ts"

/** A delivery a webhook received. */
export interface Delivery {
  readonly workflowId: string
  readonly path: string
  readonly method: string
  /** The `Idempotency-Key` header, when sent. */
  readonly idempotencyKey: string | undefined
  readonly body: unknown
  readonly executionId: string
  readonly receivedAt: string
}

/** An execution the fake holds. */
export interface FakeExecution {
  readonly id: number
  readonly workflowId: string
  readonly mode: "webhook" | "manual"
  status: "success" | "error" | "running" | "waiting" | "canceled"
  finished: boolean
  readonly startedAt: string
  stoppedAt: string | null
  readonly data: unknown
}

/** Why a workflow cannot be activated, or `undefined` when it can. */
export type ActivationRefusal = { readonly status: number; readonly message: string } | undefined

const TRIGGER_TYPES = /trigger$|webhook$|Trigger$/

/** The fake's store. */
export const makeN8nStore = () => {
  const workflows = new Map<string, Workflow>()
  const executions: Array<FakeExecution> = []
  const deliveries: Array<Delivery> = []
  let nextExecution = 1

  const newId = (): string => {
    for (;;) {
      const id = randomBytes(12).toString("base64url").replace(/[-_]/g, "").slice(0, 16)
      if (id.length === 16 && !workflows.has(id)) return id
    }
  }

  const ordered = (): ReadonlyArray<Workflow> => [...workflows.values()].sort((a, b) => (a.id < b.id ? -1 : 1))

  const create = (input: WorkflowInput, now: string): Workflow => {
    const workflow: Workflow = {
      ...input,
      id: newId(),
      active: false,
      settings: input.settings,
      createdAt: now,
      updatedAt: now,
      tags: []
    }
    workflows.set(workflow.id, workflow)
    return workflow
  }

  const update = (id: string, input: WorkflowInput, now: string): Workflow | undefined => {
    const current = workflows.get(id)
    if (current === undefined) return undefined
    const next: Workflow = { ...current, ...input, id, active: current.active, updatedAt: now }
    workflows.set(id, next)
    return next
  }

  /** The active workflow whose webhook listens on `method path`. */
  const webhookOf = (method: string, path: string): { workflow: Workflow; node: string } | undefined => {
    for (const workflow of workflows.values()) {
      if (!workflow.active) continue
      const found = webhookNodes(workflow).find((hook) => hook.path === path && hook.method.toUpperCase() === method)
      if (found !== undefined) return { workflow, node: found.node }
    }
    return undefined
  }

  const canActivate = (workflow: Workflow): ActivationRefusal => {
    if (!workflow.nodes.some((node) => TRIGGER_TYPES.test(node.type) && node.disabled !== true)) {
      return {
        status: 400,
        message: "Workflow has no node to start the workflow - at least one trigger, poller or webhook node is required"
      }
    }
    for (const hook of webhookNodes(workflow)) {
      const taken = webhookOf(hook.method.toUpperCase(), hook.path)
      if (taken !== undefined && taken.workflow.id !== workflow.id) {
        return { status: 400, message: `There is a conflict with one of the webhooks: ${hook.method} ${hook.path}` }
      }
    }
    return undefined
  }

  const setActive = (id: string, active: boolean, now: string): Workflow | ActivationRefusal | undefined => {
    const current = workflows.get(id)
    if (current === undefined) return undefined
    if (active) {
      const refusal = canActivate(current)
      if (refusal !== undefined) return refusal
    }
    const next = { ...current, active, updatedAt: now }
    workflows.set(id, next)
    return next
  }

  const execute = (
    workflowId: string,
    mode: FakeExecution["mode"],
    data: unknown,
    status: FakeExecution["status"],
    now: string
  ): FakeExecution => {
    const finished = status === "success"
    const execution: FakeExecution = {
      id: nextExecution++,
      workflowId,
      mode,
      status,
      finished,
      startedAt: now,
      stoppedAt: status === "running" || status === "waiting" ? null : now,
      data
    }
    executions.push(execution)
    return execution
  }

  return {
    workflows,
    executions,
    deliveries,
    ordered,
    create,
    update,
    remove: (id: string) => {
      const current = workflows.get(id)
      workflows.delete(id)
      return current
    },
    setActive,
    webhookOf,
    execute
  }
}

/** The fake's store. */
export type N8nStore = ReturnType<typeof makeN8nStore>
