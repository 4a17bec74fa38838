/**
 * Four eyes (SPEC C10, C17), in one place: which steps wait for a second person, and who may be that
 * person. The engine (to say so in its proposal), the case commands and the API all ask these.
 */
import type { Actor } from "../auth/auth.store.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { PolicyProfile } from "./schema.ts";
import { SEVERE_STEPS, type Step } from "./steps.ts";

/** Whether taking `step` waits for a second person: the profile's severe steps, unless it waives four eyes. */
export function needsApproval(profile: PolicyProfile | undefined, step: Step): boolean {
  if (!profile) return SEVERE_STEPS.includes(step);
  return !profile.approval.without_four_eyes && profile.approval.severe_steps.includes(step);
}

/**
 * Whether `actor` may ask for a step that needs approval, or take a severe step at once: only a person can
 * (a service token is nobody, so nobody could be held to it).
 */
export function mayRequestSevere(actor: Actor, step: Step): Result<true> {
  if (actor.kind === "system" || actor.userId !== null) return ok(true);
  return fail(
    403,
    `a token that belongs to no person cannot take the severe step ${step}; use a person's token (abusedesk token create --user EMAIL)`,
  );
}

/**
 * Whether `approver` may approve a step that `requestedBy` (a person's user id, or null when unknown) asked
 * for: a person, and another person than the one who asked. Persons are compared by user id, never by name.
 */
export function mayApprove(approver: Actor, requestedBy: number | null): Result<true> {
  if (approver.userId === null)
    return fail(
      403,
      "four eyes: only a person can approve a severe step, and this token belongs to no person; use a person's token",
    );
  if (requestedBy !== null && approver.userId === requestedBy)
    return fail(403, "four eyes: a second person must approve this step, not the one who asked for it");
  return ok(true);
}
