/**
 * What people do with actions (SPEC C10), each as the story it is: take a step on a case, approve or
 * refuse it (four eyes), cancel it, retry it, undo it, mark it done by hand, confirm that the customer
 * complied. Each is one transaction that locks the case and the action, asks the lifecycle (lifecycle.ts)
 * and the rules of who may (policy.ts), changes the rows through the store (actions.store.ts), and writes
 * the audit entry with the person and the reason. A decided step gets its call with a fixed idempotency
 * key in that transaction; its job goes to the workers after the transaction commits.
 */

import { randomUUID } from "node:crypto";
import type { Transaction } from "kysely";
import type { Logger } from "pino";
import { appendAudit, appendAuditBatch } from "../audit.ts";
import { type Actor, SYSTEM } from "../auth/auth.store.ts";
import type { BrandScope } from "../auth/scope.ts";
import { assessCase } from "../cases/cases.store.ts";
import { touchCase } from "../cases/commands.store.ts";
import { type Case, clocksAfterStep, moveAfterStep, moveCase, withCase } from "../cases/commands.ts";
import { isOpen } from "../cases/states.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { Jobs } from "../jobs.ts";
import { messagesForStep } from "../messages/outbox.ts";
import { recordOrderProgress, recordProvision } from "../orders/execution.ts";
import { needsApproval } from "../policy/approval.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { STEP_NOUNS, type Step } from "../policy/steps.ts";
import type { Services } from "../server.ts";
import {
  type ActionRow,
  type CallRow,
  callContext,
  callsOf,
  caseOfAction,
  customerNames,
  finishCalls,
  insertAction,
  insertCall,
  insertNotification,
  lockAction,
  markActionsDone,
  markActionsUndone,
  measuresInForce,
  updateAction,
  updateCall,
} from "./actions.store.ts";
import { Connectors } from "./connectors/index.ts";
import {
  type ActionFacts,
  type ActionState,
  checkApprove,
  checkCancel,
  checkMarkDone,
  checkRefuse,
  checkRetry,
  checkUndo,
  isLasting,
  isMeasureStep,
  LASTING_STEPS,
  liftAt,
  liftsOnCompliance,
  UNDO_NOUNS,
} from "./lifecycle.ts";
import { type MeasureNotifier, type NotifiedCase, timelineNotifier } from "./notifier.ts";
import { buildPayload } from "./payload.ts";
import { mayApproveAction, mayCancelAction, mayMarkDone, mayRefuseAction, mayTake } from "./policy.ts";

type Trx = Transaction<Database>;

/** The pg-boss queue of calls to connectors: `{ call: <measure_calls.id> }`. */
export const EXECUTE_QUEUE = "measure.execute";

/** What the measures part needs, wired in src/app.ts. */
export interface MeasureDeps {
  db: DB;
  policies: ReadonlyMap<string, PolicyProfile>;
  connectors: Connectors;
  notifier: MeasureNotifier;
  jobs: Jobs | null;
  log: Logger;
  /** Told what came of each attempt of a call (the workers count them for /metrics). */
  onAttempt?: (connector: string | null, outcome: string) => void;
}

export function measureDeps(services: Services): MeasureDeps {
  return {
    db: services.db,
    policies: services.policies,
    connectors: services.connectors ?? Connectors.none(),
    notifier: services.notifier ?? timelineNotifier,
    jobs: services.jobs,
    log: services.log,
  };
}

/** Sends the jobs of calls decided by a transaction that has committed (a lost one is sent again by the sweep). */
export async function sendCalls(deps: Pick<MeasureDeps, "jobs" | "log">, calls: readonly number[]) {
  if (!deps.jobs) return;
  for (const call of calls)
    await deps.jobs.send(EXECUTE_QUEUE, { call }).catch((err) => {
      deps.log.error({ err, call }, "queueing a measure call failed; the measures sweep queues it again");
    });
}

/**
 * A step is in force (taken, or approved): the case moves on, and the customer's message for it (a warning,
 * a decision with its reasons) and the reporters' update go into the outbox in this transaction.
 */
async function stepInForce(
  trx: Trx,
  deps: MeasureDeps,
  actor: Actor,
  kase: Case,
  step: Step,
  actionId: number,
) {
  await moveAfterStep(trx, actor, kase, step, actionId);
  await messagesForStep(trx, {
    kase,
    profile: deps.policies.get(kase.brand_id),
    step,
    actionId,
    actor: actor.name,
  });
}

