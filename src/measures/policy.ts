/**
 * Who may do what with actions (SPEC C10, C17), in one place, in the spirit of Outline's `policies/`.
 * The route's ability is checked at the door (src/auth/http.ts); these are the rules that depend on the
 * action: four eyes compare people (src/policy/approval.ts), data goes to an authority only with the
 * legal permission, and cancelling is for the person who asked or for someone who may approve.
 */
import type { Actor } from "../auth/auth.store.ts";
import { can } from "../auth/roles.ts";
import { fail, ok, type Result } from "../errors.ts";
import { mayApprove, mayRequestSevere, needsApproval } from "../policy/approval.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { SEVERE_STEPS, type Step } from "../policy/steps.ts";

interface ActionRef {
  id: number;
  step: string;
  requested_by_user: number | null;
}

const legalOnly = (actor: Actor, what: string): Result<true> =>
  can(actor.role, "legal")
    ? ok(true)
    : fail(403, `${what} needs the "legal" permission; the role ${actor.role} lacks it`);

/** Taking a step: data provision is legal's; a severe step is asked for by a person, never by a service token. */
export function mayTake(actor: Actor, profile: PolicyProfile | undefined, step: Step): Result<true> {
  if (step === "provide_data" && !can(actor.role, "legal"))
    return fail(
      403,
      `the role ${actor.role} may not provide data to an authority (it needs the "legal" permission)`,
    );
  if (needsApproval(profile, step) || SEVERE_STEPS.includes(step)) return mayRequestSevere(actor, step);
  return ok(true);
}

/** Approving: another person than the one who asked (four eyes); data provision also needs legal. */
export function mayApproveAction(actor: Actor, action: ActionRef): Result<true> {
  const fourEyes = mayApprove(actor, action.requested_by_user);
  if (!fourEyes.ok) return fourEyes;
  if (action.step === "provide_data") return legalOnly(actor, "approving the provision of data");
  return ok(true);
}

/** Refusing is the other answer to the same question, so the same people may give it. */
export function mayRefuseAction(actor: Actor, action: ActionRef): Result<true> {
  return mayApproveAction(actor, action);
}

/** Cancelling: the person who asked for the step, or someone who may approve steps. */
export function mayCancelAction(actor: Actor, action: ActionRef): Result<true> {
  if (actor.userId !== null && actor.userId === action.requested_by_user) return ok(true);
  if (can(actor.role, "approve")) return ok(true);
  return fail(
    403,
    `only the person who asked for action ${action.id}, or someone who may approve steps, can cancel it`,
  );
}

/** Marking a step done by hand: data provision is recorded by legal. */
export function mayMarkDone(actor: Actor, action: ActionRef): Result<true> {
  if (action.step === "provide_data") return legalOnly(actor, "recording the provision of data");
  return ok(true);
}
