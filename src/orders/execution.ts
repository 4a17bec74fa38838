/**
 * What happens to an order as its measures are done (SPEC C12): once every measure it demanded is done,
 * the order is executed, its legal clock is met, and the authority gets its confirmation through the
 * notifier with the time it took. Data given to an authority is recorded: what, to whom, on which basis.
 * Called by the measures part inside the transaction that finished a measure.
 */
import type { Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import type { Database } from "../db/schema.ts";
import type { MeasureNotifier } from "../measures/notifier.ts";
import type { Step } from "../policy/steps.ts";
import { contactOf } from "./deadlines.ts";
import {
  insertProvision,
  lockOrder,
  markOrderExecuted,
  meetOrderDeadlines,
  orderActions,
} from "./orders.store.ts";

type Trx = Transaction<Database>;

/** Action states that no longer count towards an order: a person decided not to carry the step out. */
const DROPPED = ["refused", "cancelled"];

/** Records the order's progress after one of its actions changed; executed when every measure is done. */
export async function recordOrderProgress(
  trx: Trx,
  notifier: MeasureNotifier,
  orderId: number | null,
): Promise<void> {
  if (orderId === null) return;
  const order = await lockOrder(trx, orderId);
  if (!order || order.executed_at) return;
  const actions = (await orderActions(trx, orderId)).filter((a) => !DROPPED.includes(a.state));
  if (actions.length === 0 || actions.some((a) => a.state !== "done" && a.state !== "undone")) return;
  const doneAt = actions.map((a) => a.done_at?.getTime() ?? 0);
  const executedAt = new Date(Math.max(...doneAt));
  const tookSeconds = Math.max(0, Math.round((executedAt.getTime() - order.received_at.getTime()) / 1000));
  const met = executedAt.getTime() <= order.due_at.getTime();
  await markOrderExecuted(trx, orderId, executedAt);
  await meetOrderDeadlines(trx, [...new Set(actions.map((a) => a.case_id))], executedAt);
  await appendAudit(trx, {
    actor: "system:orders",
    action: "order.executed",
    subjectType: "order",
    subjectId: orderId,
    details: {
      executed_at: executedAt.toISOString(),
      due_at: order.due_at.toISOString(),
      took_seconds: tookSeconds,
      deadline_met: met,
    },
  });
  await notifier.orderExecuted(trx, {
    order: {
      id: order.id,
      authority: order.authority,
      reference: order.reference,
      legal_basis: order.legal_basis,
      contact: contactOf(order.contact),
      received_at: order.received_at,
      due_at: order.due_at,
    },
    executed_at: executedAt,
    took_seconds: tookSeconds,
    deadline_met: met,
    actions: actions.map((a) => ({
      id: a.id,
      case_id: a.case_id,
      step: a.step as Step,
      done_at: a.done_at ?? executedAt,
    })),
  });
}

/** Data given to an authority: what, to whom, on which legal basis (the order's, unless another is named). */
export async function recordProvision(
  trx: Trx,
  actor: Actor,
  caseId: number,
  action: { id: number; order_id: number | null; clause_article: string | null },
  provision: { what: string; given_to: string; legal_basis?: string | undefined },
): Promise<number> {
  const order = action.order_id ? await lockOrder(trx, action.order_id) : undefined;
  const basis = provision.legal_basis?.trim() || order?.legal_basis || action.clause_article || "not stated";
  const id = await insertProvision(trx, {
    order_id: action.order_id,
    case_id: caseId,
    action_id: action.id,
    what: provision.what,
    given_to: provision.given_to,
    legal_basis: basis,
    recorded_by: actor.name,
    recorded_by_user: actor.userId,
  });
  await appendAudit(trx, {
    actor: actor.name,
    action: "case.data_provided",
    subjectType: "case",
    subjectId: caseId,
    details: {
      provision: id,
      action: action.id,
      order: action.order_id,
      what: provision.what,
      given_to: provision.given_to,
      legal_basis: basis,
    },
  });
  return id;
}