/** Runs a use case in its transaction, then sends the jobs of the calls it decided. */
async function deciding<T>(
  deps: MeasureDeps,
  scope: BrandScope,
  caseId: number,
  fn: (trx: Trx, kase: Case, calls: number[]) => Promise<Result<T>>,
): Promise<Result<T>> {
  const calls: number[] = [];
  const result = await withCase(deps.db, caseId, (trx, kase) => fn(trx, kase, calls), scope);
  if (result.ok) await sendCalls(deps, calls);
  return result;
}

const notifiedCase = (kase: Case, customerName: string | null): NotifiedCase => ({
  id: kase.id,
  brand: kase.brand_id,
  kind: kase.kind,
  customer: kase.customer_id ? { id: kase.customer_id, name: customerName ?? kase.customer_id } : null,
});

async function factsOf(
  trx: Trx,
  a: ActionRow,
): Promise<ActionFacts & { calls: { call?: CallRow; undo?: CallRow } }> {
  const calls = await callsOf(trx, a.id);
  return {
    id: a.id,
    step: a.step as Step,
    state: a.state as ActionState,
    call: calls.call,
    undo: calls.undo,
    calls,
  };
}

/**
 * Makes the call that carries out (or undoes) a decided step, with its idempotency key fixed now. The
 * connector is the one the file names for the brand and step; an undo goes to the connector that did the
 * step (or to a person, when a person did it).
 */
async function makeCall(
  trx: Trx,
  deps: MeasureDeps,
  kase: Case,
  action: ActionRow,
  opts: { undo: boolean; by: Actor; reason: string | null; connector?: string | null },
): Promise<{ id: number; connector: string | null }> {
  const key = randomUUID();
  const connector =
    opts.connector !== undefined
      ? opts.connector
      : (deps.connectors.forStep(kase.brand_id, action.step as Step)?.id ?? null);
  const ctx = await callContext(trx, kase.id, action.order_id);
  const payload = buildPayload({
    key,
    undo: opts.undo,
    action: {
      id: action.id,
      case_id: kase.id,
      step: action.step as Step,
      params: action.params,
      clause:
        action.clause_document && action.clause_article && action.clause_quote
          ? { document: action.clause_document, article: action.clause_article, quote: action.clause_quote }
          : null,
      requested_by: action.actor,
      approved_by: action.approved_by,
      reason: action.reason,
    },
    brand: kase.brand_id,
    customer: ctx.kase.customer_id
      ? { id: ctx.kase.customer_id, name: ctx.kase.customer_name ?? ctx.kase.customer_id }
      : null,
    subjects: ctx.subjects,
    subjectCount: ctx.kase.subject_count,
    order: ctx.order ?? null,
    ...(opts.undo ? { undoBy: { name: opts.by.name, reason: opts.reason } } : {}),
  });
  const row = await insertCall(trx, {
    action_id: action.id,
    undo: opts.undo,
    key,
    connector,
    body: JSON.stringify(payload),
    requested_by: opts.by.name,
    requested_by_user: opts.by.userId,
    reason: opts.reason,
  });
  return { id: row.id, connector };
}

export interface ActionInput {
  step: Step;
  reason?: string | undefined;
  note?: string | undefined;
  params?: Record<string, unknown> | undefined;
}

export interface ActionResult {
  action: { id: number; step: Step; state: string; proposed_step: string | null; needs_approval: boolean };
  case_state: Case["state"];
}

/**
 * Takes a step on a case. The proposed step needs no reason; another step does. Severe steps wait for a
 * second person unless the profile waives it; any other measure is decided now and goes to its connector
 * (or waits for a person to do it and mark it done).
 */
export async function takeAction(
  deps: MeasureDeps,
  actor: Actor,
  caseId: number,
  input: ActionInput,
): Promise<Result<ActionResult>> {
  return deciding(deps, actor.brands, caseId, (trx, kase, calls) =>
    takeActionOn(trx, deps, actor, kase, input, {}, calls),
  );
}

/** What demanded a step other than a person's judgement: an authority's order, with its legal basis. */
export interface Demand {
  orderId?: number;
  clause?: { document: string; article: string; quote: string };
}

