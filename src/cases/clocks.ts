/**
 * Which clocks run for a case, from its kind, its first report and the steps taken on it (pure). The
 * terms themselves come from the brand's profile through `caseDeadlines` (src/policy/deadlines.ts).
 */
import { type CaseClock, caseDeadlines, type Deadline } from "../policy/deadlines.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import type { Step } from "../policy/steps.ts";
import type { Category, Kind } from "../taxonomy.ts";

/**
 * Clocks the system itself meets (the acknowledgement of receipt goes out automatically): they are shown
 * and kept, but they neither order the queue nor escalate to a supervisor.
 */
export const AUTOMATIC_DEADLINES: readonly string[] = ["acknowledge_receipt"];

/** Report formats of automated feeds: nobody waits for an acknowledgement or a reply. */
export const FEED_FORMATS: readonly string[] = ["shadowserver", "spamcop", "abusehub-csv"];

const CUSTOMER_MESSAGES: readonly Step[] = ["warn", "request_information", "notice_of_default"];

export interface ClockInput {
  kind: Kind;
  category: Category;
  receivedAt: Date;
  hasReporter: boolean;
  /** Steps taken on the case (not those awaiting approval). */
  actions: readonly { step: Step; at: Date }[];
}

export function clockOf(input: ClockInput): CaseClock {
  const sorted = [...input.actions].sort((a, b) => a.at.getTime() - b.at.getTime());
  const first = (pred: (s: Step) => boolean) => sorted.find((a) => pred(a.step))?.at;
  const notified = first((s) => CUSTOMER_MESSAGES.includes(s));
  const ntdSent = input.kind === "ntd" ? first((s) => s === "request_information") : undefined;
  const defaultSent = first((s) => s === "notice_of_default");
  return {
    kind: input.kind,
    category: input.category,
    receivedAt: input.receivedAt,
    hasReporter: input.hasReporter,
    ...(notified ? { customerNotifiedAt: notified } : {}),
    ...(ntdSent ? { ntdNoticeSentAt: ntdSent } : {}),
    ...(defaultSent ? { noticeOfDefaultSentAt: defaultSent } : {}),
  };
}

export function deadlinesFor(profile: PolicyProfile, input: ClockInput): Deadline[] {
  return caseDeadlines(profile, clockOf(input));
}

/** The earliest clock the desk must meet (automatic ones left out), for the queue's order. */
export function nextDue(deadlines: readonly Deadline[]): Date | undefined {
  let best: Date | undefined;
  for (const d of deadlines)
    if (!AUTOMATIC_DEADLINES.includes(d.name) && (!best || d.due_at < best)) best = d.due_at;
  return best;
}
