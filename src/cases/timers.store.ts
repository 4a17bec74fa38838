/**
 * The SQL of the deadline timers: overdue clocks are found with SKIP LOCKED, so any number of workers can
 * sweep at once and each overdue clock escalates exactly once.
 */
import { sql } from "kysely";
import type { AuditEntry } from "../audit.ts";
import { appendAuditBatch } from "../audit.ts";
import { FINISHED_STATES_SQL } from "../db/case-states.ts";
import type { DB } from "../db/index.ts";
import { AUTOMATIC_DEADLINES } from "./clocks.ts";

export const TIMER_ACTOR = "system:deadlines";

export interface Escalation {
  notification: number;
  case_id: number;
  deadline_id: number;
  name: string;
  due_at: Date;
  source: string;
  brand_id: string;
  owner_id: number | null;
}

/**
 * Escalates clocks that ran out (at most `limit`): marks the clock and the case, writes the audit entry
 * and the supervisor notification, all in one transaction.
 */
export async function escalateOverdue(db: DB, limit = 500): Promise<Escalation[]> {
  return db.transaction().execute(async (trx) => {
    const { rows: due } = await sql<Omit<Escalation, "notification">>`
      select d.id as deadline_id, d.case_id, d.name, d.due_at, d.source, c.brand_id, c.owner_id
      from case_deadlines d join cases c on c.id = d.case_id
      where d.met_at is null and d.escalated_at is null and d.due_at <= now()
        and d.name <> all(${AUTOMATIC_DEADLINES}::text[])
        and c.state not in ${FINISHED_STATES_SQL}
      order by d.due_at
      limit ${limit}
      for update of d skip locked`.execute(trx);
    if (due.length === 0) return [];
    const deadlineIds = due.map((d) => d.deadline_id);
    const caseIds = [...new Set(due.map((d) => d.case_id))];
    await sql`update case_deadlines set escalated_at = now() where id = any(${deadlineIds}::bigint[])`.execute(
      trx,
    );
    await sql`update cases set escalated = true where id = any(${caseIds}::bigint[])`.execute(trx);
    const { rows: notes } = await sql<{ id: number; deadline_id: number }>`
      insert into case_notifications (case_id, deadline_id, kind, details)
      select * from unnest(${due.map((d) => d.case_id)}::bigint[], ${deadlineIds}::bigint[],
        ${due.map(() => "supervisor_escalation")}::text[],
        ${due.map((d) => JSON.stringify({ deadline: d.name, due_at: d.due_at, source: d.source, brand: d.brand_id, owner_id: d.owner_id }))}::jsonb[])
      returning id, deadline_id`.execute(trx);
    const noteOf = new Map(notes.map((n) => [n.deadline_id, n.id]));
    const audit: AuditEntry[] = due.map((d) => ({
      actor: TIMER_ACTOR,
      action: "case.escalate",
      subjectType: "case",
      subjectId: d.case_id,
      details: {
        deadline: d.name,
        due_at: d.due_at.toISOString(),
        source: d.source,
        notification: noteOf.get(d.deadline_id),
      },
    }));
    await appendAuditBatch(trx, audit);
    return due.map((d) => ({ ...d, notification: noteOf.get(d.deadline_id) ?? 0 }));
  });
}

export interface PendingNotification {
  id: number;
  case_id: number;
  kind: string;
  details: unknown;
}

/**
 * Hands unqueued notifications to `send` and marks them queued. A crash between the two sends one again:
 * the receiver deduplicates by notification id.
 */
export async function queueNotifications(
  db: DB,
  send: (n: PendingNotification) => Promise<void>,
  limit = 500,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<PendingNotification>`
      select id, case_id, kind, details from case_notifications
      where queued_at is null order by id limit ${limit} for update skip locked`.execute(trx);
    for (const n of rows) await send(n);
    if (rows.length > 0)
      await sql`update case_notifications set queued_at = now()
        where id = any(${rows.map((r) => r.id)}::bigint[])`.execute(trx);
    return rows.length;
  });
}
