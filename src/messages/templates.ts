/**
 * Message templates (SPEC C8): what each message says, per brand and language, as files an operator can
 * override. Pure: text in, a checked template out; a template and its variables in, subject and body out.
 *
 * A template file is Markdown-like plain text with a YAML front matter:
 *
 *   ---
 *   party: customer                       # who gets it: reporter, customer, authority, other
 *   meets: []                             # deadlines it meets once sent, e.g. [acknowledge_receipt]
 *   subject: "Waarschuwing: {{ case.category }}"
 *   variables: [case.category, customer.name, evidence]
 *   ---
 *   Geachte {{ customer.name }}, …
 *
 * Variables are written in Liquid (`{{ x }}`, `{% if %}`, `{% for %}`). Every variable a template uses must
 * be declared, and every declared variable must be one the desk supplies for that template; a template
 * that breaks either rule stops the desk at start, so that a letter never goes out with a blank in it.
 */
import { Liquid, type Template as LiquidTemplate } from "liquidjs";
import YAML from "yaml";
import { z } from "zod";
import type { MessageParty } from "../db/schema.ts";
import { STANDARD_DEADLINES } from "../policy/schema.ts";
import type { Language } from "./vocabulary.ts";

/** Variables of notices, complaints and misuse (src/ntd/: notices.ts and facts.ts supply them). */
export const NOTICE_VARIABLES = [
  "notice.reference",
  "notice.category",
  "notice.location",
  "notice.locations",
  "notice.unresolved",
  "notice.legal_ground",
  "notice.explanation",
  "notice.missing",
  "notice.completeness_due",
  "notice.reaction",
  "notice.rebuttal_due",
  "notice.decision",
  "notice.decision_text",
  "notice.reason",
  "notice.ground",
  "notice.automated",
  "notice.contact",
  "notice.redress",
  "complaint.number",
  "complaint.received_at",
  "complaint.outcome",
  "complaint.outcome_text",
  "complaint.reason",
  "misuse.kind",
  "misuse.until",
  "misuse.count",
  "misuse.source",
] as const;

/** Variables every template may use. */
const COMMON = ["brand.name", "brand.abuse_address", "brand.reference", "language", "today"] as const;
/** What a reporter may be told: their report and its cases' references, never who the customer is. */
const REPORT = [
  "report.number",
  "report.received_at",
  "report.subject",
  "report.subjects",
  "cases",
  "follow_url",
  "reply_due",
] as const;
const CASE = ["case.number", "case.reference", "case.category", "case.opened_at"] as const;
/** What a customer is told about its case (the reporter is not among it, see REPORTER_IDENTITY). */
const CUSTOMER_CASE = [
  ...CASE,
  "customer.name",
  "customer.number",
  "evidence",
  "evidence_total",
  "subjects",
  "clause.document",
  "clause.article",
  "clause.quote",
  "deadline.name",
  "deadline.due",
  "deadline.source",
  "step",
  "decided_by_person",
  "portal_url",
  ...NOTICE_VARIABLES,
] as const;
/** Only for a brand whose profile passes the reporter's identity to the customer (`always`). */
export const REPORTER_IDENTITY = ["reporter.name", "reporter.email", "reporter.org"] as const;
const MEASURE = ["measure.step", "measure.at", "measure.note"] as const;
const ORDER = [
  "order.authority",
  "order.reference",
  "order.legal_basis",
  "order.received_at",
  "order.due_at",
  "order.executed_at",
  "order.took",
  "order.deadline_met",
  "order.actions",
] as const;
const ESCALATION = [
  "escalation.reason",
  "escalation.deadline",
  "escalation.due",
  "escalation.source",
  "console_url",
] as const;

export interface TemplateSpec {
  party: MessageParty;
  /** Variables the desk supplies for it. */
  variables: readonly string[];
  /** What it is, for docs and errors. */
  about: string;
}