/**
 * `takeAction` inside a transaction that holds the case (an order takes its steps this way). The ids of
 * calls for connectors go into `calls`, to be sent when the transaction has committed.
 */
export async function takeActionOn(
  trx: Trx,
  deps: MeasureDeps,
  actor: Actor,
  kase: Case,
  input: ActionInput,
  demand: Demand,
  calls: number[],
): Promise<Result<ActionResult>> {
  if (!isOpen(kase.state))
    return fail(
      409,
      `case ${kase.id} is ${kase.state}; reopen it (transition to in_review) before taking a step`,
    );
  const profile = deps.policies.get(kase.brand_id);
  const allowed = mayTake(actor, profile, input.step);
  if (!allowed.ok) return allowed;
  const { proposal } = await assessCase(trx, deps.policies, kase);
  const reason = input.reason?.trim() || null;
  const deviates = proposal !== null && proposal.step !== input.step;
  if (deviates && !reason)
    return fail(
      422,
      `the proposed step is ${proposal.step} (${proposal.clause.document}, ${proposal.clause.article}); taking ${input.step} instead needs a reason in "reason"`,
    );
  const severe = needsApproval(profile, input.step);
  const clause = demand.clause ?? (proposal && !deviates ? proposal.clause : null);
  const row = await insertAction(trx, {
    case_id: kase.id,
    step: input.step,
    proposed_step: proposal?.step ?? null,
    state: severe ? "awaiting_approval" : "pending",
    actor: actor.name,
    requested_by_user: actor.userId,
    reason,
    note: input.note ?? null,
    params: input.params ?? {},
    clause,
    order_id: demand.orderId ?? null,
  });
  // The work first, the audit entries last: they serialise writers until the transaction commits.
  if (!severe) {
    if (isMeasureStep(input.step)) {
      const action = (await lockAction(trx, row.id))!;
      const call = await makeCall(trx, deps, kase, action, { undo: false, by: actor, reason });
      if (call.connector) calls.push(call.id);
    }
    await clocksAfterStep(trx, kase, profile);
  }
  await touchCase(trx, kase.id);
  await appendAudit(trx, {
    actor: actor.name,
    action: "case.action",
    subjectType: "case",
    subjectId: kase.id,
    details: {
      action: row.id,
      step: input.step,
      proposed_step: proposal?.step ?? null,
      rule: proposal?.rule ?? null,
      deviates,
      reason,
      awaiting_approval: severe,
      clause,
      ...(demand.orderId ? { order: demand.orderId, proposed_clause: proposal?.clause ?? null } : {}),
    },
  });
  if (!severe) await stepInForce(trx, deps, actor, kase, input.step, row.id);
  return ok({
    action: {
      id: row.id,
      step: input.step,
      state: row.state,
      proposed_step: proposal?.step ?? null,
      needs_approval: severe,
    },
    case_state: kase.state,
  });
}

/** Finds the case of an action (and checks it, when the route names one) before locking both. */
async function locate(deps: MeasureDeps, actionId: number, caseId?: number): Promise<Result<number>> {
  const found = await caseOfAction(deps.db, actionId);
  if (found === undefined || (caseId !== undefined && found !== caseId))
    return fail(
      404,
      caseId !== undefined ? `case ${caseId} has no action ${actionId}` : `there is no action ${actionId}`,
    );
  return ok(found);
}

/** Runs a command on one action: case and action locked, the action's facts read. */
async function onAction<T>(
  deps: MeasureDeps,
  scope: BrandScope,
  actionId: number,
  caseId: number | undefined,
  fn: (
    trx: Trx,
    kase: Case,
    action: ActionRow,
    facts: Awaited<ReturnType<typeof factsOf>>,
    calls: number[],
  ) => Promise<Result<T>>,
): Promise<Result<T>> {
  const where = await locate(deps, actionId, caseId);
  if (!where.ok) return where;
  return deciding(deps, scope, where.value, async (trx, kase, calls) => {
    const action = await lockAction(trx, actionId);
    if (!action || action.case_id !== kase.id)
      return fail(
        404,
        `case ${kase.id} has no action ${actionId}; it may have been merged into another case`,
      );
    return fn(trx, kase, action, await factsOf(trx, action), calls);
  });
}

