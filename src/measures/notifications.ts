/**
 * Escalation reaches people (SPEC C7, C10): the `notify.supervisor` jobs that the deadline sweep queues
 * (and the failures of measures) are delivered here, once per notification, through the notifier seam;
 * supervisors read and acknowledge them in the list. The escalated case itself leads the queue
 * (cases.queue_rank).
 */
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { decide } from "../db/decide.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { MeasureDeps } from "./actions.ts";
import {
  lockNotification,
  markAcknowledged,
  markDelivered,
  markRead,
  type NotificationRow,
} from "./notifications.store.ts";

/** Delivers one notification to the supervisors (the notifier); a second delivery of it does nothing. */
export async function deliverNotification(
  deps: Pick<MeasureDeps, "db" | "notifier">,
  id: number,
): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const n = await lockNotification(trx, id);
    if (!n || n.sent_at) return false;
    await markDelivered(trx, id);
    await deps.notifier.escalated(trx, {
      notification: n.id,
      kind: n.kind,
      case: {
        id: n.case_id,
        brand: n.brand_id,
        kind: n.case_kind,
        customer: n.customer_id ? { id: n.customer_id, name: n.customer_name ?? n.customer_id } : null,
      },
      details: (n.details ?? {}) as Record<string, unknown>,
    });
    return true;
  });
}

async function change(
  deps: Pick<MeasureDeps, "db">,
  actor: Actor,
  id: number,
  what: "read" | "acknowledge",
  note: string | null,
): Promise<Result<NotificationRow>> {
  return decide(deps.db, async (trx) => {
    const n = await lockNotification(trx, id);
    if (!n) return fail(404, `there is no notification ${id}`);
    if (what === "read") {
      if (!n.read_at) await markRead(trx, id, actor.name);
    } else {
      if (n.acknowledged_at)
        return fail(409, `notification ${id} was acknowledged already by ${n.acknowledged_by}`);
      await markAcknowledged(trx, id, { name: actor.name, userId: actor.userId }, note);
      await appendAudit(trx, {
        actor: actor.name,
        action: "notification.acknowledge",
        subjectType: "case",
        subjectId: n.case_id,
        details: { notification: id, kind: n.kind, note },
      });
    }
    return ok((await lockNotification(trx, id))!);
  });
}

/** A supervisor saw it. */
export function readNotification(deps: Pick<MeasureDeps, "db">, actor: Actor, id: number) {
  return change(deps, actor, id, "read", null);
}

/** A supervisor takes care of it (audited on the case, with the note). */
export function acknowledgeNotification(
  deps: Pick<MeasureDeps, "db">,
  actor: Actor,
  id: number,
  input: { note?: string | undefined },
) {
  return change(deps, actor, id, "acknowledge", input.note?.trim() || null);
}
