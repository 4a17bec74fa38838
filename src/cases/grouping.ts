/**
 * Grouping resolved events into cases (SPEC C6): one open case per (brand, customer, category, subject key)
 * within a window. A batch is planned in memory (keys.ts), then written with a few set-based statements.
 * Concurrent batches never make two open cases for one key: the partial unique index `cases_one_open`
 * refuses the second, and the loser adds its events to the winner's case.
 */
import type { Transaction } from "kysely";
import type { Logger } from "pino";
import type { AuditEntry } from "../audit.ts";
import { appendAuditBatch } from "../audit.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import type { Pipeline, ResolvedEvent } from "../pipeline.ts";
import type { Deadline } from "../policy/deadlines.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { deadlinesFor, nextDue } from "./clocks.ts";
import {
  addEvents,
  closeQuietCases,
  type DeadlineRow,
  insertCases,
  insertDeadlines,
  loadWindows,
  lockOpenCases,
  type OpenCaseRow,
  reportersWaiting,
} from "./grouping.store.ts";
import { caseKey, isStale, type PlannedCase, planGrouping, windowDaysOf } from "./keys.ts";

/** Who the audit log names for what grouping does. */
export const GROUPING_ACTOR = "system:grouping";

export function createCaseGrouper(
  _db: DB,
  policies: ReadonlyMap<string, PolicyProfile>,
  log: Logger,
): { group: Pipeline["group"] } {
  return {
    group: (trx, events) => groupEvents(trx, policies, log, events),
  };
}

const keyOfRow = (r: Pick<OpenCaseRow, "brand_id" | "customer_id" | "category" | "subject_key">) =>
  caseKey(r.brand_id, r.customer_id, r.category, r.subject_key);
const keyOfPlan = (p: PlannedCase) => caseKey(p.brand, p.customer, p.category, p.subjectKey);

export async function groupEvents(
  trx: Transaction<Database>,
  policies: ReadonlyMap<string, PolicyProfile>,
  log: Logger,
  events: readonly ResolvedEvent[],
): Promise<(number | null)[]> {
  const caseIds: (number | null)[] = new Array(events.length).fill(null);
  const plans = planGrouping(events);
  if (plans.length === 0) return caseIds;
  // One order for every batch, so that concurrent batches take locks in the same order.
  plans.sort((a, b) => (keyOfPlan(a) < keyOfPlan(b) ? -1 : 1));

  const planOf = new Map(plans.map((p) => [keyOfPlan(p), p]));
  const windows = await loadWindows(trx);
  const caseOf = new Map<string, number>();
  const quiet: number[] = [];
  for (const row of await lockOpenCases(trx, plans)) {
    const plan = planOf.get(keyOfRow(row));
    if (plan && isStale(row, plan.firstAt, windowDaysOf(windows, row.brand_id, row.category)))
      quiet.push(row.id);
    else caseOf.set(keyOfRow(row), row.id);
  }
  const audit: AuditEntry[] = [];
  for (const id of await closeQuietCases(trx, quiet))
    audit.push({
      actor: GROUPING_ACTOR,
      action: "case.transition",
      subjectType: "case",
      subjectId: id,
      details: {
        to: "closed",
        reason: "no new events within the grouping window; new events opened a new case",
      },
    });

  // The clocks of the cases to open are known before they are opened: the queue order goes in with them.
  const toOpen = plans.filter((p) => !caseOf.has(keyOfPlan(p)));
  const waiting = await reportersWaiting(trx, [...new Set(toOpen.flatMap((p) => [...p.reportIds]))]);
  const clocks = new Map<PlannedCase, Deadline[]>();
  for (const plan of toOpen) {
    const profile = policies.get(plan.brand);
    if (!profile) {
      log.warn({ brand: plan.brand }, "no policy profile for the brand; its cases have no deadlines");
      continue;
    }
    clocks.set(
      plan,
      deadlinesFor(profile, {
        kind: plan.kind,
        category: plan.category,
        receivedAt: plan.firstReceivedAt,
        hasReporter: [...plan.reportIds].some((r) => waiting.get(r) ?? true),
        actions: [],
      }),
    );
  }

  const opened: { id: number; plan: PlannedCase }[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const missing = plans.filter((p) => !caseOf.has(keyOfPlan(p)));
    if (missing.length === 0) break;
    const rows = await insertCases(
      trx,
      missing.map((plan) => ({ plan, nextDueAt: nextDue(clocks.get(plan) ?? []) })),
    );
    for (const row of rows) {
      const key = keyOfRow(row);
      caseOf.set(key, row.id);
      const plan = planOf.get(key);
      if (plan) opened.push({ id: row.id, plan });
    }
    // What another transaction opened meanwhile has committed by now (the insert waited for it).
    const stillMissing = missing.filter((p) => !caseOf.has(keyOfPlan(p)));
    for (const row of await lockOpenCases(trx, stillMissing)) caseOf.set(keyOfRow(row), row.id);
  }

  const targets = plans.map((plan) => {
    const caseId = caseOf.get(keyOfPlan(plan));
    if (caseId === undefined)
      throw new Error(`grouping found no case for ${plan.brand}/${plan.customer}/${plan.category}`);
    return { caseId, plan };
  });
  await addEvents(trx, targets, new Set(opened.map((o) => o.id)));

  const deadlines: DeadlineRow[] = [];
  for (const { id, plan } of opened)
    for (const d of clocks.get(plan) ?? [])
      deadlines.push({ caseId: id, name: d.name, dueAt: d.due_at, source: d.source });
  await insertDeadlines(trx, deadlines, []);
  for (const { id, plan } of opened)
    audit.push({
      actor: GROUPING_ACTOR,
      action: "case.open",
      subjectType: "case",
      subjectId: id,
      details: {
        brand: plan.brand,
        customer: plan.customer,
        category: plan.category,
        kind: plan.kind,
        subject_key: plan.subjectKey,
        events: plan.eventIndexes.length,
        reports: [...plan.reportIds].slice(0, 20),
      },
    });
  await appendAuditBatch(trx, audit);
  for (const { caseId, plan } of targets) for (const i of plan.eventIndexes) caseIds[i] = caseId;
  return caseIds;
}