const needReason = (what: string, reason: string | undefined): Result<string> => {
  const r = reason?.trim();
  return r ? ok(r) : fail(422, `${what} needs a reason in "reason"; it goes into the audit log`);
};

/** A second person approves a severe step; whoever asked for it cannot. The step's call is made now. */
export async function approveAction(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
  input: { note?: string | undefined },
  caseId?: number,
): Promise<Result<ActionResult>> {
  return onAction(deps, actor.brands, actionId, caseId, async (trx, kase, action, facts, calls) => {
    const state = checkApprove(facts);
    if (!state.ok) return state;
    const allowed = mayApproveAction(actor, action);
    if (!allowed.ok) return allowed;
    const now = new Date();
    await updateAction(trx, action.id, {
      state: "approved",
      approved_by: actor.name,
      approved_by_user: actor.userId,
      approved_at: now,
    });
    // The work first, the audit entries last: they serialise writers until the transaction commits.
    if (isMeasureStep(action.step as Step)) {
      const approved = { ...action, approved_by: actor.name, approved_at: now };
      const call = await makeCall(trx, deps, kase, approved, {
        undo: false,
        by: actor,
        reason: action.reason,
      });
      if (call.connector) calls.push(call.id);
    }
    await clocksAfterStep(trx, kase, deps.policies.get(kase.brand_id));
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.action.approve",
      subjectType: "case",
      subjectId: kase.id,
      details: { action: action.id, step: action.step, requested_by: action.actor, note: input.note ?? null },
    });
    await stepInForce(trx, deps, actor, kase, action.step as Step, action.id);
    return ok({
      action: {
        id: action.id,
        step: action.step as Step,
        state: "approved",
        proposed_step: action.proposed_step,
        needs_approval: true,
      },
      case_state: kase.state,
    });
  });
}

/** A person who may approve the step says no, with a reason. */
export async function refuseAction(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
  input: { reason?: string | undefined },
): Promise<Result<{ id: number }>> {
  const reason = needReason("refusing a step", input.reason);
  if (!reason.ok) return reason;
  return onAction(deps, actor.brands, actionId, undefined, async (trx, kase, action, facts) => {
    const state = checkRefuse(facts);
    if (!state.ok) return state;
    const allowed = mayRefuseAction(actor, action);
    if (!allowed.ok) return allowed;
    await updateAction(trx, action.id, {
      state: "refused",
      closed_at: new Date(),
      closed_by: actor.name,
      closed_by_user: actor.userId,
      closed_reason: reason.value,
    });
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.action.refuse",
      subjectType: "case",
      subjectId: kase.id,
      details: { action: action.id, step: action.step, requested_by: action.actor, reason: reason.value },
    });
    return ok({ id: action.id });
  });
}

/** The person who asked, or someone who may approve, stops a step that has not been carried out. */
export async function cancelAction(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
  input: { reason?: string | undefined },
): Promise<Result<{ id: number }>> {
  const reason = needReason("cancelling a step", input.reason);
  if (!reason.ok) return reason;
  return onAction(deps, actor.brands, actionId, undefined, async (trx, kase, action, facts) => {
    const state = checkCancel(facts);
    if (!state.ok) return state;
    const allowed = mayCancelAction(actor, action);
    if (!allowed.ok) return allowed;
    await cancelOn(trx, actor, kase, action, facts.calls.call, reason.value);
    await recordOrderProgress(trx, deps.notifier, action.order_id);
    return ok({ id: action.id });
  });
}

/**
 * Takes back a step inside the caller's transaction (a complaint reversed the decision behind it): a
 * measure that was done is undone, one not yet carried out is cancelled. `calls` gets the call to send.
 */
export async function withdrawActionOn(
  trx: Trx,
  deps: MeasureDeps,
  actor: Actor,
  kase: Case,
  actionId: number,
  reason: string,
  calls: number[],
): Promise<Result<"undone" | "cancelled" | "nothing">> {
  const action = await lockAction(trx, actionId);
  if (!action || action.case_id !== kase.id) return fail(404, `case ${kase.id} has no action ${actionId}`);
  const facts = await factsOf(trx, action);
  if (facts.state === "done") {
    if (facts.undo) return ok("nothing");
    const state = checkUndo(facts);
    if (!state.ok) return state;
    const call = await requestUndo(trx, deps, actor, kase, action, facts.calls.call, reason);
    if (call.connector) calls.push(call.id);
    return ok("undone");
  }
  if (["cancelled", "refused", "undone"].includes(facts.state)) return ok("nothing");
  const state = checkCancel(facts);
  if (!state.ok) return state;
  await cancelOn(trx, actor, kase, action, facts.calls.call, reason);
  await recordOrderProgress(trx, deps.notifier, action.order_id);
  return ok("cancelled");
}