/** The templates the desk itself sends; an operator may add others for steps (`messages.templates`). */
export const TEMPLATE_SPECS = {
  acknowledgement: {
    party: "reporter",
    variables: [...COMMON, ...REPORT],
    about: "acknowledgement of receipt to whoever wrote to the abuse address",
  },
  missing_information: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, "missing"],
    about: "acknowledgement that asks the reporter for what the report lacks",
  },
  reporter_update: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, ...CASE, "step"],
    about: "what was done about the report (without the customer's identity)",
  },
  notice: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about: "warning to the customer, with the evidence",
  },
  request_information: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about: "request to the customer to react (an NTD notice forwarded, a verification)",
  },
  reminder: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about: "reminder of an earlier message that was not answered",
  },
  notice_of_default: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about: "notice of default: the term to comply, then the measure that follows",
  },
  decision: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about: "decision and statement of reasons (DSA art. 17) for a measure",
  },
  measure_taken: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE, ...MEASURE],
    about: "the measure is in force",
  },
  measure_lifted: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE, ...MEASURE],
    about: "the measure was lifted",
  },
  notice_received: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, ...NOTICE_VARIABLES],
    about:
      "acknowledgement of a notice (DSA art. 16(4)): its reference, what it lacks, the link to follow it",
  },
  notice_reaction: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, ...CASE, ...NOTICE_VARIABLES],
    about:
      "the content provider's reaction to a notice, forwarded to the notifier, with the term for a rebuttal",
  },
  notice_decision: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, ...CASE, ...NOTICE_VARIABLES],
    about: "the decision on a notice with its reasons and redress (DSA art. 16(5))",
  },
  notice_decision_customer: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about:
      "the decision on a notice about the customer's content, with its reasons and redress (DSA art. 17)",
  },
  complaint_outcome: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, ...CASE, ...NOTICE_VARIABLES],
    about: "the outcome of the notifier's complaint about a decision (DSA art. 20(5))",
  },
  complaint_outcome_customer: {
    party: "customer",
    variables: [...COMMON, ...CUSTOMER_CASE],
    about: "the outcome of the customer's complaint about a decision (DSA art. 20(5))",
  },
  notifier_misuse: {
    party: "reporter",
    variables: [...COMMON, ...REPORT, ...NOTICE_VARIABLES],
    about: "warning or suspension of a notifier whose notices are manifestly unfounded (DSA art. 23(2))",
  },
  order_confirmation: {
    party: "authority",
    variables: [...COMMON, ...ORDER],
    about: "confirmation to an authority that its order was carried out",
  },
  escalation: {
    party: "other",
    variables: [...COMMON, ...CASE, ...ESCALATION],
    about: "escalation of an overdue case to the brand's supervisors",
  },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateName = keyof typeof TEMPLATE_SPECS;
export const TEMPLATE_NAMES = Object.keys(TEMPLATE_SPECS) as TemplateName[];

export function isKnownTemplate(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATE_SPECS, name);
}

/** An operator's own template (named by a profile) may use what the built-in ones of its party use. */
const PARTY_VARIABLES: Readonly<Record<MessageParty, readonly string[]>> = {
  reporter: [...COMMON, ...REPORT, ...CASE, "missing", "step", ...NOTICE_VARIABLES],
  customer: [...COMMON, ...CUSTOMER_CASE, ...MEASURE],
  authority: [...COMMON, ...ORDER],
  other: [...COMMON, ...CASE, ...ESCALATION],
};

export function specOf(name: string, party: MessageParty): TemplateSpec {
  if (isKnownTemplate(name)) return TEMPLATE_SPECS[name];
  return { party, variables: PARTY_VARIABLES[party], about: `the operator's template ${name}` };
}

const FrontMatter = z.strictObject({
  party: z.enum(["reporter", "customer", "authority", "other"]),
  subject: z.string().trim().min(1, "a message needs a subject").max(500),
  meets: z.array(z.string()).default([]),
  variables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/)).default([]),
});

export interface MessageTemplate {
  name: string;
  language: Language;
  /** The brand it belongs to; null for the desk-wide one. */
  brand: string | null;
  /** Where it came from, for errors. */
  source: string;
  party: MessageParty;
  meets: string[];
  variables: string[];
  subject: LiquidTemplate[];
  body: LiquidTemplate[];
}

export type TemplateData = Record<string, unknown>;

export class TemplateError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = "TemplateError";
  }
}

/** Liquid set up for plain-text letters: strict about every name, no files, no prototypes, bounded work. */
const engine = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  jsTruthy: true,
  // Includes would read other files; a letter is one file.
  templates: {},
  parseLimit: 1_000_000,
  renderLimit: 2_000,
  memoryLimit: 50_000_000,
});

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Reads a template file's text; throws TemplateError (with the file) for what is wrong in it. */
export function parseTemplate(
  text: string,
  where: { name: string; language: Language; brand: string | null; source: string },
): MessageTemplate {
  const m = FRONT.exec(text.replace(/^\uFEFF/, ""));
  if (!m)
    throw new TemplateError(
      where.source,
      "a template starts with a front matter between two lines of ---, holding party, subject, meets and variables",
    );
  let head: unknown;
  try {
    head = YAML.parse(m[1]!);
  } catch (err) {
    throw new TemplateError(where.source, `the front matter is not YAML: ${(err as Error).message}`);
  }
  const fm = FrontMatter.safeParse(head);
  if (!fm.success) {
    const issue = fm.error.issues[0]!;
    throw new TemplateError(where.source, `front matter ${issue.path.join(".") || ""}: ${issue.message}`);
  }
  for (const d of fm.data.meets)
    if (!(STANDARD_DEADLINES as readonly string[]).includes(d))
      throw new TemplateError(
        where.source,
        `meets: "${d}" is not a deadline the desk keeps; use one of ${STANDARD_DEADLINES.join(", ")}`,
      );
  let subject: LiquidTemplate[];
  let body: LiquidTemplate[];
  try {
    subject = engine.parse(fm.data.subject);
    body = engine.parse(standalone(m[2]!));
  } catch (err) {
    throw new TemplateError(where.source, `Liquid syntax: ${(err as Error).message.split("\n")[0]}`);
  }
  return {
    ...where,
    party: fm.data.party,
    meets: fm.data.meets,
    variables: fm.data.variables,
    subject,
    body,
  };
}

