/**
 * What each message says, from what the desk knows (pure): the variables of every template, the evidence
 * that may be shown to a customer, and the case reference in every subject. The store reads the facts;
 * this file decides what of them a reader sees.
 *
 * Two rules hold everywhere here: the reporter's identity never reaches the customer (unless the brand's
 * profile allows it), and the customer's identity never reaches the reporter. Reporter templates are given
 * no customer data at all; text that came from a report (evidence excerpts, a forwarded notice) is
 * stripped of the reporter's name, address, organisation and mailbox, and of every e-mail address that is
 * not the customer's own, before a customer template sees it.
 */
import { STEP_NOUNS, type Step } from "../policy/steps.ts";
import type { MessageTemplate, TemplateData } from "./templates.ts";
import { NOTICE_VARIABLES, oneLine, renderTemplate } from "./templates.ts";
import {
  categoryWords,
  deadlineWords,
  formatDay,
  formatDuration,
  formatMoment,
  type Language,
  missingWords,
  stepWords,
} from "./vocabulary.ts";

/** Evidence items a customer message lists; the rest is counted ("and 120 more"). */
export const EVIDENCE_SHOWN = 10;
/** Lines and characters of one excerpt. */
export const EXCERPT_LINES = 12;
export const EXCERPT_CHARS = 1_500;
/** Subjects listed in a message. */
export const SUBJECTS_SHOWN = 20;

export interface BrandFacts {
  id: string;
  name: string;
  /** The case reference's words, "Extin abuse" in "[Extin abuse #123]". */
  reference: string;
  abuseAddress: string;
  timeZone: string;
}

export interface Identity {
  name?: string | null;
  email?: string | null;
  org?: string | null;
}

export interface EventFacts {
  category: string;
  occurredAt: Date | null;
  receivedAt: Date;
  subject: {
    ip?: string | null;
    port?: number | null;
    url?: string | null;
    domain?: string | null;
    email?: string | null;
    phone?: string | null;
  };
  details: Record<string, unknown>;
}

export interface CaseFacts {
  id: number;
  category: string;
  kind: string;
  openedAt: Date;
  customer: { id: string; name: string; contactEmails: string[] } | null;
  subjects: string[];
}

/** "[Extin abuse #123]" without the brackets. */
export function caseReference(brand: Pick<BrandFacts, "reference">, caseId: number): string {
  return `${brand.reference} #${caseId}`;
}

/** The subject as sent: the case reference first, so that a reply finds its case (see threading.ts). */
export function withReference(subject: string, reference: string | null): string {
  if (!reference) return oneLine(subject);
  const tag = `[${reference}]`;
  return oneLine(subject.includes(tag) ? subject : `${tag} ${subject}`, 300);
}

function common(brand: BrandFacts, language: Language, now: Date): TemplateData {
  return {
    brand: { name: brand.name, abuse_address: brand.abuseAddress, reference: brand.reference },
    language,
    today: formatDay(now, language, brand.timeZone),
  };
}

// ---------------------------------------------------------------------------------------------------
// Redaction