/** Cancels a step that was not carried out: the action closed, its open call failed, audited. */
async function cancelOn(
  trx: Trx,
  actor: Actor,
  kase: Case,
  action: ActionRow,
  call: CallRow | undefined,
  reason: string,
): Promise<void> {
  await updateAction(trx, action.id, {
    state: "cancelled",
    closed_at: new Date(),
    closed_by: actor.name,
    closed_by_user: actor.userId,
    closed_reason: reason,
  });
  if (call && call.state !== "done")
    await updateCall(trx, call.id, {
      state: "failed",
      last_error: `cancelled by ${actor.name}: ${reason}`,
      finished_at: new Date(),
    });
  await appendAudit(trx, {
    actor: actor.name,
    action: "case.action.cancel",
    subjectType: "case",
    subjectId: kase.id,
    details: { action: action.id, step: action.step, from: action.state, reason },
  });
}

/** Makes a failed call (or a failed undo) again, with the same idempotency key and the same body. */
export async function retryAction(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
  input: { reason?: string | undefined },
): Promise<Result<{ id: number }>> {
  return onAction(deps, actor.brands, actionId, undefined, async (trx, kase, action, facts, calls) => {
    const which = checkRetry(facts);
    if (!which.ok) return which;
    const call = which.value === "call" ? facts.calls.call! : facts.calls.undo!;
    await updateCall(trx, call.id, {
      state: "queued",
      attempts: 0,
      next_attempt_at: new Date(),
      lease_until: null,
      finished_at: null,
    });
    if (which.value === "call")
      await updateAction(trx, action.id, { state: action.approved_at ? "approved" : "pending" });
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.action.retry",
      subjectType: "case",
      subjectId: kase.id,
      details: {
        action: action.id,
        step: action.step,
        undo: which.value === "undo",
        connector: call.connector,
        key: call.idempotency_key,
        attempts_before: call.attempts,
        reason: input.reason?.trim() || null,
      },
    });
    if (call.connector) calls.push(call.id);
    return ok({ id: action.id });
  });
}

/**
 * Undoes a lasting measure that was done: restore, unblock, reinstate. It goes to the connector that did
 * the step, or to a person when a person did it. `by` is a person, or the system when the term ran out.
 */
export async function undoAction(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
  input: { reason?: string | undefined },
): Promise<Result<{ id: number; connector: string | null }>> {
  const reason = needReason("undoing a measure", input.reason);
  if (!reason.ok) return reason;
  return onAction(deps, actor.brands, actionId, undefined, async (trx, kase, action, facts, calls) => {
    const state = checkUndo(facts);
    if (!state.ok) return state;
    const call = await requestUndo(trx, deps, actor, kase, action, facts.calls.call, reason.value);
    if (call.connector) calls.push(call.id);
    return ok({ id: action.id, connector: call.connector });
  });
}

async function requestUndo(
  trx: Trx,
  deps: MeasureDeps,
  actor: Actor,
  kase: Case,
  action: ActionRow,
  done: CallRow | undefined,
  reason: string,
): Promise<{ id: number; connector: string | null }> {
  // Undo goes where the step was done: the connector that did it, or a person when a person did.
  const connector = done && done.done_by === null ? done.connector : null;
  const call = await makeCall(trx, deps, kase, action, { undo: true, by: actor, reason, connector });
  await appendAudit(trx, {
    actor: actor.name,
    action: "case.action.undo",
    subjectType: "case",
    subjectId: kase.id,
    details: {
      action: action.id,
      step: action.step,
      undo: isLasting(action.step) ? UNDO_NOUNS[action.step] : null,
      connector,
      reason,
    },
  });
  return call;
}

/**
 * A person says they carried the step (or its undo) out by hand, with a note. For data provision the
 * note is not enough: what was given, to whom and on which basis is recorded.
 */
