/**
 * The clocks the desk keeps for a case (SPEC C7), each with the rule it comes from. Pure: the case's
 * timestamps and the brand's profile in, deadlines out.
 *
 * Brand terms (reply, NTD reaction, notice of default, extras) come from the profile; the terms of
 * authority orders come from the law and are the same for every brand.
 */
import {
  type BrandCalendar,
  calendarDaysAfter,
  endOfCalendarDaysAfter,
  endOfWorkingDaysAfter,
  hoursAfter,
  workingDaysAfter,
} from "../calendar.ts";
import type { Category, Kind } from "../taxonomy.ts";
import type { DeadlineTrigger, PolicyProfile, Term } from "./schema.ts";

/** One clock of a case, in the shape of the case JSON (`deadlines: [{ name, due_at, source }]`). */
export interface Deadline {
  name: string;
  due_at: Date;
  /** The rule the term rests on, e.g. "X2com BE art. 13.8" or "TCO Regulation (EU) 2021/784 art. 3(3)". */
  source: string;
}

/** An order or notice from an authority, with the legal term that comes with it. */
export type AuthorityOrder =
  /** Terrorist-content removal order: remove or disable within one hour of receipt. */
  | { type: "tco_removal_order"; receivedAt: Date }
  /** ATKM binding order (aanwijzing) on CSAM: the term the order sets, at most 12 hours. */
  | { type: "atkm_csam_order"; receivedAt: Date; termHours?: number }
  /** Offlimits notice under the NTD-code addendum 2018: remove within 24 hours. */
  | { type: "offlimits_notice"; receivedAt: Date }
  /** Any other order (court, public prosecutor, police): the term it states, and its legal basis. */
  | { type: "other_order"; receivedAt: Date; dueAt: Date; legalBasis: string };

/** The moments of a case that start clocks; absent means "has not happened". */
export interface CaseClock {
  kind: Kind;
  category: Category;
  /** When the (first) report of the case was received. */
  receivedAt: Date;
  /** false for automated feeds (Shadowserver, SpamCop): nobody waits for an acknowledgement or reply. */
  hasReporter?: boolean;
  /** When the customer was first told about the case (warning, notice). */
  customerNotifiedAt?: Date;
  /** When an NTD notice was forwarded to the customer (content provider). */
  ntdNoticeSentAt?: Date;
  /** When the notice of default (ingebrekestelling) was sent. */
  noticeOfDefaultSentAt?: Date;
  order?: AuthorityOrder;
  /** Names of clocks already met (e.g. "acknowledge_receipt" once the receipt was confirmed): left out. */
  done?: readonly string[];
}

export const ATKM_MAX_HOURS = 12;

export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeadlineError";
  }
}

/** The calendar a profile counts its working days in. */
export function calendarOf(profile: PolicyProfile): BrandCalendar {
  return {
    country: profile.calendar.country,
    timeZone: profile.calendar.time_zone,
    closedDays: profile.calendar.closed_days,
  };
}

/** When a term that starts at `start` runs out, in the brand's calendar. */
export function dueAfter(start: Date, term: Term, cal: BrandCalendar): Date {
  switch (term.unit) {
    case "hours":
      return hoursAfter(start, term.count);
    case "calendar_days":
      return term.end_of_day
        ? endOfCalendarDaysAfter(start, term.count, cal)
        : calendarDaysAfter(start, term.count, cal);
    case "working_days":
      return term.end_of_day
        ? endOfWorkingDaysAfter(start, term.count, cal)
        : workingDaysAfter(start, term.count, cal);
  }
}

/** The term a profile gives a named deadline (standard or extra), for waiting steps in a ladder. */
export function termOf(profile: PolicyProfile, name: string): { term: Term; source: string } | undefined {
  const d = profile.deadlines;
  if (name === "reply_to_reporter") return d.reply_to_reporter;
  if (name === "ntd_customer_reaction") return d.ntd_customer_reaction;
  if (name === "notice_of_default_compliance") return d.notice_of_default_compliance;
  return d.extra.find((e) => e.name === name);
}

export function orderDeadline(order: AuthorityOrder): Deadline {
  switch (order.type) {
    case "tco_removal_order":
      return {
        name: "authority_order",
        due_at: hoursAfter(order.receivedAt, 1),
        source: "TCO Regulation (EU) 2021/784 art. 3(3)",
      };
    case "atkm_csam_order": {
      const hours = order.termHours ?? ATKM_MAX_HOURS;
      if (!(hours > 0))
        throw new DeadlineError(`an ATKM order's term must be more than 0 hours, got ${hours}`);
      return {
        name: "authority_order",
        // The authority may set a shorter term, never a longer one.
        due_at: hoursAfter(order.receivedAt, Math.min(hours, ATKM_MAX_HOURS)),
        source: "Wet bestuursrechtelijke aanpak online kinderpornografisch materiaal",
      };
    }
    case "offlimits_notice":
      return {
        name: "authority_order",
        due_at: hoursAfter(order.receivedAt, 24),
        source: "NTD-code addendum 2018 (Offlimits)",
      };
    case "other_order":
      return { name: "authority_order", due_at: new Date(order.dueAt.getTime()), source: order.legalBasis };
  }
}

function triggerTime(clock: CaseClock, trigger: DeadlineTrigger): Date | undefined {
  switch (trigger) {
    case "received":
      return clock.receivedAt;
    case "customer_notified":
      return clock.customerNotifiedAt;
    case "ntd_notice_sent":
      return clock.ntdNoticeSentAt;
    case "notice_of_default_sent":
      return clock.noticeOfDefaultSentAt;
  }
}

/** Every clock that runs for this case, earliest first. */
export function caseDeadlines(profile: PolicyProfile, clock: CaseClock): Deadline[] {
  const cal = calendarOf(profile);
  const d = profile.deadlines;
  const out: Deadline[] = [];
  const hasReporter = clock.hasReporter ?? true;

  if (hasReporter) {
    out.push({
      name: "acknowledge_receipt",
      due_at: new Date(clock.receivedAt.getTime()),
      source: "DSA art. 16(4)",
    });
    if (clock.kind !== "authority")
      out.push({
        name: "reply_to_reporter",
        due_at: dueAfter(clock.receivedAt, d.reply_to_reporter.term, cal),
        source: d.reply_to_reporter.source,
      });
  }
  if (clock.ntdNoticeSentAt)
    out.push({
      name: "ntd_customer_reaction",
      due_at: dueAfter(clock.ntdNoticeSentAt, d.ntd_customer_reaction.term, cal),
      source: d.ntd_customer_reaction.source,
    });
  if (clock.noticeOfDefaultSentAt)
    out.push({
      name: "notice_of_default_compliance",
      due_at: dueAfter(clock.noticeOfDefaultSentAt, d.notice_of_default_compliance.term, cal),
      source: d.notice_of_default_compliance.source,
    });
  if (clock.order) out.push(orderDeadline(clock.order));

  for (const extra of d.extra) {
    if (extra.kinds && !extra.kinds.includes(clock.kind)) continue;
    if (extra.categories && !extra.categories.includes(clock.category)) continue;
    const start = triggerTime(clock, extra.from);
    if (start) out.push({ name: extra.name, due_at: dueAfter(start, extra.term, cal), source: extra.source });
  }

  const done = new Set(clock.done ?? []);
  return out.filter((x) => !done.has(x.name)).sort((a, b) => a.due_at.getTime() - b.due_at.getTime());
}
