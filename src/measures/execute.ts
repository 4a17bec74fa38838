/**
 * The worker side of measures: a `measure.execute` job makes one attempt of a call through its connector
 * and records what came of it; the sweep makes again the calls whose worker died mid-call (same key, same
 * body), sends again jobs that were lost, and lifts measures whose term ran out; `notify.supervisor` jobs
 * are delivered to the supervisors. Every handler is safe to run twice: a call is taken by one worker at a
 * time, and its outcome is recorded only by the worker that still holds it.
 */

import type { WorkerContext } from "../app.ts";
import { SYSTEM } from "../auth/auth.store.ts";
import { lockCasesInOrder } from "../cases/commands.store.ts";
import { NOTIFY_SUPERVISOR_QUEUE } from "../cases/timers.ts";
import { counter } from "../intake/metrics.ts";
import {
  type ClaimedCall,
  claimCalls,
  dueLifts,
  lockActions,
  lockHeldCalls,
  overdueQueuedCalls,
  requeueExpired,
  updateCall,
} from "./actions.store.ts";
import {
  type Completion,
  completeCalls,
  EXECUTE_QUEUE,
  failCall,
  liftExpired,
  type MeasureDeps,
  measureDeps,
  sendCalls,
} from "./actions.ts";
import { type CallOutcome, type ConnectorConfig, callConnector } from "./connectors/index.ts";
import { retryDelaySeconds } from "./lifecycle.ts";
import { deliverNotification } from "./notifications.ts";
import type { CallPayload } from "./payload.ts";

/** Who the audit log names for what the measures workers do. */
export const MEASURES_ACTOR = { ...SYSTEM, name: "system:measures" };

/** A queued call whose job has not run this long after it was due is sent again (its job may be lost). */
export const LOST_JOB_SECONDS = 30;

/** Jobs a worker takes at once: their calls are made side by side and recorded in one transaction. */
const BATCH = 100;

/** Batches a worker process works on at once: one records while another waits for its connectors. */
const LOOPS = 2;

export type AttemptOutcome = "done" | "retrying" | "failed" | "not_taken" | "lost";

/** One attempt of call `callId`: take it, call the connector, record the outcome. */
export async function executeCall(deps: MeasureDeps, callId: number): Promise<AttemptOutcome> {
  const [outcome] = await executeCalls(deps, [callId]);
  return outcome ?? "not_taken";
}

interface Attempt {
  claimed: ClaimedCall;
  config: ConnectorConfig | undefined;
  outcome: CallOutcome;
}

/**
 * One attempt of each of these calls: the ones there to take are taken in one transaction, their
 * connectors are called side by side, and what came of them is recorded in one transaction (one commit
 * for the batch). Answers an outcome per call id, in order.
 */
export async function executeCalls(deps: MeasureDeps, callIds: readonly number[]): Promise<AttemptOutcome[]> {
  const claimed = await claimCalls(deps.db, callIds, (c) => deps.connectors.leaseSeconds(c));
  const attempts = await Promise.all(claimed.map((c) => attempt(deps, c)));
  let recorded: Map<number, AttemptOutcome>;
  const retries: { id: number; at: Date }[] = [];
  try {
    recorded = await record(deps, attempts, retries);
  } catch (err) {
    // One bad row should not lose the batch's outcomes: each is recorded on its own.
    deps.log.error({ err }, "recording a batch of measure calls failed; recording them one by one");
    recorded = new Map();
    retries.length = 0;
    for (const a of attempts)
      try {
        for (const [id, o] of await record(deps, [a], retries)) recorded.set(id, o);
      } catch (e) {
        deps.log.error({ err: e, call: a.claimed.id }, "the outcome of a measure call could not be recorded");
        recorded.set(a.claimed.id, "lost");
      }
  }
  if (deps.jobs)
    for (const r of retries)
      await deps.jobs
        .send(EXECUTE_QUEUE, { call: r.id }, { startAfter: r.at })
        .catch((err) => deps.log.error({ err, call: r.id }, "queueing a retry failed; the sweep queues it"));
  for (const a of attempts) {
    const o = recorded.get(a.claimed.id);
    deps.onAttempt?.(a.claimed.connector, o ?? "lost");
    if (o !== "done")
      deps.log.warn(
        { call: a.claimed.id, connector: a.claimed.connector, attempt: a.claimed.attempts, outcome: o },
        a.outcome.ok ? "measure call outcome" : `measure call failed: ${a.outcome.error}`,
      );
  }
  return callIds.map((id) => recorded.get(id) ?? "not_taken");
}

