/**
 * Deadline timers in the worker role (SPEC C7). The clocks are rows in `case_deadlines`, so they survive
 * any restart; a sweep escalates every clock that ran out to a supervisor. It runs once when a worker
 * starts (a deadline that passed while no process ran fires then) and every few seconds after that. Each
 * sweep takes the overdue clocks with SKIP LOCKED, so several workers never escalate one twice.
 *
 * The supervisor's message is sent by the communication part: escalation records a `case_notifications`
 * row and queues a `notify.supervisor` job for it after commit.
 */
import type { WorkerContext } from "../app.ts";
import { escalateOverdue, queueNotifications } from "./timers.store.ts";

export const NOTIFY_SUPERVISOR_QUEUE = "notify.supervisor";

/** One sweep: escalate what ran out, then queue the notifications (also those a crash left unqueued). */
export async function sweepDeadlines(ctx: Pick<WorkerContext, "conn" | "jobs" | "log">): Promise<number> {
  let escalated = 0;
  for (;;) {
    const batch = await escalateOverdue(ctx.conn.db);
    escalated += batch.length;
    if (batch.length < 500) break;
  }
  if (escalated > 0) ctx.log.info({ escalated }, "overdue deadlines escalated to a supervisor");
  while (
    (await queueNotifications(ctx.conn.db, async (n) => {
      await ctx.jobs.send(NOTIFY_SUPERVISOR_QUEUE, {
        notification: n.id,
        case_id: n.case_id,
        kind: n.kind,
        details: n.details,
      });
    })) === 500
  );
  return escalated;
}

export async function startCaseWorkers(ctx: WorkerContext): Promise<() => Promise<void>> {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return running;
    running = sweepDeadlines(ctx)
      .catch((err) => ctx.log.error({ err }, "deadline sweep failed; it runs again at the next interval"))
      .finally(() => {
        running = null;
      });
    return running;
  };
  await sweep();
  // Seconds between sweeps: ABUSEDESK_DEADLINE_SWEEP_SECONDS (tests use less).
  const timer = setInterval(sweep, ctx.services.config.deadlineSweepSeconds * 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
