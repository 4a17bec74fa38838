/**
 * The life of an action, in one place (SPEC C10): its states, which command may move it from which state,
 * which steps this part carries out, which of them last and can be undone, and when a lasting measure is
 * lifted. Pure: the use cases ask it, it asks nobody.
 *
 *   awaiting_approval ─approve─> approved ─┐
 *          │  └─refuse─> refused          ├─> executing ─> done ─undo─> undone
 *          └─cancel─> cancelled            │       └─> failed ─retry─> (approved|pending)
 *   pending ──────────────────────────────┘                  └─cancel─> cancelled
 */
import { fail, ok, type Result } from "../errors.ts";
import { calendarOf, dueAfter } from "../policy/deadlines.ts";
import { LASTING_STEPS, type LastingStep, LIFT_DEFAULTS, type PolicyProfile } from "../policy/schema.ts";
import { STEP_NOUNS, type Step } from "../policy/steps.ts";

export const ACTION_STATES = [
  "pending",
  "awaiting_approval",
  "approved",
  "executing",
  "done",
  "failed",
  "refused",
  "cancelled",
  "undone",
] as const;
export type ActionState = (typeof ACTION_STATES)[number];

export function isActionState(value: string): value is ActionState {
  return (ACTION_STATES as readonly string[]).includes(value);
}

/** Steps this part carries out, by a connector or by a person. Messages (warn, …) are the messages part's. */
export const MEASURE_STEPS: readonly Step[] = [
  "suspend",
  "block",
  "remove_content",
  "downgrade",
  "terminate",
  "refer_to_authority",
  "provide_data",
];

/** Steps a connector can carry out; referral and data provision are always done by a person. */
export const CONNECTOR_STEPS = ["suspend", "block", "remove_content", "downgrade", "terminate"] as const;
export type ConnectorStep = (typeof CONNECTOR_STEPS)[number];

export { LASTING_STEPS, type LastingStep };

export function isMeasureStep(step: Step): boolean {
  return MEASURE_STEPS.includes(step);
}

export function isLasting(step: string): step is LastingStep {
  return (LASTING_STEPS as readonly string[]).includes(step);
}

/** What undoing a lasting measure is called. */
export const UNDO_NOUNS: Readonly<Record<LastingStep, string>> = {
  suspend: "restoration of the service",
  block: "unblocking",
  downgrade: "reinstatement of the profile",
  remove_content: "reinstatement of the content",
};

/** A call (to carry the step out, or to undo it) as the lifecycle sees it. */
export interface CallState {
  state: "queued" | "executing" | "done" | "failed";
  connector: string | null;
}

export interface ActionFacts {
  id: number;
  step: Step;
  state: ActionState;
  /** The call that carries the step out, once the step is decided. */
  call?: CallState | undefined;
  /** The call that undoes it, once someone asked. */
  undo?: CallState | undefined;
}

const waits = (a: ActionFacts) => `action ${a.id} (${STEP_NOUNS[a.step]}) is ${a.state}`;

export function checkApprove(a: ActionFacts): Result<true> {
  if (a.state !== "awaiting_approval")
    return fail(409, `action ${a.id} does not wait for approval (it is ${a.state})`);
  return ok(true);
}

export function checkRefuse(a: ActionFacts): Result<true> {
  if (a.state !== "awaiting_approval")
    return fail(409, `${waits(a)}; only an action that waits for approval can be refused`);
  return ok(true);
}

/** Cancelling stops a step that has not been carried out; one that is being carried out must finish first. */
export function checkCancel(a: ActionFacts): Result<true> {
  if (a.state === "executing")
    return fail(
      409,
      `${waits(a)}: a connector is carrying it out now; wait until it is done (then undo it) or failed (then cancel it)`,
    );
  if (!["pending", "awaiting_approval", "approved", "failed"].includes(a.state))
    return fail(
      409,
      `${waits(a)}; only a pending, approved, failed or awaiting action can be cancelled${a.state === "done" && isLasting(a.step) ? " (undo it instead)" : ""}`,
    );
  return ok(true);
}

/** Retrying makes the failed call again, with the same idempotency key. */
export function checkRetry(a: ActionFacts): Result<"call" | "undo"> {
  if (a.state === "failed" && a.call?.state === "failed") return ok("call");
  if (a.state === "done" && a.undo?.state === "failed") return ok("undo");
  return fail(409, `${waits(a)}; only a failed step or a failed undo can be retried`);
}

export function checkUndo(a: ActionFacts): Result<true> {
  if (!isLasting(a.step))
    return fail(
      409,
      `${STEP_NOUNS[a.step]} cannot be undone; only ${LASTING_STEPS.map((s) => STEP_NOUNS[s]).join(", ")} can`,
    );
  if (a.state !== "done") return fail(409, `${waits(a)}; only a measure that was done can be undone`);
  if (a.undo?.state === "failed") return fail(409, `undoing action ${a.id} failed; retry it instead`);
  if (a.undo) return fail(409, `action ${a.id} is being undone already`);
  return ok(true);
}

/**
 * Marking done by hand: the open call has no connector (a person carries it out), or the connector failed
 * and a person did it by hand.
 */
export function checkMarkDone(a: ActionFacts): Result<"call" | "undo"> {
  if (a.state === "done" && a.undo && (a.undo.state === "queued" || a.undo.state === "failed")) {
    if (a.undo.connector !== null && a.undo.state !== "failed")
      return fail(
        409,
        `connector ${a.undo.connector} is undoing action ${a.id}; wait for it (or for it to fail) before marking the undo done by hand`,
      );
    return ok("undo");
  }
  if ((a.state === "pending" || a.state === "approved") && isMeasureStep(a.step)) {
    if (a.call && a.call.connector !== null)
      return fail(
        409,
        `connector ${a.call.connector} carries out action ${a.id}; wait for it (or for it to fail) before marking it done by hand`,
      );
    return ok("call");
  }
  if (a.state === "failed") return ok("call");
  if (!isMeasureStep(a.step))
    return fail(409, `${STEP_NOUNS[a.step]} is a message, not a measure; the messages part records it`);
  return fail(409, `${waits(a)}; there is nothing to mark done`);
}

/** Whether the lasting step is lifted once an agent confirms the customer complied. */
export function liftsOnCompliance(profile: PolicyProfile | undefined, step: LastingStep): boolean {
  return profile?.measures[step]?.lift_on_compliance ?? LIFT_DEFAULTS[step];
}

/** When a lasting measure done at `doneAt` is lifted by itself, if the profile gives it a term. */
export function liftAt(profile: PolicyProfile | undefined, step: string, doneAt: Date): Date | undefined {
  if (!profile || !isLasting(step)) return undefined;
  const term = profile.measures[step]?.lift_after;
  return term ? dueAfter(doneAt, term, calendarOf(profile)) : undefined;
}

/** Retry delays: `backoff · 2^(attempt-1)`, at most `max` seconds. */
export function retryDelaySeconds(attempt: number, backoff: number, max: number): number {
  return Math.min(max, backoff * 2 ** Math.max(0, attempt - 1));
}
