/**
 * From what the database holds about a case and its customer to what the policy engine reads (pure):
 * `CaseFacts` and `CustomerHistory` of src/policy/engine.ts.
 */
import { z } from "zod";
import type { CaseFacts, CustomerHistory, HistoryAction, HistoryCase } from "../policy/engine.ts";
import { type KycStatus, USAGE_METRICS } from "../policy/schema.ts";
import { isStep, STEPS, type Step } from "../policy/steps.ts";
import { type Category, isCategory, type Kind } from "../taxonomy.ts";

/**
 * What an agent judged about a case, stored on it (`cases.facts`) and set with POST /cases/:id/facts.
 * Left out means unknown (a flag then counts as false).
 */
export const AgentFactsSchema = z.strictObject({
  serious: z.boolean().optional().describe("the incident is serious (measures without warning)"),
  known_offender: z.boolean().optional().describe('a known ("bekende") offender, e.g. a known spammer'),
  insecure_site: z
    .boolean()
    .optional()
    .describe("the abuse went through the customer's insecure site or server"),
  opt_in_proof: z
    .enum(["shown", "missing"])
    .optional()
    .describe("spam: whether the customer showed the confirmed opt-in of the complaining address"),
  cooperating: z.boolean().optional().describe("the customer cooperates / reached an agreement"),
  fair_use_requests: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      "written fair-use requests already sent; counted from the warnings on excessive-use cases when left out",
    ),
  usage: z
    .strictObject({
      ratio: z.number().positive(),
      period_months: z.number().positive(),
      metric: z.enum(USAGE_METRICS),
    })
    .optional()
    .describe("the customer's use divided by the average of the same service"),
  requested_step: z.enum(STEPS).optional().describe("authority orders: the step the order demands"),
});
export type AgentFacts = z.output<typeof AgentFactsSchema>;

/** Stored facts, read leniently: a field an older version wrote that no longer fits is left out. */
export function readAgentFacts(stored: unknown): AgentFacts {
  const parsed = AgentFactsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((stored ?? {}) as Record<string, unknown>)) {
    const one = AgentFactsSchema.safeParse({ [k]: v });
    if (one.success) Object.assign(out, one.data);
  }
  return out as AgentFacts;
}

export interface CaseForFacts {
  id: number;
  brand_id: string;
  kind: Kind;
  category: string;
  opened_at: Date;
  first_event_at: Date | null;
  last_event_at: Date | null;
}

export interface ActionForHistory {
  case_id: number;
  step: string;
  state: string;
  created_at: Date;
  approved_at: Date | null;
  done_at: Date | null;
}

export interface CaseForHistory {
  id: number;
  category: string;
  kind: Kind;
  state: string;
  opened_at: Date;
  first_event_at: Date | null;
}

/** Action states in which the step counts as taken (awaiting approval, refused, cancelled or failed do not). */
export const TAKEN_ACTION_STATES: readonly string[] = ["pending", "approved", "executing", "done", "undone"];

export function actionTakenAt(a: ActionForHistory): Date {
  return a.done_at ?? a.approved_at ?? a.created_at;
}

/** The customer's cases with the steps taken on them; a rejected case was unfounded and does not count. */
export function buildHistory(
  cases: readonly CaseForHistory[],
  actions: readonly ActionForHistory[],
): CustomerHistory {
  const byCase = new Map<number, HistoryAction[]>();
  for (const a of actions) {
    if (!TAKEN_ACTION_STATES.includes(a.state) || !isStep(a.step)) continue;
    const list = byCase.get(a.case_id) ?? [];
    list.push({ step: a.step, at: actionTakenAt(a) });
    byCase.set(a.case_id, list);
  }
  const out: HistoryCase[] = [];
  for (const c of cases) {
    if (!isCategory(c.category)) continue;
    out.push({
      caseId: String(c.id),
      category: c.category,
      kind: c.kind,
      openedAt: c.first_event_at ?? c.opened_at,
      founded: c.state !== "rejected",
      actions: byCase.get(c.id) ?? [],
    });
  }
  return { cases: out };
}

/** Written fair-use requests so far: warnings on the customer's excessive-use cases within the window. */
export function countFairUseRequests(history: CustomerHistory, now: Date, windowDays: number): number {
  const since = now.getTime() - windowDays * 86_400_000;
  let n = 0;
  for (const c of history.cases) {
    if (c.category !== "excessive_use") continue;
    for (const a of c.actions) if (a.step === "warn" && a.at.getTime() >= since) n += 1;
  }
  return n;
}

export function buildFacts(
  kase: CaseForFacts,
  agent: AgentFacts,
  history: CustomerHistory,
  opts: { now: Date; kycStatus: KycStatus | undefined; repeatWindowDays: number },
): CaseFacts {
  const category = kase.category as Category;
  const fairUse =
    agent.fair_use_requests ??
    (category === "excessive_use"
      ? countFairUseRequests(history, opts.now, opts.repeatWindowDays)
      : undefined);
  return {
    caseId: String(kase.id),
    brand: kase.brand_id,
    kind: kase.kind,
    category,
    openedAt: kase.first_event_at ?? kase.opened_at,
    ...(kase.last_event_at ? { lastEventAt: kase.last_event_at } : {}),
    now: opts.now,
    ...(agent.serious !== undefined ? { serious: agent.serious } : {}),
    ...(agent.known_offender !== undefined ? { knownOffender: agent.known_offender } : {}),
    ...(opts.kycStatus ? { kycStatus: opts.kycStatus } : {}),
    ...(agent.insecure_site !== undefined ? { insecureSite: agent.insecure_site } : {}),
    ...(agent.opt_in_proof ? { optInProof: agent.opt_in_proof } : {}),
    ...(agent.cooperating !== undefined ? { cooperating: agent.cooperating } : {}),
    ...(fairUse !== undefined ? { fairUseRequests: fairUse } : {}),
    ...(agent.usage
      ? {
          usage: {
            ratio: agent.usage.ratio,
            periodMonths: agent.usage.period_months,
            metric: agent.usage.metric,
          },
        }
      : {}),
    ...(agent.requested_step ? { requestedStep: agent.requested_step as Step } : {}),
  };
}