/**
 * A line that holds only tags (`{% if x %}`, `{% endfor %}`) leaves no line behind, as in Mustache: the
 * template reads like the letter, and a tag inside a sentence keeps the spaces around it.
 */
function standalone(text: string): string {
  return text.replace(/^[ \t]*((?:\{%[^\n]*?%\}[ \t]*)+)\r?\n/gm, (_m, tags: string) => tags.trim());
}

/** What the desk supplies for a template of this brand: the spec's variables, and the reporter when allowed. */
export interface SupplyRules {
  /** The brand's profile passes the reporter's identity to the customer (`reporter_identity: always`). */
  reporterIdentityAllowed: boolean;
}

const covers = (declared: string, used: string) => used === declared || used.startsWith(`${declared}.`);

/**
 * Checks a template against what it declares and what the desk supplies. Returns the problems, each a
 * sentence that says what to change.
 */
export function checkTemplate(t: MessageTemplate, rules: SupplyRules): string[] {
  const problems: string[] = [];
  const spec = specOf(t.name, t.party);
  if (t.party !== spec.party)
    problems.push(
      `party is ${t.party}, but ${t.name} is written to the ${spec.party}; a template cannot change who gets it`,
    );
  const supplied = [...spec.variables];
  if (spec.party === "customer" && rules.reporterIdentityAllowed) supplied.push(...REPORTER_IDENTITY);
  for (const v of t.variables) {
    if (supplied.some((s) => covers(v, s) || covers(s, v))) continue;
    if (v.startsWith("customer") && spec.party !== "customer")
      problems.push(
        `declares ${v}, but the customer's identity never reaches the ${spec.party}; remove it from the template`,
      );
    else if (v.startsWith("reporter") && spec.party === "customer")
      problems.push(
        `declares ${v}, but this brand's profile does not pass the reporter's identity to the customer (reporter_identity.pass_to_customer); remove it`,
      );
    else
      problems.push(
        `declares ${v}, which the desk does not supply for ${t.name}; it supplies ${supplied.join(", ")}`,
      );
  }
  const used = [
    ...engine.globalVariableSegmentsSync(t.subject),
    ...engine.globalVariableSegmentsSync(t.body),
  ].map((segments) => segments.filter((s) => typeof s === "string").join("."));
  for (const u of new Set(used))
    if (!t.variables.some((d) => covers(d, u)))
      problems.push(`uses ${u} but does not declare it; add it to variables in the front matter`);
  if (problems.length === 0) {
    // A trial run with every supplied variable filled in finds names used inside loops ({{ e.wat }}).
    try {
      renderTemplate(t, sampleData(supplied));
    } catch (err) {
      problems.push(`cannot be rendered: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  return problems;
}

/** The subject on one line and the body as plain text. Throws when a variable is missing (strict). */
export function renderTemplate(t: MessageTemplate, data: TemplateData): { subject: string; body: string } {
  const subject = oneLine(String(engine.renderSync(t.subject, data)));
  const body = String(engine.renderSync(t.body, data))
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { subject, body: `${body}\n` };
}

/** Header-safe text: no control characters (no CR/LF that could start a header), one line, bounded. */
export function oneLine(s: string, max = 250): string {
  const flat = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One example of every variable a template may get: lists hold one item with every field. */
export const SAMPLE_ITEMS: Readonly<Record<string, unknown>> = {
  cases: [{ reference: "Brand abuse #1", number: 1 }],
  evidence: [
    {
      what: "Spam",
      when: "1 January 2026 10:00 (CET)",
      address: "192.0.2.1",
      excerpt: "Received: from …",
    },
  ],
  missing: [{ code: "technical_data", text: "technical data" }],
  "report.subjects": ["192.0.2.1"],
  subjects: ["192.0.2.1"],
  "order.actions": [{ case: "Brand abuse #1", step: "suspending the service", done_at: "1 January 2026" }],
  "notice.locations": ["https://example.com/page"],
  "notice.unresolved": ["https://elsewhere.example/page"],
  "notice.missing": ["your name"],
};

/** Data for a trial render: every name filled in (true for flags, examples for lists). */
export function sampleData(names: readonly string[]): TemplateData {
  const data: Record<string, unknown> = Object.create(null);
  for (const name of names) {
    const path = name.split(".");
    let at = data;
    for (const seg of path.slice(0, -1)) {
      if (typeof at[seg] !== "object" || at[seg] === null) at[seg] = Object.create(null);
      at = at[seg] as Record<string, unknown>;
    }
    const leaf = path.at(-1)!;
    at[leaf] =
      SAMPLE_ITEMS[name] ??
      (name === "decided_by_person" || name === "order.deadline_met" ? true : `‹${name}›`);
  }
  return data;
}
