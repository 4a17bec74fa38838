/**
 * The case state machine, in one place: which states exist, which moves are allowed, which need a reason,
 * and where taking a step moves a case. Pure: the store and the routes ask it, it asks nobody.
 */
import { CASE_STATES, type CaseState, FINISHED_CASE_STATES } from "../db/case-states.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { Step } from "../policy/steps.ts";

export type { CaseState };
export { CASE_STATES };

/** States in which a case is finished: new events open a new case (the `cases_one_open` index). */
export const FINISHED_STATES: readonly CaseState[] = FINISHED_CASE_STATES;

export function isOpen(state: CaseState): boolean {
  return !FINISHED_STATES.includes(state);
}

/** Every allowed move. Reopening (from a finished state back to in_review) is deliberate and needs a reason. */
const TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  new: ["waiting_customer", "waiting_reporter", "in_review", "measures", "resolved", "rejected", "closed"],
  waiting_customer: ["waiting_reporter", "in_review", "measures", "resolved", "rejected", "closed"],
  waiting_reporter: ["waiting_customer", "in_review", "measures", "resolved", "rejected", "closed"],
  in_review: ["waiting_customer", "waiting_reporter", "measures", "resolved", "rejected", "closed"],
  measures: ["waiting_customer", "in_review", "resolved", "closed"],
  resolved: ["closed", "in_review"],
  rejected: ["closed", "in_review"],
  closed: ["in_review"],
};

const DESCRIPTIONS: Readonly<Record<CaseState, string>> = {
  new: "new, nobody has looked at it yet",
  waiting_customer: "waiting for the customer",
  waiting_reporter: "waiting for the reporter",
  in_review: "being reviewed by the desk",
  measures: "measures are in force",
  resolved: "resolved",
  rejected: "rejected as unfounded",
  closed: "closed",
};

export function allowedTransitions(from: CaseState): readonly CaseState[] {
  return TRANSITIONS[from];
}

/** Rejecting, closing and reopening are decisions someone must be able to explain later. */
export function needsReason(from: CaseState, to: CaseState): boolean {
  return to === "rejected" || to === "closed" || (!isOpen(from) && isOpen(to));
}

/** Whether `from → to` may happen, with a message a person understands when it may not. */
export function checkTransition(from: CaseState, to: CaseState, reason: string | undefined): Result<true> {
  if (from === to) return fail(409, `the case is already in state ${to} (${DESCRIPTIONS[to]})`);
  const allowed = TRANSITIONS[from];
  if (!allowed.includes(to)) {
    const options =
      allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}` : allowed[0];
    return fail(
      409,
      `the case is in state ${from} (${DESCRIPTIONS[from]}) and cannot move to ${to}; from ${from} it can move to ${options}`,
    );
  }
  if (needsReason(from, to) && !reason?.trim())
    return fail(422, `moving a case from ${from} to ${to} needs a reason; give one in "reason"`);
  return ok(true);
}

/**
 * Where a case goes when a step is taken on it: a message to the customer waits for the customer, a measure
 * puts the case in `measures`. Undefined when the step does not move it (no action, or the move is not
 * allowed from here, e.g. a warning on a case in measures).
 */
export function stateAfterStep(from: CaseState, step: Step): CaseState | undefined {
  const to: CaseState | undefined =
    step === "warn" || step === "request_information" || step === "notice_of_default"
      ? "waiting_customer"
      : step === "suspend" ||
          step === "block" ||
          step === "remove_content" ||
          step === "downgrade" ||
          step === "terminate"
        ? "measures"
        : step === "refer_to_authority" || step === "provide_data"
          ? "in_review"
          : undefined;
  if (!to || to === from || !isOpen(from)) return undefined;
  return TRANSITIONS[from].includes(to) ? to : undefined;
}

export function isCaseState(value: string): value is CaseState {
  return (CASE_STATES as readonly string[]).includes(value);
}
