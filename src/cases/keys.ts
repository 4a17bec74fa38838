/**
 * Which case an event belongs to, decided in memory for a whole batch (pure). A case is one customer's
 * unit of work:
 * - abuse: one case per customer and category; the hosts, URLs and addresses are the case's subjects,
 *   so ten thousand Shadowserver rows about one customer's hosts become one case listing the hosts;
 * - ntd: one case per notice and target (the URL, else the domain, ...): each piece of content in each
 *   notice has its own procedure (forward, 14 days, decision);
 * - authority: one case per order (its report), because every order has its own legal term.
 */
import type { ResolvedEvent } from "../pipeline.ts";
import { type Category, type Kind, priorityOf } from "../taxonomy.ts";

export type SubjectKind = "ip" | "url" | "domain" | "email" | "phone";

/** Stands for "every resource of the customer" in `cases.subject_key`. */
export const WHOLE_CUSTOMER = "*";

export interface SubjectRef {
  kind: SubjectKind;
  value: string;
}

/**
 * The resource an event is about. For content (NTD, authority) the URL says most; for abuse the host that
 * did it does (a spam complaint's URL is usually someone else's site being advertised).
 */
export function subjectOf(e: Pick<ResolvedEvent, "subject" | "kind">): SubjectRef | undefined {
  const s = e.subject;
  if (e.kind === "abuse" && s.ip) return { kind: "ip", value: s.ip };
  if (s.url) return { kind: "url", value: s.url };
  if (s.ip) return { kind: "ip", value: s.ip };
  if (s.domain) return { kind: "domain", value: s.domain.toLowerCase() };
  if (s.email) return { kind: "email", value: s.email.toLowerCase() };
  if (s.phone) return { kind: "phone", value: s.phone };
  return undefined;
}

export function subjectKeyOf(e: Pick<ResolvedEvent, "kind" | "subject" | "report_id">): string {
  if (e.kind === "authority") return `report:${e.report_id}`;
  // One case per notice and location: each has its own procedure (src/ntd/), even for the same URL.
  if (e.kind === "ntd") {
    const s = subjectOf(e);
    return s ? `report:${e.report_id}:${s.kind}:${s.value}` : `report:${e.report_id}`;
  }
  return WHOLE_CUSTOMER;
}

export interface PlannedSubject extends SubjectRef {
  count: number;
  first: Date;
  last: Date;
}

/** The events of one batch that go to one case. */
export interface PlannedCase {
  brand: string;
  customer: string;
  category: Category;
  kind: Kind;
  subjectKey: string;
  priority: number;
  firstAt: Date;
  lastAt: Date;
  /** When the earliest report of these events was received: the reporter's clocks start there. */
  firstReceivedAt: Date;
  /** Positions of this case's events in the batch given to planGrouping. */
  eventIndexes: number[];
  reportIds: Set<number>;
  subjects: Map<string, PlannedSubject>;
}

export function caseKey(brand: string, customer: string, category: string, subjectKey: string): string {
  return `${brand}\u0000${customer}\u0000${category}\u0000${subjectKey}`;
}

/** The cases a batch of resolved events goes to; events that are not matched to a customer get none. */
export function planGrouping(events: readonly ResolvedEvent[]): PlannedCase[] {
  const plans = new Map<string, PlannedCase>();
  // Hot for large feeds: times are compared as numbers, and the key of the previous event is reused
  // (a feed's rows about one customer come together).
  let lastKeyParts: [string, string, string, string] | null = null;
  let lastPlan: PlannedCase | undefined;
  for (let index = 0; index < events.length; index++) {
    const e = events[index]!;
    if (e.resolution !== "matched" || !e.customer_id || !e.brand_id) continue;
    const subjectKey = subjectKeyOf(e);
    let plan: PlannedCase | undefined;
    if (
      lastKeyParts &&
      lastKeyParts[0] === e.brand_id &&
      lastKeyParts[1] === e.customer_id &&
      lastKeyParts[2] === e.category &&
      lastKeyParts[3] === subjectKey
    ) {
      plan = lastPlan;
    } else {
      const key = caseKey(e.brand_id, e.customer_id, e.category, subjectKey);
      plan = plans.get(key);
      if (!plan) {
        plan = {
          brand: e.brand_id,
          customer: e.customer_id,
          category: e.category,
          kind: e.kind,
          subjectKey,
          priority: priorityOf(e.kind, e.category),
          firstAt: e.occurred_at ?? e.received_at,
          lastAt: e.occurred_at ?? e.received_at,
          firstReceivedAt: e.received_at,
          eventIndexes: [],
          reportIds: new Set(),
          subjects: new Map(),
        };
        plans.set(key, plan);
      }
      lastKeyParts = [e.brand_id, e.customer_id, e.category, subjectKey];
      lastPlan = plan;
    }
    plan = plan!;
    const at = e.occurred_at ?? e.received_at;
    const t = at.getTime();
    plan.eventIndexes.push(index);
    plan.reportIds.add(e.report_id);
    if (t < plan.firstAt.getTime()) plan.firstAt = at;
    if (t > plan.lastAt.getTime()) plan.lastAt = at;
    if (e.received_at.getTime() < plan.firstReceivedAt.getTime()) plan.firstReceivedAt = e.received_at;
    const subject = subjectOf(e);
    if (subject) {
      const sk = `${subject.kind}:${subject.value}`;
      const seen = plan.subjects.get(sk);
      if (seen) {
        seen.count += 1;
        if (t < seen.first.getTime()) seen.first = at;
        if (t > seen.last.getTime()) seen.last = at;
      } else
        plan.subjects.set(sk, { kind: subject.kind, value: subject.value, count: 1, first: at, last: at });
    }
  }
  return [...plans.values()];
}

/** Days without events after which new events open a new case, when no window is configured. */
export const DEFAULT_WINDOW_DAYS = 30;

/** The window of a brand and category from the configured rows: the category's, else the brand's "*". */
export function windowDaysOf(windows: ReadonlyMap<string, number>, brand: string, category: string): number {
  return windows.get(`${brand}/${category}`) ?? windows.get(`${brand}/*`) ?? DEFAULT_WINDOW_DAYS;
}

/**
 * Whether an open case has gone quiet for longer than its window before these new events: then they open
 * a new case. A case someone is acting on (in review, measures in force) is never left behind this way.
 */
export function isStale(
  open: { state: string; last_event_at: Date | null; opened_at: Date },
  newFirstAt: Date,
  windowDays: number,
): boolean {
  if (open.state === "in_review" || open.state === "measures") return false;
  const last = open.last_event_at ?? open.opened_at;
  return newFirstAt.getTime() - last.getTime() > windowDays * 86_400_000;
}