export async function markDone(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
  input: {
    note?: string | undefined;
    provision?: { what: string; given_to: string; legal_basis?: string | undefined } | undefined;
  },
): Promise<Result<{ id: number; state: ActionState }>> {
  const note = input.note?.trim();
  if (!note) return fail(422, 'say in "note" what was done by hand; it stays with the measure');
  return onAction(deps, actor.brands, actionId, undefined, async (trx, kase, action, facts) => {
    const which = checkMarkDone(facts);
    if (!which.ok) return which;
    const allowed = mayMarkDone(actor, action);
    if (!allowed.ok) return allowed;
    if (action.step === "provide_data" && which.value === "call") {
      if (!input.provision)
        return fail(
          422,
          'providing data is recorded with "provision": { "what": …, "given_to": …, "legal_basis": … }',
        );
      await recordProvision(trx, actor, kase.id, action, input.provision);
    }
    let call = which.value === "call" ? facts.calls.call : facts.calls.undo;
    if (!call) {
      // A step decided before calls existed: it gets its call now, done by this person.
      await makeCall(trx, deps, kase, action, { undo: false, by: actor, reason: null, connector: null });
      call = (await callsOf(trx, action.id)).call!;
    }
    await updateCall(trx, call.id, { done_by: actor.name, done_by_user: actor.userId, note });
    const [state] = await completeCalls(trx, deps, [
      { kase, action, call, result: { by: actor.name, byHand: true, note, answer: null, status: null } },
    ]);
    return ok({ id: action.id, state: state! });
  });
}

/**
 * The customer complied, an agent confirms it: the case's lasting measures that the profile lifts on
 * compliance are undone (each through the connector that did it).
 */
export async function customerComplied(
  deps: MeasureDeps,
  actor: Actor,
  caseId: number,
  input: { reason?: string | undefined },
): Promise<Result<{ id: number; undoing: number[] }>> {
  const reason = needReason("confirming that the customer complied", input.reason);
  if (!reason.ok) return reason;
  return deciding(deps, actor.brands, caseId, async (trx, kase, calls) => {
    const profile = deps.policies.get(kase.brand_id);
    const lifted = (await measuresInForce(trx, kase.id, LASTING_STEPS)).filter(
      (a) => isLasting(a.step) && liftsOnCompliance(profile, a.step),
    );
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.complied",
      subjectType: "case",
      subjectId: kase.id,
      details: { reason: reason.value, undoing: lifted.map((a) => a.id) },
    });
    for (const a of lifted) {
      const locked = (await lockAction(trx, a.id))!;
      const call = await requestUndo(
        trx,
        deps,
        actor,
        kase,
        locked,
        (await callsOf(trx, a.id)).call,
        `the customer complied: ${reason.value}`,
      );
      if (call.connector) calls.push(call.id);
    }
    return ok({ id: kase.id, undoing: lifted.map((a) => a.id) });
  });
}

/** The system lifts a measure whose term ran out (the measures sweep). */
export async function liftExpired(
  deps: MeasureDeps,
  actor: Actor,
  actionId: number,
): Promise<Result<{ id: number }>> {
  return onAction(deps, actor.brands, actionId, undefined, async (trx, kase, action, facts, calls) => {
    if (facts.state !== "done" || facts.undo || !action.lift_at) return ok({ id: action.id });
    const source = isLasting(action.step)
      ? deps.policies.get(kase.brand_id)?.measures[action.step]?.source
      : undefined;
    const call = await requestUndo(
      trx,
      deps,
      actor,
      kase,
      action,
      facts.calls.call,
      `the term of the ${STEP_NOUNS[action.step as Step]} ran out on ${action.lift_at.toISOString()}${source ? ` (${source})` : ""}`,
    );
    if (call.connector) calls.push(call.id);
    return ok({ id: action.id });
  });
}

/** A finished call, ready to be recorded. */
export interface Completion {
  kase: Case;
  action: ActionRow;
  call: CallRow;
  result: { by: string; byHand: boolean; note: string | null; answer: string | null; status: number | null };
}

/**
 * Calls finished: their steps (or undos) are done. The case's timeline records each, the customer is told
 * through the notifier (never for a gagged case), and orders' progress is recorded. Called inside the
 * transaction that holds the cases, the actions and the calls; a worker records a whole batch at once.
 */
