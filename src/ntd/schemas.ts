/** The zod schemas of the notices API, and how a notice is presented. */
import { z } from "zod";
import { CATEGORY_IDS, type Category } from "../taxonomy.ts";
import type { ComplaintRow, NoticeRow, ProcedureWithDue } from "./notices.store.ts";
import {
  COMPLAINT_OUTCOMES,
  DECISION_BASES,
  DECISIONS,
  MAX_EXPLANATION_CHARS,
  MAX_LOCATION_CHARS,
  MAX_NOTICE_LOCATIONS,
  MAX_SHORT_FIELD_CHARS,
  MAX_STATEMENT_CHARS,
  NOT_HOSTED,
  NTD_STATES,
  type NtdState,
  OPEN_NTD_STATES,
  PROCEDURE_STEPS,
} from "./procedure.ts";

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const iso = z.string().describe("ISO 8601 date-time (UTC)");
const short = z.string().max(MAX_SHORT_FIELD_CHARS);

export const IdParams = z.object({ id });
export const NoticeParams = z.object({
  id: z.string().min(1).max(40).describe("the notice's id or its reference (NTD-2026-000042)"),
});
export const FileParams = z.object({ id: NoticeParams.shape.id, file: id });

export const CategorySchema = z.enum(CATEGORY_IDS as [Category, ...Category[]]);

export const NoticeBody = z.object({
  brand: z.string().min(1).max(100),
  category: CategorySchema.describe("what the content is said to be (copyright, defamation, csam, …)"),
  locations: z
    .array(z.string().min(1).max(MAX_LOCATION_CHARS))
    .min(1)
    .max(MAX_NOTICE_LOCATIONS)
    .describe("the exact URLs of the content (DSA art. 16(2)(b))"),
  explanation: z
    .string()
    .max(MAX_EXPLANATION_CHARS)
    .optional()
    .describe("why it is unlawful (art. 16(2)(a))"),
  notifier: z
    .object({
      name: short.optional(),
      email: z.email().max(320).optional(),
      org: short.optional(),
      role: short.optional().describe("rights_holder, victim, representative, authority, other"),
    })
    .optional(),
  interest: short.optional().describe("the notifier's interest (NTD code)"),
  legal_ground: short.optional().describe("the legal ground claimed (NTD code)"),
  good_faith: z.boolean().default(false).describe("the statement of art. 16(2)(d)"),
  language: z.enum(["nl", "en"]).optional(),
});

export const StepBody = z.object({
  step: z.enum(PROCEDURE_STEPS),
  cases: z.array(id).min(1).max(MAX_NOTICE_LOCATIONS).optional(),
  reason: z.string().max(MAX_STATEMENT_CHARS).optional(),
  decision: z.enum(DECISIONS).optional(),
  basis: z.enum(DECISION_BASES).optional(),
  ground: z
    .object({
      kind: z.enum(["law", "terms"]),
      document: z.string().min(1).max(500),
      article: z.string().max(500).optional(),
      quote: z.string().max(5000).optional(),
    })
    .optional(),
  manifestly_unfounded: z.boolean().optional(),
  content_removed: z.boolean().optional(),
  text: z.string().max(MAX_STATEMENT_CHARS).optional(),
  consent: z.object({ notifier: z.boolean(), customer: z.boolean() }).optional(),
  supplied: z
    .object({
      explanation: z.string().max(MAX_EXPLANATION_CHARS).optional(),
      name: short.optional(),
      email: z.email().max(320).optional(),
      legal_ground: short.optional(),
      interest: short.optional(),
      good_faith: z.boolean().optional(),
    })
    .optional(),
});

