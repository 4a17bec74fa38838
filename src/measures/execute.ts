/**
 * The worker side of measures: a `measure.execute` job makes one attempt of a call through its connector
 * and records what came of it; the sweep makes again the calls whose worker died mid-call (same key, same
 * body), sends again jobs that were lost, and lifts measures whose term ran out; `notify.supervisor` jobs
 * are delivered to the supervisors. Every handler is safe to run twice: a call is taken by one worker at a
 * time, and its outcome is recorded only by the worker that still holds it.
 */

import type { WorkerContext } from "../app.ts";
import { SYSTEM } from "../auth/auth.store.ts";
import { withCase } from "../cases/commands.ts";
import { NOTIFY_SUPERVISOR_QUEUE } from "../cases/timers.ts";
import { ok } from "../errors.ts";
import {
  claimCall,
  dueLifts,
  lockAction,
  lockHeldCall,
  overdueQueuedCalls,
  requeueExpired,
  updateCall,
} from "./actions.store.ts";
import {
  completeCall,
  EXECUTE_QUEUE,
  failCall,
  liftExpired,
  type MeasureDeps,
  measureDeps,
  sendCalls,
} from "./actions.ts";
import { type CallOutcome, callConnector } from "./connectors/index.ts";
import { retryDelaySeconds } from "./lifecycle.ts";
import { deliverNotification } from "./notifications.ts";
import type { CallPayload } from "./payload.ts";

/** Who the audit log names for what the measures workers do. */
export const MEASURES_ACTOR = { ...SYSTEM, name: "system:measures" };

/** A queued call whose job has not run this long after it was due is sent again (its job may be lost). */
export const LOST_JOB_SECONDS = 60;

/** Jobs a worker takes at once; they run side by side (each is one call). */
const BATCH = 50;

export type AttemptOutcome = "done" | "retrying" | "failed" | "not_taken" | "lost";

/** One attempt of call `callId`: take it, call the connector, record the outcome. */
export async function executeCall(deps: MeasureDeps, callId: number): Promise<AttemptOutcome> {
  const connectorOf = await deps.db
    .selectFrom("measure_calls")
    .select("connector")
    .where("id", "=", callId)
    .executeTakeFirst();
  if (!connectorOf) return "not_taken";
  const claimed = await claimCall(deps.db, callId, deps.connectors.leaseSeconds(connectorOf.connector));
  if (!claimed) return "not_taken";
  const config = claimed.connector ? deps.connectors.get(claimed.connector) : undefined;
  let outcome: CallOutcome;
  if (!config)
    outcome = {
      ok: false,
      retry: false,
      error: `the connector "${claimed.connector}" that this call goes to is no longer in the connectors file; put it back, or do the step by hand and mark it done`,
    };
  else
    try {
      outcome = await callConnector(
        config,
        {
          key: claimed.idempotency_key,
          body: claimed.body,
          payload: JSON.parse(claimed.body) as CallPayload,
          attempt: claimed.attempts,
        },
        { db: deps.db, log: deps.log },
      );
    } catch (err) {
      outcome = { ok: false, retry: true, error: `the connector failed: ${(err as Error).message}` };
    }
  let retryAt: Date | undefined;
  const recorded = await withCase(deps.db, claimed.case_id, async (trx, kase) => {
    const action = await lockAction(trx, claimed.action_id);
    const call = await lockHeldCall(trx, claimed.id, claimed.attempts);
    // Another worker took the call over (this one was thought dead): its outcome counts, not ours.
    if (!action || !call) return ok<AttemptOutcome>("lost");
    if (outcome.ok) {
      await completeCall(trx, deps, kase, action, call, {
        by: MEASURES_ACTOR.name,
        byHand: false,
        note: null,
        answer: outcome.answer,
        status: outcome.status ?? null,
      });
      return ok<AttemptOutcome>("done");
    }
    const retry = config?.retry;
    if (outcome.retry && retry && claimed.attempts < retry.attempts) {
      retryAt = new Date(
        Date.now() +
          retryDelaySeconds(claimed.attempts, retry.backoff_seconds, retry.max_backoff_seconds) * 1000,
      );
      await updateCall(trx, call.id, {
        state: "queued",
        next_attempt_at: retryAt,
        lease_until: null,
        last_status: outcome.status ?? null,
        last_error: outcome.error,
        answer: outcome.answer ?? null,
      });
      return ok<AttemptOutcome>("retrying");
    }
    await failCall(
      trx,
      kase,
      action,
      call,
      { error: outcome.error, status: outcome.status ?? null, answer: outcome.answer ?? null },
      MEASURES_ACTOR.name,
    );
    return ok<AttemptOutcome>("failed");
  });
  if (!recorded.ok) {
    deps.log.error(
      { call: callId, error: recorded.error },
      "the outcome of a measure call could not be recorded",
    );
    return "lost";
  }
  if (retryAt && deps.jobs)
    await deps.jobs
      .send(EXECUTE_QUEUE, { call: callId }, { startAfter: retryAt })
      .catch((err) => deps.log.error({ err, call: callId }, "queueing a retry failed; the sweep queues it"));
  if (recorded.value !== "done")
    deps.log.warn(
      { call: callId, connector: claimed.connector, attempt: claimed.attempts, outcome: recorded.value },
      outcome.ok ? "measure call outcome" : `measure call failed: ${outcome.error}`,
    );
  return recorded.value;
}

/** One sweep: calls of dead workers made again, lost jobs sent again, expired measures lifted. */
export async function sweepMeasures(
  deps: MeasureDeps,
): Promise<{ requeued: number; resent: number; lifted: number }> {
  const requeued = await requeueExpired(deps.db);
  if (requeued.length > 0)
    deps.log.warn({ calls: requeued }, "measure calls whose worker stopped are made again with the same key");
  const resent = await overdueQueuedCalls(deps.db, LOST_JOB_SECONDS);
  await sendCalls(deps, [...requeued, ...resent]);
  let lifted = 0;
  for (const a of await dueLifts(deps.db)) {
    const r = await liftExpired(deps, MEASURES_ACTOR, a.id);
    if (r.ok) lifted++;
  }
  return { requeued: requeued.length, resent: resent.length, lifted };
}

export async function startMeasureWorkers(ctx: WorkerContext): Promise<() => Promise<void>> {
  const deps = measureDeps(ctx.services);
  const every = ctx.services.config.measuresSweepSeconds;
  await ctx.jobs.work<{ call: number }>(
    EXECUTE_QUEUE,
    async (data) => {
      await executeCall(deps, Number(data.call));
    },
    { batchSize: BATCH, parallel: true },
  );
  await ctx.jobs.work<{ notification: number }>(NOTIFY_SUPERVISOR_QUEUE, async (data) => {
    await deliverNotification(deps, Number(data.notification));
  });
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const sweep = () => {
    if (running || stopped) return running;
    running = sweepMeasures(deps)
      .catch((err) => ctx.log.error({ err }, "measures sweep failed; it runs again at the next interval"))
      .finally(() => {
        running = null;
      });
    return running;
  };
  await sweep();
  const timer = setInterval(sweep, every * 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
