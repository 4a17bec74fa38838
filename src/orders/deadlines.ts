/**
 * The law of authority orders, pure (SPEC C12, STANDARDS.md §0): who may send one, the term each gets,
 * when a supervisor is warned (at half the term), which steps an order may demand and what a case about
 * it is. Terms run in calendar time: a terrorist-content removal order received on a Sunday night is due
 * one hour later, that night.
 */
import type { Authority } from "../db/schema.ts";
import { ATKM_MAX_HOURS, type AuthorityOrder, orderDeadline } from "../policy/deadlines.ts";
import type { Step } from "../policy/steps.ts";
import type { Category } from "../taxonomy.ts";

export const AUTHORITIES = [
  "police",
  "public_prosecutor",
  "court",
  "atkm",
  "offlimits",
  "tco_authority",
  "other",
] as const satisfies readonly Authority[];
export type { Authority };

export const AUTHORITY_NAMES: Readonly<Record<Authority, string>> = {
  police: "Police",
  public_prosecutor: "Public Prosecutor",
  court: "Court",
  atkm: "ATKM (Autoriteit online Terroristisch en Kinderpornografisch Materiaal)",
  offlimits: "Offlimits",
  tco_authority: "TCO competent authority",
  other: "Authority",
};

/** What an order may demand. Preservation is not a step: it is a hold on the data, recorded at once. */
export const REQUESTS = [
  "remove_content",
  "block",
  "suspend",
  "terminate",
  "provide_data",
  "preserve_data",
] as const;
export type Request = (typeof REQUESTS)[number];

/** The step an order's demand is carried out by (preservation is a hold, not a step). */
export const STEP_OF_REQUEST: Readonly<Record<Exclude<Request, "preserve_data">, Step>> = {
  remove_content: "remove_content",
  block: "block",
  suspend: "suspend",
  terminate: "terminate",
  provide_data: "provide_data",
};

/** An order that states no term is handled without undue delay: the desk's own target. */
export const ORDER_DEFAULT_TERM_HOURS = 24;

export interface OrderDue {
  due_at: Date;
  /** The rule the term rests on. */
  source: string;
  /** Half the term: a supervisor is warned then if the order is not carried out. */
  half_at: Date;
}

/** The deadline of an order, from the law where the law sets one, otherwise from the order itself. */
export function orderDue(input: {
  authority: Authority;
  receivedAt: Date;
  statedDeadline?: Date | undefined;
  legalBasis: string;
}): OrderDue {
  const { authority, receivedAt, statedDeadline } = input;
  let order: AuthorityOrder;
  if (authority === "tco_authority") order = { type: "tco_removal_order", receivedAt };
  else if (authority === "offlimits") order = { type: "offlimits_notice", receivedAt };
  else if (authority === "atkm") {
    // ATKM sets the term in its order, at most 12 hours; an order without one gets the 12 hours.
    const hours = statedDeadline
      ? (statedDeadline.getTime() - receivedAt.getTime()) / 3_600_000
      : ATKM_MAX_HOURS;
    order = { type: "atkm_csam_order", receivedAt, termHours: hours > 0 ? hours : ATKM_MAX_HOURS };
  } else
    order = {
      type: "other_order",
      receivedAt,
      dueAt: statedDeadline ?? new Date(receivedAt.getTime() + ORDER_DEFAULT_TERM_HOURS * 3_600_000),
      legalBasis: statedDeadline
        ? `${input.legalBasis} (the term the order sets)`
        : `no term in the order: without undue delay (desk target ${ORDER_DEFAULT_TERM_HOURS} hours)`,
    };
  const d = orderDeadline(order);
  return {
    due_at: d.due_at,
    source: d.source,
    half_at: new Date(receivedAt.getTime() + (d.due_at.getTime() - receivedAt.getTime()) / 2),
  };
}

/** A deadline a person must correct before the order is recorded (an ATKM term over 12 hours is capped, not refused). */
export function checkStatedDeadline(receivedAt: Date, statedDeadline: Date | undefined): string | undefined {
  if (statedDeadline && statedDeadline.getTime() <= receivedAt.getTime())
    return "deadline_at lies before received_at; give the moment the order says it must be carried out by";
  return undefined;
}

/** What a case about the order is: terrorist content for TCO orders, CSAM for ATKM and Offlimits. */
export function categoryOfOrder(authority: Authority, given: Category | undefined): Category {
  if (given) return given;
  if (authority === "tco_authority") return "terrorist_content";
  if (authority === "atkm" || authority === "offlimits") return "csam";
  return "unlawful_content";
}

export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
}

/** The contact as stored (jsonb), read leniently. */
export function contactOf(stored: unknown): Contact {
  const c = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const out: Contact = {};
  if (typeof c.name === "string") out.name = c.name;
  if (typeof c.email === "string") out.email = c.email;
  if (typeof c.phone === "string") out.phone = c.phone;
  return out;
}