export async function completeCalls(
  trx: Trx,
  deps: MeasureDeps,
  items: readonly Completion[],
): Promise<ActionState[]> {
  if (items.length === 0) return [];
  const now = new Date();
  await finishCalls(
    trx,
    items.map((i) => ({ id: i.call.id, status: i.result.status, answer: i.result.answer })),
    now,
  );
  const lifts = new Map<number, Date | null>();
  for (const i of items)
    if (!i.call.undo)
      lifts.set(i.action.id, liftAt(deps.policies.get(i.kase.brand_id), i.action.step, now) ?? null);
  await markActionsDone(
    trx,
    [...lifts].map(([id, lift]) => ({ id, lift })),
    now,
  );
  await markActionsUndone(
    trx,
    items.filter((i) => i.call.undo).map((i) => i.action.id),
    now,
  );
  await appendAuditBatch(
    trx,
    items.map((i) => ({
      actor: i.result.by,
      action: i.call.undo ? "case.action.undone" : "case.action.done",
      subjectType: "case",
      subjectId: i.kase.id,
      details: {
        action: i.action.id,
        step: i.action.step,
        connector: i.result.byHand ? null : i.call.connector,
        by_hand: i.result.byHand,
        key: i.call.idempotency_key,
        by: i.result.by,
        note: i.result.note,
        status: i.result.status,
        ...(i.call.undo
          ? { undo: isLasting(i.action.step) ? UNDO_NOUNS[i.action.step] : null, reason: i.call.reason }
          : { lift_at: lifts.get(i.action.id)?.toISOString() ?? null }),
      },
    })),
  );
  const names = await customerNames(
    trx,
    items.map((i) => i.kase.customer_id).filter((c): c is string => c !== null),
  );
  // The customer is told, unless an order gagged the case.
  const told = items
    .filter((i) => !i.kase.gag)
    .map((i) => ({
      undo: i.call.undo,
      event: {
        case: notifiedCase(i.kase, i.kase.customer_id ? (names.get(i.kase.customer_id) ?? null) : null),
        action: {
          id: i.action.id,
          step: i.action.step as Step,
          connector: i.call.connector,
          at: now,
          note: i.result.note,
        },
      },
    }));
  const done = told.filter((t) => !t.undo).map((t) => t.event);
  const undone = told.filter((t) => t.undo).map((t) => t.event);
  if (done.length > 0) await deps.notifier.measureDone(trx, done);
  if (undone.length > 0) await deps.notifier.measureUndone(trx, undone);
  for (const orderId of new Set(items.filter((i) => !i.call.undo).map((i) => i.action.order_id)))
    await recordOrderProgress(trx, deps.notifier, orderId);
  for (const i of items) {
    // The last measure in force lifted: the case goes back to review.
    if (!i.call.undo || i.kase.state !== "measures") continue;
    if ((await measuresInForce(trx, i.kase.id, LASTING_STEPS)).length > 0) continue;
    await moveCase(
      trx,
      { ...SYSTEM, name: i.result.by },
      i.kase,
      "in_review",
      `every measure on the case is undone (last: action ${i.action.id})`,
    );
  }
  return items.map((i) => (i.call.undo ? "undone" : "done"));
}

/** A call failed for good: the step (or its undo) failed, with the answer kept, and the supervisors are told. */
export async function failCall(
  trx: Trx,
  kase: Case,
  action: ActionRow,
  call: CallRow,
  outcome: { error: string; status: number | null; answer: string | null },
  by: string,
): Promise<void> {
  await updateCall(trx, call.id, {
    state: "failed",
    finished_at: new Date(),
    lease_until: null,
    last_status: outcome.status,
    last_error: outcome.error,
    answer: outcome.answer,
  });
  if (!call.undo) await updateAction(trx, action.id, { state: "failed" });
  const details = {
    action: action.id,
    step: action.step,
    undo: call.undo,
    connector: call.connector,
    key: call.idempotency_key,
    attempts: call.attempts,
    error: outcome.error,
    status: outcome.status,
  };
  await appendAudit(trx, {
    actor: by,
    action: call.undo ? "case.action.undo_failed" : "case.action.failed",
    subjectType: "case",
    subjectId: kase.id,
    details,
  });
  await insertNotification(trx, {
    caseId: kase.id,
    kind: "measure_failed",
    details: { ...details, brand: kase.brand_id },
  });
}
