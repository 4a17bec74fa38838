/** Presenters: database rows to the JSON of the API (ARCHITECTURE.md "The contract"); no row leaks as it is. */
import type { z } from "zod";
import type { StoredEntry } from "../audit.ts";
import { describeMessageEntry } from "../messages/present.ts";
import type { CustomerHistory, Proposal } from "../policy/engine.ts";
import type { CaseBundle, CaseFilter, QueueRow } from "./cases.store.ts";
import { readAgentFacts } from "./facts.ts";
import type { CaseFilterSchema, CaseListItem, CaseView } from "./schemas.ts";
import { allowedTransitions } from "./states.ts";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toFilter(q: z.output<typeof CaseFilterSchema>): CaseFilter {
  return {
    ...(q.state !== undefined ? { states: q.state } : {}),
    ...(q.brand ? { brand: q.brand } : {}),
    ...(q.customer ? { customer: q.customer } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.due_before ? { dueBefore: new Date(q.due_before) } : {}),
    ...(q.q ? { q: q.q } : {}),
    ...(q.owner !== undefined ? { owner: q.owner } : {}),
    ...(q.escalated ? { escalated: q.escalated === "true" } : {}),
    ...(q.needs_classification ? { needsClassification: q.needs_classification === "true" } : {}),
    ...(q.awaiting_approval ? { awaitingApproval: q.awaiting_approval === "true" } : {}),
    ...(q.unassigned ? { unassigned: q.unassigned === "true" } : {}),
  };
}

export function presentListItem(r: QueueRow): z.input<typeof CaseListItem> {
  return {
    id: r.id,
    brand: r.brand_id,
    customer: r.customer_id ? { id: r.customer_id, name: r.customer_name ?? r.customer_id } : null,
    category: r.category,
    kind: r.kind,
    state: r.state,
    priority: r.priority,
    owner: r.owner_id && r.owner_email ? { id: r.owner_id, email: r.owner_email } : null,
    escalated: r.escalated,
    needs_classification: r.needs_classification,
    event_count: r.event_count,
    subject_count: r.subject_count,
    subjects: r.top_subjects,
    next_deadline: r.next_deadline
      ? {
          name: r.next_deadline.name,
          due_at: iso(new Date(r.next_deadline.due_at)),
          source: r.next_deadline.source,
        }
      : null,
    opened_at: iso(r.opened_at),
    updated_at: iso(r.updated_at),
    last_event_at: isoOrNull(r.last_event_at),
    merged_into: r.merged_into,
  };
}

function presentProposal(p: Proposal | null) {
  if (!p) return null;
  return {
    step: p.step,
    clause: p.clause,
    reasoning: p.reasoning,
    rule: p.rule,
    ...(p.basis ? { basis: p.basis } : {}),
    needs_approval: p.needs_approval,
    ...(p.waiting_until ? { waiting_until: iso(p.waiting_until) } : {}),
  };
}

