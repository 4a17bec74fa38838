/**
 * The seam through which measures, orders and escalations reach people by message. `src/app.ts` passes
 * one in: the desk's default is `alongTimeline(createMessageNotifier(...))`, a line on the case's timeline
 * and a message through the outbox (src/messages/outbox.ts); tests may pass the timeline alone. Every method is called inside the transaction that decided
 * what it reports, so a message is queued if and only if the decision commits.
 *
 * - `measureDone` / `measureUndone` are for the customer: they are NEVER called for a gagged case (an
 *   authority's order forbids telling the customer anything). They get every measure one transaction
 *   finished (a worker finishes a batch at once), one event per measure, never an empty list.
 * - `orderExecuted` is for the authority: proof of execution, with the time it took.
 * - `escalated` is for the brand's supervisors.
 */
import type { Transaction } from "kysely";
import { type AuditEntry, appendAudit, appendAuditBatch } from "../audit.ts";
import type { Database } from "../db/schema.ts";
import type { Step } from "../policy/steps.ts";

type Trx = Transaction<Database>;

export interface NotifiedCase {
  id: number;
  brand: string;
  kind: string;
  customer: { id: string; name: string } | null;
}

export interface MeasureEvent {
  case: NotifiedCase;
  action: {
    id: number;
    step: Step;
    /** The connector that carried it out; null when a person did. */
    connector: string | null;
    at: Date;
    /** Why (the person's note when done by hand, the reason of an undo). */
    note: string | null;
  };
}

export interface OrderExecutedEvent {
  order: {
    id: number;
    authority: string;
    reference: string;
    legal_basis: string;
    contact: { name?: string; email?: string; phone?: string };
    received_at: Date;
    due_at: Date;
  };
  executed_at: Date;
  /** From receipt of the order to the last measure done. */
  took_seconds: number;
  deadline_met: boolean;
  actions: { id: number; case_id: number; step: Step; done_at: Date }[];
}

export interface EscalationEvent {
  notification: number;
  kind: "supervisor_escalation" | "measure_failed";
  case: NotifiedCase;
  details: Record<string, unknown>;
}

export interface MeasureNotifier {
  measureDone(trx: Trx, events: readonly MeasureEvent[]): Promise<void>;
  measureUndone(trx: Trx, events: readonly MeasureEvent[]): Promise<void>;
  orderExecuted(trx: Trx, event: OrderExecutedEvent): Promise<void>;
  escalated(trx: Trx, event: EscalationEvent): Promise<void>;
}

/** Who the audit log names for what the default notifier records. */
export const NOTIFIER_ACTOR = "system:notifier";

const told = (action: string, e: MeasureEvent): AuditEntry => ({
  actor: NOTIFIER_ACTOR,
  action,
  subjectType: "case",
  subjectId: e.case.id,
  details: {
    action: e.action.id,
    step: e.action.step,
    to: "customer",
    customer: e.case.customer?.id ?? null,
  },
});

/** The default: a line on the case's timeline (and the order's) saying who would be told what. */
export const timelineNotifier: MeasureNotifier = {
  async measureDone(trx, events) {
    await appendAuditBatch(
      trx,
      events.map((e) => told("notify.measure_done", e)),
    );
  },
  async measureUndone(trx, events) {
    await appendAuditBatch(
      trx,
      events.map((e) => told("notify.measure_undone", e)),
    );
  },
  async orderExecuted(trx, e) {
    const details = {
      order: e.order.id,
      to: "authority",
      authority: e.order.authority,
      reference: e.order.reference,
      took_seconds: e.took_seconds,
      deadline_met: e.deadline_met,
    };
    await appendAudit(trx, {
      actor: NOTIFIER_ACTOR,
      action: "notify.order_executed",
      subjectType: "order",
      subjectId: e.order.id,
      details,
    });
    for (const caseId of new Set(e.actions.map((a) => a.case_id)))
      await appendAudit(trx, {
        actor: NOTIFIER_ACTOR,
        action: "notify.order_executed",
        subjectType: "case",
        subjectId: caseId,
        details,
      });
  },
  async escalated(trx, e) {
    await appendAudit(trx, {
      actor: NOTIFIER_ACTOR,
      action: "notify.escalated",
      subjectType: "case",
      subjectId: e.case.id,
      details: { notification: e.notification, kind: e.kind, to: "supervisors", brand: e.case.brand },
    });
  },
};

/** Records on the timeline, then lets `next` tell the people (both inside the same transaction). */
export function alongTimeline(next: MeasureNotifier): MeasureNotifier {
  return {
    async measureDone(trx, events) {
      await timelineNotifier.measureDone(trx, events);
      await next.measureDone(trx, events);
    },
    async measureUndone(trx, events) {
      await timelineNotifier.measureUndone(trx, events);
      await next.measureUndone(trx, events);
    },
    async orderExecuted(trx, event) {
      await timelineNotifier.orderExecuted(trx, event);
      await next.orderExecuted(trx, event);
    },
    async escalated(trx, event) {
      await timelineNotifier.escalated(trx, event);
      await next.escalated(trx, event);
    },
  };
}