export const NoticeListQuery = z.object({
  state: z.enum(NTD_STATES).optional(),
  brand: z.string().max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const ComplaintBody = z.object({
  case_id: id.optional(),
  complainant: z.enum(["notifier", "customer"]),
  text: z.string().min(1).max(MAX_STATEMENT_CHARS),
  channel: z.enum(["api", "mail"]).default("api"),
});
export const ComplaintListQuery = z.object({
  state: z.enum(["open", "decided"]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const OutcomeBody = z.object({
  outcome: z.enum(COMPLAINT_OUTCOMES),
  reason: z.string().max(MAX_STATEMENT_CHARS).optional(),
});

export const TrustBody = z.object({ trusted: z.boolean(), reason: z.string().max(2000).optional() });
export const SuspensionBody = z.object({
  until: z.iso.datetime({ offset: true }).nullable().describe("null lifts the suspension"),
  reason: z.string().max(2000).optional(),
});
export const ThreatBody = z.object({ reason: z.string().max(5000).optional() });
export const ThreatReportedBody = z.object({
  authority: z.string().max(300).optional(),
  reference: z.string().max(300).optional(),
});
export const TransparencyQuery = z.object({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});

const Due = z.object({ name: z.string(), due_at: iso, source: z.string() }).nullable();

const ComplaintView = z.object({
  id: z.number(),
  case_id: z.number(),
  notice_id: z.number(),
  complainant: z.enum(["notifier", "customer"]),
  channel: z.string(),
  text: z.string(),
  received_at: iso,
  due_at: iso,
  recorded_by: z.string(),
  outcome: z.enum(COMPLAINT_OUTCOMES).nullable(),
  outcome_reason: z.string().nullable(),
  decided_at: iso.nullable(),
  decided_by: z.string().nullable(),
});

const ProcedureView = z.object({
  case_id: z.number(),
  location: z.string(),
  customer: z.string().nullable(),
  state: z.enum(NTD_STATES),
  state_since: iso,
  case_state: z.string(),
  due: Due,
  forwarded_at: iso.nullable(),
  reaction: z.string().nullable(),
  reaction_at: iso.nullable(),
  rebuttal: z.string().nullable(),
  rebuttal_at: iso.nullable(),
  decision: z.enum(DECISIONS).nullable(),
  decision_basis: z.enum(DECISION_BASES).nullable(),
  decision_reason: z.string().nullable(),
  decision_ground: z.unknown().nullable(),
  manifestly_unfounded: z.boolean(),
  decided_at: iso.nullable(),
  decided_by: z.string().nullable(),
  action_id: z.number().nullable(),
});

export const NoticeView = z.object({
  id: z.number(),
  reference: z.string(),
  brand: z.string(),
  channel: z.enum(["form", "api", "mail"]),
  report_id: z.number(),
  received_at: iso,
  state: z.string().describe(`the least advanced procedure's state; ${NOT_HOSTED} when no location is ours`),
  category: z.string(),
  locations: z.array(z.string()),
  unresolved: z.array(z.string()),
  explanation: z.string().nullable(),
  legal_ground: z.string().nullable(),
  interest: z.string().nullable(),
  good_faith: z.boolean(),
  missing: z.array(z.string()),
  trusted: z.boolean(),
  anonymous: z.boolean(),
  notifier: z.object({
    reporter_id: z.number().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    role: z.string().nullable(),
  }),
  procedures: z.array(ProcedureView),
  complaints: z.array(ComplaintView),
  files: z.array(z.object({ id: z.number(), filename: z.string(), size: z.number(), sha256: z.string() })),
});
export const NoticeList = z.object({ items: z.array(NoticeView), next_cursor: z.string().nullable() });
export const ComplaintList = z.object({
  items: z.array(ComplaintView.extend({ reference: z.string(), brand: z.string() })),
  next_cursor: z.string().nullable(),
});

const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const isoOf = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** The state a notice is in as a whole: the least advanced of its procedures. */
export function noticeState(procedures: readonly { state: NtdState }[]): string {
  if (procedures.length === 0) return NOT_HOSTED;
  const order: readonly NtdState[] = [...OPEN_NTD_STATES, "lapsed", "decided"];
  return order.find((s) => procedures.some((p) => p.state === s)) ?? procedures[0]!.state;
}

export function presentComplaint(c: ComplaintRow) {
  return {
    id: Number(c.id),
    case_id: Number(c.case_id),
    notice_id: Number(c.notice_id),
    complainant: c.complainant,
    channel: c.channel,
    text: c.text,
    received_at: isoOf(c.received_at),
    due_at: isoOf(c.due_at),
    recorded_by: c.recorded_by,
    outcome: c.outcome,
    outcome_reason: c.outcome_reason,
    decided_at: isoOrNull(c.decided_at),
    decided_by: c.decided_by,
  };
}

export function presentNotice(
  n: NoticeRow,
  procedures: readonly ProcedureWithDue[],
  complaints: readonly ComplaintRow[],
  files: readonly { id: number; filename: string; size: number; sha256: string }[],
): z.output<typeof NoticeView> {
  const own = procedures.filter((p) => Number(p.notice_id) === Number(n.id));
  return {
    id: Number(n.id),
    reference: n.reference,
    brand: n.brand_id,
    channel: n.channel,
    report_id: Number(n.report_id),
    received_at: isoOf(n.received_at),
    state: noticeState(own),
    category: n.category,
    locations: n.locations,
    unresolved: n.unresolved,
    explanation: n.explanation,
    legal_ground: n.legal_ground,
    interest: n.interest,
    good_faith: n.good_faith,
    missing: n.missing,
    trusted: n.trusted,
    anonymous: n.anonymous,
    notifier: {
      reporter_id: n.reporter_id === null ? null : Number(n.reporter_id),
      name: n.notifier_name,
      email: n.notifier_email,
      role: n.notifier_role,
    },
    procedures: own.map((p) => ({
      case_id: Number(p.case_id),
      location: p.location,
      customer: p.customer_id,
      state: p.state,
      state_since: isoOf(p.state_since),
      case_state: p.case_state,
      due: p.due ? { ...p.due, due_at: isoOf(p.due.due_at) } : null,
      forwarded_at: isoOrNull(p.forwarded_at ? new Date(p.forwarded_at) : null),
      reaction: p.reaction,
      reaction_at: isoOrNull(p.reaction_at ? new Date(p.reaction_at) : null),
      rebuttal: p.rebuttal,
      rebuttal_at: isoOrNull(p.rebuttal_at ? new Date(p.rebuttal_at) : null),
      decision: p.decision,
      decision_basis: p.decision_basis,
      decision_reason: p.decision_reason,
      decision_ground: p.decision_ground ?? null,
      manifestly_unfounded: p.manifestly_unfounded,
      decided_at: isoOrNull(p.decided_at ? new Date(p.decided_at) : null),
      decided_by: p.decided_by,
      action_id: p.action_id === null ? null : Number(p.action_id),
    })),
    complaints: complaints.filter((c) => Number(c.notice_id) === Number(n.id)).map(presentComplaint),
    files: files.map((f) => ({ id: Number(f.id), filename: f.filename, size: f.size, sha256: f.sha256 })),
  };
}