/** One line a person reads on the timeline. */
export function describeEntry(e: Pick<StoredEntry, "action" | "details">): string {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const why = typeof d.reason === "string" && d.reason ? ` (reason: ${d.reason})` : "";
  switch (e.action) {
    case "case.open":
      return d.split_from
        ? `opened by splitting case ${d.split_from}: ${d.events} events`
        : `opened with ${d.events} event(s)`;
    case "case.transition":
      return `state ${d.from ?? "?"} → ${d.to}${why}`;
    case "case.action":
      return `${d.awaiting_approval ? "asked for" : "took"} step ${d.step}${d.deviates ? ` instead of the proposed ${d.proposed_step}` : ""}${why}`;
    case "case.action.approve":
      return `approved step ${d.step} asked for by ${d.requested_by}`;
    case "case.note":
      return `added a${d.visibility === "shared" ? " shared" : "n internal"} note`;
    case "case.assign":
      return d.to ? `assigned to ${d.to}${why}` : `unassigned${why}`;
    case "case.facts":
      return `recorded facts: ${JSON.stringify(d.set)}${why}`;
    case "case.merge":
      return `merged cases ${(d.from as number[] | undefined)?.join(", ")} into this one${why}`;
    case "case.merged":
      return `merged into case ${d.into}${why}`;
    case "case.split":
      return `split ${(d.subjects as string[] | undefined)?.length ?? 0} subject(s) off into case ${d.new_case}${why}`;
    case "case.classify":
      return d.events
        ? `classified ${d.events} event(s)${d.source_category ? ` labelled "${d.source_category}"` : ""} as ${d.to}${Array.isArray(d.into) && d.into.length ? `, filed into case ${d.into.join(", ")}` : ""}${d.closed ? "; this case is closed" : ""}${why}`
        : `confirmed the category ${d.to}${why}`;
    case "case.escalate":
      return `escalated to a supervisor: ${d.deadline} was due ${d.due_at}`;
    case "case.action.refuse":
      return `refused step ${d.step} asked for by ${d.requested_by}${why}`;
    case "case.action.cancel":
      return `cancelled step ${d.step} (action ${d.action})${why}`;
    case "case.action.retry":
      return `retried ${d.undo ? "undoing " : ""}step ${d.step} (action ${d.action}) with the same key`;
    case "case.action.undo":
      return `asked to undo step ${d.step} (action ${d.action})${d.connector ? ` through ${d.connector}` : " by hand"}${why}`;
    case "case.action.done":
      return `step ${d.step} done (action ${d.action})${d.by_hand ? ` by hand: ${d.note}` : d.connector ? ` by ${d.connector}` : ""}`;
    case "case.action.undone":
      return `step ${d.step} undone (action ${d.action})${d.by_hand ? ` by hand: ${d.note}` : d.connector ? ` by ${d.connector}` : ""}`;
    case "case.action.failed":
      return `step ${d.step} failed (action ${d.action}): ${d.error}`;
    case "case.action.undo_failed":
      return `undoing step ${d.step} failed (action ${d.action}): ${d.error}`;
    case "case.complied":
      return `the customer complied; measures lifted: ${(d.undoing as number[] | undefined)?.length ?? 0}${why}`;
    case "case.order":
      return `authority order ${d.order} (${d.reference})${d.gag ? ", gagged: nothing goes to the customer" : ""}`;
    case "case.hold":
      return `data held for order ${d.order}${d.held_until ? ` until ${d.held_until}` : " until released"}`;
    case "case.data_provided":
      return `data provided to ${d.given_to} (${d.legal_basis})`;
    case "notify.measure_done":
    case "notify.measure_undone":
      return `the customer is told that step ${d.step} was ${e.action === "notify.measure_done" ? "done" : "undone"}`;
    case "notify.order_executed":
      return `the authority is told that order ${d.order} was carried out (${d.took_seconds} s, ${d.deadline_met ? "in time" : "late"})`;
    case "notify.escalated":
      return `the supervisors are told (${d.kind})`;
    case "notification.acknowledge":
      return `a supervisor acknowledged notification ${d.notification}${d.note ? `: ${d.note}` : ""}`;
    case "message.queued":
    case "message.sent":
    case "message.received":
    case "message.failed":
    case "message.bounced":
    case "message.withheld":
    case "message.delayed":
    case "message.retry":
      return describeMessageEntry(e.action, d);
    default:
      return e.action;
  }
}