/** Parts of an identity that name a person or organisation (the same marks test/leaks.ts looks for). */
export function identityMarks(who: readonly Identity[]): string[] {
  const marks = new Set<string>();
  for (const r of who) {
    for (const m of [r.name, r.email, r.org]) {
      const v = m?.trim().toLowerCase();
      if (v && v.length >= 3) marks.add(v);
    }
    const email = r.email?.trim().toLowerCase();
    const [local, domain] = email?.split("@") ?? [];
    if (local && local.length >= 5 && !/^(abuse|noreply|no-reply|postmaster|report|reports)$/.test(local))
      marks.add(local);
    if (domain && domain.length >= 4) marks.add(domain);
  }
  // Longest first, so that an address goes before its own local part.
  return [...marks].sort((a, b) => b.length - a.length);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces every mark (case-insensitive) with "[…]". */
export function redactMarks(text: string, marks: readonly string[]): string {
  let out = text;
  for (const m of marks) out = out.replace(new RegExp(escapeRe(m), "gi"), "[…]");
  return out;
}

const EMAIL = /[A-Za-z0-9._%+=-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;

/** E-mail addresses that are not at one of `keepDomains` become "[address removed]". */
export function redactAddresses(text: string, keepDomains: ReadonlySet<string>): string {
  return text.replace(EMAIL, (addr) => {
    const domain = addr.slice(addr.lastIndexOf("@") + 1).toLowerCase();
    for (const d of keepDomains) if (domain === d || domain.endsWith(`.${d}`)) return addr;
    return "[address removed]";
  });
}

/** Domains that are the customer's own: its contact addresses and the subjects of its case. */
export function customerDomains(kase: CaseFacts, events: readonly EventFacts[]): Set<string> {
  const out = new Set<string>();
  const add = (d: string | null | undefined) => {
    const v = d
      ?.trim()
      .toLowerCase()
      .replace(/^www\./, "");
    if (v?.includes(".")) out.add(v);
  };
  for (const e of kase.customer?.contactEmails ?? []) add(e.split("@")[1]);
  for (const e of events) {
    add(e.subject.domain);
    add(e.subject.email?.split("@")[1]);
    if (e.subject.url) {
      try {
        add(new URL(e.subject.url).hostname);
      } catch {
        // not a URL we can read: nothing to keep
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Evidence

/** Header fields of the offending message that say where it came from, not who received it. */
const SAFE_HEADERS = new Set([
  "received",
  "from",
  "return-path",
  "sender",
  "subject",
  "date",
  "message-id",
  "x-mailer",
  "user-agent",
  "list-unsubscribe",
]);

/** Keys of parsed details worth showing (feed rows, feedback types), never the reporter's own fields. */
const SAFE_DETAIL =
  /^(feedbacktype|feedback_type|infection|family|tag|protocol|transport|hostname|http_host|http_url|application|type|status|version|banner|report_?type|source|port|asn|url)$/i;

/** The lines of an offending message's headers a customer may see: sending side only, bounded. */
export function safeHeaderExcerpt(headerText: string): string[] {
  const unfolded = headerText.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/);
  const lines: string[] = [];
  for (const line of unfolded) {
    if (lines.length >= EXCERPT_LINES) break;
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!SAFE_HEADERS.has(name)) continue;
    let value = line.slice(i + 1).trim();
    if (name === "received") {
      // Keep "from …" (the sending host) and the time; the "by …" part names the receiving side.
      const from = /^(from\s[\s\S]*?)(?=\s+by\s|\s+with\s|\s+for\s|;|$)/i.exec(value)?.[1];
      const when = value.includes(";") ? value.slice(value.lastIndexOf(";") + 1).trim() : "";
      if (!from) continue;
      value = `${from}${when ? `; ${when}` : ""}`;
    }
    lines.push(`${line.slice(0, i).trim()}: ${value}`.slice(0, 300));
  }
  return lines;
}

function detailExcerpt(details: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const visit = (obj: Record<string, unknown>, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      if (lines.length >= EXCERPT_LINES) return;
      if (
        v &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        depth === 0 &&
        (k === "row" || k === "attachment")
      )
        visit(v as Record<string, unknown>, 1);
      else if ((typeof v === "string" || typeof v === "number") && SAFE_DETAIL.test(k) && String(v).trim())
        lines.push(`${k}: ${String(v)}`.slice(0, 200));
    }
  };
  visit(details, 0);
  return lines;
}

/** Text from a report that goes to a customer: no reporter, no third party's address, no control characters. */
export function cleanForCustomer(
  text: string,
  marks: readonly string[],
  keepDomains: ReadonlySet<string>,
): string {
  const noControls = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "");
  return redactAddresses(redactMarks(noControls, marks), keepDomains);
}

function indent(lines: readonly string[]): string {
  let text = lines.join("\n");
  if (text.length > EXCERPT_CHARS) text = `${text.slice(0, EXCERPT_CHARS)}…`;
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

export function addressOf(s: EventFacts["subject"]): string {
  if (s.url) return s.url;
  if (s.ip) return s.port ? `${s.ip.includes(":") ? `[${s.ip}]` : s.ip}:${s.port}` : s.ip;
  return s.domain ?? s.email ?? s.phone ?? "";
}

export interface EvidenceOptions {
  language: Language;
  timeZone: string;
  /** Everyone who reported it: never named to the customer. */
  reporters: readonly Identity[];
  keepDomains: ReadonlySet<string>;
}

/** What happened, when, from which address, and an excerpt a customer may see; at most EVIDENCE_SHOWN. */
export function evidenceFor(events: readonly EventFacts[], opts: EvidenceOptions) {
  const marks = identityMarks(opts.reporters);
  const items = events.slice(0, EVIDENCE_SHOWN).map((e, _i) => {
    const headers =
      typeof e.details.originalHeaders === "string" ? safeHeaderExcerpt(e.details.originalHeaders) : [];
    // A notifier's own words are never excerpted: a signature can name them in ways no desk recognises.
    const lines = headers.length > 0 ? headers : detailExcerpt(e.details);
    const excerpt =
      lines.length > 0 ? indent(lines.map((l) => cleanForCustomer(l, marks, opts.keepDomains))) : "";
    return {
      what: categoryWords(e.category, opts.language),
      when: formatMoment(e.occurredAt ?? e.receivedAt, opts.language, opts.timeZone),
      address: cleanForCustomer(addressOf(e.subject), marks, opts.keepDomains),
      excerpt,
    };
  });
  return items;
}

// ---------------------------------------------------------------------------------------------------
// The data of each kind of message

export interface ReportFacts {
  id: number;
  receivedAt: Date;
  subject: string | null;
  subjects: string[];
  missing: string[];
}

/** For the reporter: their report and the references of its cases; nothing about the customer. */
export function reporterData(
  brand: BrandFacts,
  language: Language,
  now: Date,
  report: ReportFacts,
  extra: {
    caseIds: readonly number[];
    followUrl: string;
    replyDue: Date | null;
    kase?: { id: number; category: string; openedAt: Date } | null;
    step?: Step | null;
  },
): TemplateData {
  const tz = brand.timeZone;
  const data: TemplateData = {
    ...common(brand, language, now),
    report: {
      number: report.id,
      received_at: formatMoment(report.receivedAt, language, tz),
      subject: oneLine(report.subject ?? "", 120),
      subjects: report.subjects.slice(0, SUBJECTS_SHOWN),
    },
    cases: extra.caseIds.map((id) => ({ reference: caseReference(brand, id), number: id })),
    follow_url: extra.followUrl,
    reply_due: extra.replyDue ? formatMoment(extra.replyDue, language, tz) : "",
    missing: report.missing.map((code) => ({ code, text: missingWords(code, language) })),
    step: extra.step ? stepWords(extra.step, language) : "",
    ...noticeBlanks(),
  };
  if (extra.kase) data.case = caseData(brand, language, extra.kase);
  return data;
}

/**
 * `notice.*`, `complaint.*` and `misuse.*` as blanks: a letter about a notice gets them from the part that
 * decided it (src/ntd/), every other letter may test them (`{% if notice.reference %}`) and finds nothing.
 */
export function noticeBlanks(): TemplateData {
  const out: Record<string, Record<string, unknown>> = Object.create(null);
  for (const v of NOTICE_VARIABLES) {
    const [group, field] = v.split(".") as [string, string];
    out[group] ??= Object.create(null) as Record<string, unknown>;
    out[group][field] = null;
  }
  return out;
}

function caseData(
  brand: BrandFacts,
  language: Language,
  kase: { id: number; category: string; openedAt: Date },
): TemplateData {
  return {
    number: kase.id,
    reference: caseReference(brand, kase.id),
    category: categoryWords(kase.category, language),
    opened_at: formatDay(kase.openedAt, language, brand.timeZone),
  };
}

export interface CustomerExtra {
  step: Step | null;
  clause: { document: string; article: string; quote: string } | null;
  deadline: { name: string; dueAt: Date; source: string } | null;
  decidedByPerson: boolean;
  portalUrl: string;
  /** Set only when the brand's profile passes the reporter's identity to the customer. */
  reporter?: Identity | null;
  measure?: { step: Step; at: Date; note: string | null } | null;
}

/** For the customer: its case, the evidence without the reporter, the clause, the term, the portal. */
export function customerData(
  brand: BrandFacts,
  language: Language,
  now: Date,
  kase: CaseFacts,
  events: readonly EventFacts[],
  eventTotal: number,
  evidence: EvidenceOptions,
  extra: CustomerExtra,
): TemplateData {
  const tz = brand.timeZone;
  const marks = identityMarks(evidence.reporters);
  const data: TemplateData = {
    ...common(brand, language, now),
    case: caseData(brand, language, kase),
    customer: { name: kase.customer?.name ?? "", number: kase.customer?.id ?? "" },
    evidence: evidenceFor(events, { ...evidence, language, timeZone: tz }),
    evidence_total: eventTotal,
    subjects: kase.subjects
      .slice(0, SUBJECTS_SHOWN)
      .map((s) => cleanForCustomer(s, marks, evidence.keepDomains)),
    clause: extra.clause ?? { document: "", article: "", quote: "" },
    deadline: extra.deadline
      ? {
          name: deadlineWords(extra.deadline.name, language),
          due: formatMoment(extra.deadline.dueAt, language, tz),
          source: extra.deadline.source,
        }
      : { name: "", due: "", source: "" },
    step: extra.step ? stepWords(extra.step, language) : "",
    decided_by_person: extra.decidedByPerson,
    portal_url: extra.portalUrl,
    measure: extra.measure
      ? {
          step: stepWords(extra.measure.step, language),
          at: formatMoment(extra.measure.at, language, tz),
          note: extra.measure.note ? cleanForCustomer(extra.measure.note, marks, evidence.keepDomains) : "",
        }
      : { step: "", at: "", note: "" },
    ...noticeBlanks(),
  };
  if (extra.reporter)
    data.reporter = {
      name: extra.reporter.name ?? "",
      email: extra.reporter.email ?? "",
      org: extra.reporter.org ?? "",
    };
  return data;
}

export interface OrderFacts {
  authority: string;
  reference: string;
  legalBasis: string;
  receivedAt: Date;
  dueAt: Date;
  executedAt: Date;
  tookSeconds: number;
  deadlineMet: boolean;
  actions: { caseId: number; step: Step; doneAt: Date }[];
}

export function orderData(brand: BrandFacts, language: Language, now: Date, o: OrderFacts): TemplateData {
  const tz = brand.timeZone;
  return {
    ...common(brand, language, now),
    order: {
      authority: o.authority,
      reference: o.reference,
      legal_basis: o.legalBasis,
      received_at: formatMoment(o.receivedAt, language, tz),
      due_at: formatMoment(o.dueAt, language, tz),
      executed_at: formatMoment(o.executedAt, language, tz),
      took: formatDuration(o.tookSeconds, language),
      deadline_met: o.deadlineMet,
      actions: o.actions.map((a) => ({
        case: caseReference(brand, a.caseId),
        step: stepWords(a.step, language),
        done_at: formatMoment(a.doneAt, language, tz),
      })),
    },
  };
}

export function escalationData(
  brand: BrandFacts,
  language: Language,
  now: Date,
  kase: { id: number; category: string; openedAt: Date },
  e: { reason: string; deadline: string | null; dueAt: Date | null; source: string | null },
  consoleUrl: string,
): TemplateData {
  return {
    ...common(brand, language, now),
    case: caseData(brand, language, kase),
    escalation: {
      reason: e.reason,
      deadline: e.deadline ? deadlineWords(e.deadline, language) : "",
      due: e.dueAt ? formatMoment(e.dueAt, language, brand.timeZone) : "",
      source: e.source ?? "",
    },
    console_url: consoleUrl,
  };
}

/** Renders a template and puts the case reference in front of its subject. */
export function composeText(
  t: MessageTemplate,
  data: TemplateData,
  reference: string | null,
): { subject: string; body: string } {
  const r = renderTemplate(t, data);
  return { subject: withReference(r.subject, reference), body: r.body };
}

/** Why a step is worth a line in an English audit entry ("warning", "suspension"). */
export function stepNoun(step: Step): string {
  return STEP_NOUNS[step];
}
