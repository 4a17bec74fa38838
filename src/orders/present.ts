/** Presenters of orders: the deadline met or missed, the cases, measures, holds and provisions. */
import type { z } from "zod";
import { AUTHORITY_NAMES, contactOf } from "./deadlines.ts";
import type { OrderBundle, OrderRow } from "./orders.store.ts";
import type { OrderView } from "./schemas.ts";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Whether the order's term was met: executed in time, late, still open, or open past its term. */
export function deadlineState(
  o: Pick<OrderRow, "due_at" | "executed_at">,
  now: Date,
): { state: "open" | "overdue" | "met" | "missed"; met: boolean | null } {
  if (o.executed_at)
    return o.executed_at.getTime() <= o.due_at.getTime()
      ? { state: "met", met: true }
      : { state: "missed", met: false };
  return now.getTime() > o.due_at.getTime() ? { state: "overdue", met: false } : { state: "open", met: null };
}

export function presentOrder(o: OrderRow, now = new Date()): z.input<typeof OrderView> {
  const half = new Date(o.received_at.getTime() + (o.due_at.getTime() - o.received_at.getTime()) / 2);
  return {
    id: o.id,
    authority: o.authority,
    authority_name: AUTHORITY_NAMES[o.authority],
    reference: o.reference,
    received_at: iso(o.received_at),
    legal_basis: o.legal_basis,
    subjects: o.subjects,
    requested: o.requested,
    category: o.category,
    gag: o.gag,
    contact: contactOf(o.contact),
    report_id: o.report_id,
    created_by: o.created_by,
    created_at: iso(o.created_at),
    deadline: {
      due_at: iso(o.due_at),
      source: o.deadline_source,
      stated: isoOrNull(o.stated_deadline_at),
      half_term_at: iso(half),
      ...deadlineState(o, now),
    },
    executed_at: isoOrNull(o.executed_at),
    took_seconds: o.executed_at
      ? Math.max(0, Math.round((o.executed_at.getTime() - o.received_at.getTime()) / 1000))
      : null,
    unresolved: o.unresolved,
  };
}

export function presentOrderBundle(b: OrderBundle, now = new Date()): z.input<typeof OrderView> {
  return {
    ...presentOrder(b.order, now),
    cases: b.cases.map((c) => ({
      id: c.id,
      brand: c.brand_id,
      customer: c.customer_id ? { id: c.customer_id, name: c.customer_name ?? c.customer_id } : null,
      state: c.state,
      gag: c.gag,
    })),
    actions: b.actions.map((a) => ({
      id: a.id,
      case_id: a.case_id,
      step: a.step,
      state: a.state,
      done_at: isoOrNull(a.done_at),
    })),
    holds: b.holds.map((h) => ({
      id: h.id,
      case_id: h.case_id,
      customer_id: h.customer_id,
      subjects: h.subjects,
      legal_basis: h.legal_basis,
      held_from: iso(h.held_from),
      held_until: isoOrNull(h.held_until),
      active: h.released_at === null && (h.held_until === null || h.held_until.getTime() > now.getTime()),
      released_at: isoOrNull(h.released_at),
      released_by: h.released_by,
      release_reason: h.release_reason,
    })),
    provisions: b.provisions.map((p) => ({
      id: p.id,
      case_id: p.case_id,
      action_id: p.action_id,
      what: p.what,
      given_to: p.given_to,
      legal_basis: p.legal_basis,
      given_at: iso(p.given_at),
      recorded_by: p.recorded_by,
    })),
  };
}