export function presentCase(
  b: CaseBundle,
  assessment: { proposal: Proposal | null; history: CustomerHistory; note?: string },
  now = new Date(),
): Omit<z.input<typeof CaseView>, "messages" | "contact_problems"> {
  const k = b.kase;
  const customer = b.customer ? { id: b.customer.id, name: b.customer.name } : null;
  const timeline: z.input<typeof CaseView>["timeline"] = [
    ...b.trail.map((e) => ({
      at: iso(e.at),
      type: "audit" as const,
      actor: e.actor,
      action: e.action,
      summary: describeEntry(e),
      details: e.details,
    })),
    ...b.notes.map((n) => ({
      at: iso(n.created_at),
      type: "note" as const,
      actor: n.author_email ?? null,
      action: `note.${n.visibility}`,
      summary: n.body.length > 200 ? `${n.body.slice(0, 200)}…` : n.body,
      details: { note: n.id },
    })),
    ...b.reports.map((r) => ({
      at: iso(new Date(r.received_at as unknown as string | Date)),
      type: "report" as const,
      actor: null,
      action: "events.received",
      summary: `${r.n} event(s) from report ${r.report_id}`,
      details: { report_id: r.report_id, events: Number(r.n) },
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  return {
    id: k.id,
    brand: k.brand_id,
    customer,
    category: k.category,
    kind: k.kind,
    state: k.state,
    allowed_transitions: [...allowedTransitions(k.state)],
    priority: k.priority,
    owner: b.owner ? { id: b.owner.id, email: b.owner.email, name: b.owner.name } : null,
    escalated: k.escalated,
    needs_classification: k.needs_classification,
    subjects: b.subjects.map((s) => s.value),
    subject_details: b.subjects.map((s) => ({
      kind: s.kind,
      value: s.value,
      event_count: s.event_count,
      first_seen_at: iso(s.first_seen_at),
      last_seen_at: iso(s.last_seen_at),
    })),
    subject_count: k.subject_count,
    event_count: k.event_count,
    opened_at: iso(k.opened_at),
    updated_at: iso(k.updated_at),
    first_event_at: isoOrNull(k.first_event_at),
    last_event_at: isoOrNull(k.last_event_at),
    closed_at: isoOrNull(k.closed_at),
    merged_into: k.merged_into,
    facts: readAgentFacts(k.facts),
    deadlines: b.deadlines.map((d) => ({
      name: d.name,
      due_at: iso(d.due_at),
      source: d.source,
      met_at: isoOrNull(d.met_at),
      escalated_at: isoOrNull(d.escalated_at),
      overdue: d.met_at === null && d.due_at.getTime() < now.getTime(),
    })),
    proposal: presentProposal(assessment.proposal),
    ...(assessment.note ? { proposal_note: assessment.note } : {}),
    actions: b.actions.map((a) => ({
      id: a.id,
      step: a.step,
      proposed_step: a.proposed_step,
      state: a.state,
      actor: a.actor,
      approved_by: a.approved_by,
      reason: a.reason,
      note: a.note,
      params: a.params,
      clause:
        a.clause_document && a.clause_article && a.clause_quote
          ? { document: a.clause_document, article: a.clause_article, quote: a.clause_quote }
          : null,
      created_at: iso(a.created_at),
      approved_at: isoOrNull(a.approved_at),
      done_at: isoOrNull(a.done_at),
    })),
    notes: b.notes.map((n) => ({
      id: n.id,
      visibility: n.visibility,
      body: n.body,
      author: n.author_email ?? null,
      created_at: iso(n.created_at),
    })),
    events: {
      total: k.event_count,
      shown: b.events.length,
      by_category: b.byCategory.map((c) => ({ category: c.category, count: Number(c.n) })),
      reports: b.reports.map((r) => ({
        report_id: r.report_id,
        received_at: iso(new Date(r.received_at as unknown as string | Date)),
        count: Number(r.n),
      })),
      items: b.events.map((e) => ({
        id: e.id,
        category: e.category,
        kind: e.kind,
        subject: {
          ip: e.subject_ip,
          port: e.subject_port,
          url: e.subject_url,
          domain: e.subject_domain,
          email: e.subject_email,
          phone: e.subject_phone,
        },
        occurred_at: isoOrNull(e.occurred_at),
        received_at: iso(e.received_at),
        report_id: e.report_id,
        customer,
        resolution: e.resolution,
        case_id: e.case_id,
      })),
    },
    customer_history: {
      cases: assessment.history.cases.map((c) => ({
        id: Number(c.caseId),
        category: c.category,
        kind: c.kind,
        opened_at: iso(c.openedAt),
        founded: c.founded ?? true,
        actions: c.actions.map((a) => ({ step: a.step, at: iso(a.at) })),
      })),
    },
    timeline,
  };
}
