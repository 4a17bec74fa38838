/** Presenters: action, call and notification rows to the JSON of the API; no row leaks as it is. */
import type { z } from "zod";
import type { StoredEntry } from "../audit.ts";
import type { CallRow, ListedAction } from "./actions.store.ts";
import { isLasting } from "./lifecycle.ts";
import type { NotificationRow } from "./notifications.store.ts";
import type { ActionView, CallView, NotificationView } from "./schemas.ts";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function presentCall(c: CallRow | undefined): z.input<typeof CallView> | null {
  if (!c) return null;
  return {
    idempotency_key: c.idempotency_key,
    connector: c.connector,
    by_hand: c.connector === null || c.done_by !== null,
    state: c.state,
    attempts: c.attempts,
    next_attempt_at: c.state === "queued" ? iso(c.next_attempt_at) : null,
    last_status: c.last_status,
    last_error: c.last_error,
    answer: c.answer,
    requested_by: c.requested_by,
    reason: c.reason,
    created_at: iso(c.created_at),
    started_at: isoOrNull(c.started_at),
    finished_at: isoOrNull(c.finished_at),
    done_by: c.done_by,
    note: c.note,
  };
}

export function presentAction(
  a: ListedAction,
  calls: readonly CallRow[],
  history?: readonly StoredEntry[],
): z.input<typeof ActionView> {
  const call = calls.find((c) => c.action_id === a.id && !c.undo);
  const undo = calls.find((c) => c.action_id === a.id && c.undo);
  return {
    id: a.id,
    case_id: a.case_id,
    brand: a.brand_id,
    customer: a.customer_id ? { id: a.customer_id, name: a.customer_name ?? a.customer_id } : null,
    step: a.step as z.input<typeof ActionView>["step"],
    proposed_step: a.proposed_step,
    state: a.state as z.input<typeof ActionView>["state"],
    requested_by: a.actor,
    approved_by: a.approved_by,
    reason: a.reason,
    note: a.note,
    params: a.params,
    clause:
      a.clause_document && a.clause_article && a.clause_quote
        ? { document: a.clause_document, article: a.clause_article, quote: a.clause_quote }
        : null,
    order_id: a.order_id,
    gagged: a.gag,
    created_at: iso(a.created_at),
    approved_at: isoOrNull(a.approved_at),
    done_at: isoOrNull(a.done_at),
    undone_at: isoOrNull(a.undone_at),
    lift_at: a.state === "done" ? isoOrNull(a.lift_at) : null,
    closed:
      a.closed_at && a.closed_by ? { by: a.closed_by, reason: a.closed_reason, at: iso(a.closed_at) } : null,
    undoable: a.state === "done" && isLasting(a.step) && !undo,
    execution: presentCall(call),
    undo: presentCall(undo),
    ...(history
      ? {
          history: history.map((e) => ({
            at: iso(e.at),
            actor: e.actor,
            action: e.action,
            details: e.details,
          })),
        }
      : {}),
  };
}

function summaryOf(n: NotificationRow): string {
  const d = (n.details ?? {}) as Record<string, unknown>;
  if (n.kind === "measure_failed")
    return `${d.undo ? "undoing " : ""}${String(d.step ?? "a measure")} (action ${String(d.action ?? "?")}) failed${d.connector ? ` at connector ${String(d.connector)}` : ""}: ${String(d.error ?? "")}`;
  return `case ${n.case_id} escalated: ${String(d.deadline ?? "a deadline")} was due ${String(d.due_at ?? "")}${d.source ? ` (${String(d.source)})` : ""}`;
}

export function presentNotification(n: NotificationRow): z.input<typeof NotificationView> {
  return {
    id: n.id,
    kind: n.kind,
    case: {
      id: n.case_id,
      brand: n.brand_id,
      kind: n.case_kind,
      state: n.case_state,
      customer: n.customer_id ? { id: n.customer_id, name: n.customer_name ?? n.customer_id } : null,
    },
    summary: summaryOf(n),
    details: n.details,
    created_at: iso(n.created_at),
    delivered_at: isoOrNull(n.sent_at),
    read: n.read_at ? { by: n.read_by, at: iso(n.read_at) } : null,
    acknowledged: n.acknowledged_at
      ? { by: n.acknowledged_by, at: iso(n.acknowledged_at), note: n.acknowledge_note }
      : null,
  };
}