async function attempt(deps: MeasureDeps, claimed: ClaimedCall): Promise<Attempt> {
  const config = claimed.connector ? deps.connectors.get(claimed.connector) : undefined;
  if (!config)
    return {
      claimed,
      config,
      outcome: {
        ok: false,
        retry: false,
        error: `the connector "${claimed.connector}" that this call goes to is no longer in the connectors file; put it back, or do the step by hand and mark it done`,
      },
    };
  try {
    const outcome = await callConnector(
      config,
      {
        key: claimed.idempotency_key,
        body: claimed.body,
        payload: JSON.parse(claimed.body) as CallPayload,
        attempt: claimed.attempts,
      },
      { db: deps.db, log: deps.log },
    );
    return { claimed, config, outcome };
  } catch (err) {
    return {
      claimed,
      config,
      outcome: { ok: false, retry: true, error: `the connector failed: ${(err as Error).message}` },
    };
  }
}

/** Records what came of the attempts, in one transaction; retries to send go into `retries`. */
async function record(
  deps: MeasureDeps,
  attempts: readonly Attempt[],
  retries: { id: number; at: Date }[],
): Promise<Map<number, AttemptOutcome>> {
  const out = new Map<number, AttemptOutcome>();
  if (attempts.length === 0) return out;
  const pending: { id: number; at: Date }[] = [];
  await deps.db.transaction().execute(async (trx) => {
    // Locked case → action → call, as every command locks them.
    const cases = new Map(
      (await lockCasesInOrder(trx, [...new Set(attempts.map((a) => a.claimed.case_id))])).map((c) => [
        c.id,
        c,
      ]),
    );
    const actions = new Map(
      (await lockActions(trx, [...new Set(attempts.map((a) => a.claimed.action_id))])).map((a) => [a.id, a]),
    );
    const held = new Map(
      (
        await lockHeldCalls(
          trx,
          attempts.map((a) => ({ id: a.claimed.id, attempt: a.claimed.attempts })),
        )
      ).map((c) => [c.id, c]),
    );
    const completions: Completion[] = [];
    for (const { claimed, config, outcome } of attempts) {
      const kase = cases.get(claimed.case_id);
      const action = actions.get(claimed.action_id);
      const call = held.get(claimed.id);
      // Another worker took the call over (this one was thought dead): its outcome counts, not ours.
      if (!kase || !action || !call || action.case_id !== kase.id) {
        out.set(claimed.id, "lost");
        continue;
      }
      if (outcome.ok) {
        completions.push({
          kase,
          action,
          call,
          result: {
            by: MEASURES_ACTOR.name,
            byHand: false,
            note: null,
            answer: outcome.answer,
            status: outcome.status ?? null,
          },
        });
        out.set(claimed.id, "done");
        continue;
      }
      const retry = config?.retry;
      if (outcome.retry && retry && claimed.attempts < retry.attempts) {
        const at = new Date(
          Date.now() +
            retryDelaySeconds(claimed.attempts, retry.backoff_seconds, retry.max_backoff_seconds) * 1000,
        );
        await updateCall(trx, call.id, {
          state: "queued",
          next_attempt_at: at,
          lease_until: null,
          last_status: outcome.status ?? null,
          last_error: outcome.error,
          answer: outcome.answer ?? null,
        });
        pending.push({ id: call.id, at });
        out.set(claimed.id, "retrying");
        continue;
      }
      await failCall(
        trx,
        kase,
        action,
        call,
        { error: outcome.error, status: outcome.status ?? null, answer: outcome.answer ?? null },
        MEASURES_ACTOR.name,
      );
      out.set(claimed.id, "failed");
    }
    await completeCalls(trx, deps, completions);
  });
  retries.push(...pending);
  return out;
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
  const attempts = counter(
    ctx.services.metrics,
    "abusedesk_measure_calls_total",
    "attempts of calls to measure connectors, by connector and outcome (done, retrying, failed, lost)",
    ["connector", "outcome"],
  );
  const deps: MeasureDeps = {
    ...measureDeps(ctx.services),
    onAttempt: (connector, outcome) => attempts.inc({ connector: connector ?? "", outcome }),
  };
  const every = ctx.services.config.measuresSweepSeconds;
  for (let i = 0; i < LOOPS; i++)
    await ctx.jobs.workBatch<{ call: number }>(
      EXECUTE_QUEUE,
      async (batch) => {
        await executeCalls(deps, [...new Set(batch.map((d) => Number(d.call)))]);
      },
      { batchSize: BATCH },
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
