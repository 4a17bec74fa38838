/**
 * Notice-and-takedown, as the story goes (SPEC C11; the NTD code; DSA arts. 16-23): a notice arrives
 * through the public form, the API or a mail; its receipt is recorded as a report; each location is
 * resolved to the customer that hosts it and gets its own case (kind `ntd`) and procedure; the notifier is
 * acknowledged (art. 16(4)) and asked exactly for what the notice lacks. The desk then acts at once
 * (manifestly unlawful, the law, an order: the takedown is a measure), or forwards the notice to the
 * content provider without the notifier's identity, forwards the reaction back, takes in a rebuttal and
 * decides: upheld (the content goes), to_court (the provider steps back) or rejected (it stays). Each step
 * names its person and its ground, runs on the brand's calendar and tells both parties with reasons.
 * Complaints (art. 20), misuse (art. 23), trusted flaggers (art. 22) and art. 18 follow in complaints.ts.
 */

import type { Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { brandInScope } from "../auth/scope.ts";
import type { BrandCalendar } from "../calendar.ts";
import { lockCase } from "../cases/cases.store.ts";
import { moveCase } from "../cases/commands.ts";
import { isOpen } from "../cases/states.ts";
import { decide } from "../db/decide.ts";
import type { Database } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { insertEvents } from "../events/event.store.ts";
import { type MeasureDeps, sendCalls, takeActionOn } from "../measures/actions.ts";
import { classifySubject } from "../measures/payload.ts";
import { identityMarks } from "../messages/compose.ts";
import type { MessageDeps } from "../messages/outbox.ts";
import { queueMessage } from "../messages/outbox.ts";
import { formatMoment } from "../messages/vocabulary.ts";
import type { ParsedEvent } from "../parsers/types.ts";
import type { PendingEvent, Pipeline } from "../pipeline.ts";
import { calendarOf, dueAfter } from "../policy/deadlines.ts";
import { DEFAULT_NTD_POLICY, type NtdPolicy, type PolicyProfile, type Term } from "../policy/schema.ts";
import type { Category } from "../taxonomy.ts";
import { afterUnfounded } from "./complaints.ts";
import { categoryWords, withoutNotifier } from "./facts.ts";
import {
  insertNotice,
  insertNoticeFiles,
  insertNoticeReport,
  insertProcedures,
  latestCustomerWords,
  lockNotice,
  lockProcedures,
  type NoticeRow,
  type ProcedureRow,
  setClocks,
  setLead,
  setUnresolvedLocations,
  standingByEmail,
  updateNoticeContent,
  updateProcedure,
  upsertNotifier,
} from "./notices.store.ts";
import {
  AT_ONCE_BASES,
  DECISION_WORDS,
  type Decision,
  type DecisionBasis,
  ELEMENT_LABELS,
  MAX_NOTICE_LOCATIONS,
  missingElements,
  type NoticeElement,
  type NtdState,
  nextState,
  noticeReference,
  type ProcedureStep,
  redressText,
  STATE_DEADLINE,
} from "./procedure.ts";

type Trx = Transaction<Database>;

/** Who the audit log names for what the procedure does on its own (the completeness check at receipt). */
export const NTD_ACTOR = "system:ntd";

export interface NtdDeps extends MeasureDeps {
  pipeline: Pipeline;
  messages: MessageDeps | undefined;
}

// ---------------------------------------------------------------------------------------------------
// Terms

const NL_CALENDAR: BrandCalendar = { country: "NL", timeZone: "Europe/Amsterdam" };

export function ntdPolicy(profile: PolicyProfile | undefined): NtdPolicy {
  return profile?.ntd ?? DEFAULT_NTD_POLICY;
}

export function calendarFor(profile: PolicyProfile | undefined): BrandCalendar {
  return profile ? calendarOf(profile) : NL_CALENDAR;
}

/** The clock a state starts, on the brand's calendar; none for states that wait for nobody. */
export function clockFor(
  profile: PolicyProfile | undefined,
  state: NtdState,
  from: Date,
  trusted: boolean,
): { name: string; dueAt: Date; source: string } | undefined {
  const name = STATE_DEADLINE[state];
  if (!name) return undefined;
  const p = ntdPolicy(profile);
  const rule: { term: Term; source: string } =
    state === "incomplete"
      ? p.completeness
      : state === "assessment"
        ? trusted
          ? p.trusted_assessment
          : p.assessment
        : state === "forwarded"
          ? (profile?.deadlines.ntd_customer_reaction ?? {
              term: { count: 14, unit: "calendar_days", end_of_day: false },
              source: "Extin NTD: 14 calendar days",
            })
          : p.rebuttal;
  return { name, dueAt: dueAfter(from, rule.term, calendarFor(profile)), source: rule.source };
}

const lang = (l: string | null | undefined): "nl" | "en" => (l === "nl" ? "nl" : "en");

// ---------------------------------------------------------------------------------------------------
// Receiving

export interface NoticeFile {
  filename: string;
  declaredType: string | null;
  data: Buffer;
}

export interface NoticeInput {
  brand: string;
  channel: "form" | "api";
  category: Category;
  locations: string[];
  explanation?: string | null | undefined;
  notifier?:
    | {
        name?: string | null | undefined;
        email?: string | null | undefined;
        org?: string | null | undefined;
        role?: string | null | undefined;
      }
    | undefined;
  interest?: string | null | undefined;
  legal_ground?: string | null | undefined;
  good_faith: boolean;
  language?: string | undefined;
  files?: NoticeFile[] | undefined;
}

export interface NoticeReceived {
  id: number;
  reference: string;
  report_id: number;
  missing: NoticeElement[];
  cases: number[];
  unresolved: string[];
  message: number | null;
}

const clean = (s: string | null | undefined) => {
  const t = s?.trim();
  return t ? t : null;
};

/**
 * Records a notice and starts its procedures. Refused (403) while the notifier's notices are suspended
 * (art. 23), 422 for what cannot be a notice at all (no location we can read, an unknown brand).
 */
export async function receiveNotice(
  deps: NtdDeps,
  actor: Actor,
  input: NoticeInput,
): Promise<Result<NoticeReceived>> {
  if (!brandInScope(actor.brands, input.brand)) return fail(404, `there is no brand ${input.brand}`);
  const locations: { text: string; kind: "url" | "domain" | "ip"; value: string }[] = [];
  const seen = new Set<string>();
  for (const raw of input.locations.slice(0, MAX_NOTICE_LOCATIONS + 1)) {
    const text = raw.trim();
    if (!text) continue;
    const subject = classifySubject(text);
    if (!subject || (subject.kind !== "url" && subject.kind !== "domain" && subject.kind !== "ip"))
      return fail(
        422,
        `"${text.slice(0, 100)}" is not a web address; give the exact location of the content, e.g. https://example.com/page`,
      );
    if (seen.has(subject.value)) continue;
    seen.add(subject.value);
    locations.push({ text, kind: subject.kind, value: subject.value });
  }
  if (locations.length === 0)
    return fail(422, "a notice needs the exact location of the content: at least one URL");
  if (locations.length > MAX_NOTICE_LOCATIONS)
    return fail(
      422,
      `a notice names at most ${MAX_NOTICE_LOCATIONS} locations; send the others as a second notice`,
    );
  const email = clean(input.notifier?.email)?.toLowerCase() ?? null;
  const now = new Date();
  if (email) {
    const standing = await standingByEmail(deps.db, email);
    const until = standing?.notices_suspended_until;
    if (until && until.getTime() > now.getTime())
      return fail(
        403,
        `notices from ${email} are suspended until ${until.toISOString()} because too many of them were manifestly unfounded (DSA art. 23(2))${standing.notices_suspension_reason ? `: ${standing.notices_suspension_reason}` : ""}`,
      );
  }
  const profile = deps.policies.get(input.brand);
  const content = {
    category: input.category,
    explanation: clean(input.explanation),
    locations: locations.map((l) => l.value),
    notifierName: clean(input.notifier?.name),
    notifierEmail: email,
    goodFaith: input.good_faith,
    legalGround: clean(input.legal_ground),
    interest: clean(input.interest),
  };
  const missing = missingElements(content);
  return decide(deps.db, async (trx): Promise<Result<NoticeReceived>> => {
    const brand = await trx
      .selectFrom("brands")
      .select(["id"])
      .where("id", "=", input.brand)
      .executeTakeFirst();
    if (!brand) return fail(422, `there is no brand ${input.brand}`);
    const reporterId = email
      ? await upsertNotifier(trx, { email, name: content.notifierName, org: clean(input.notifier?.org) })
      : null;
    const standing = email ? await standingByEmail(trx, email) : undefined;
    const trusted = Boolean(standing && (standing.trusted || standing.kind === "trusted_flagger"));
    const record = {
      ...input,
      files: (input.files ?? []).map((f) => ({ filename: f.filename, size: f.data.length })),
      received_at: now.toISOString(),
    };
    const reportId = await insertNoticeReport(trx, {
      channel: input.channel,
      receivedAt: now,
      raw: Buffer.from(JSON.stringify(record)),
      brand: input.brand,
      reporterId,
      subject: `Notice: ${categoryWords(input.category, "en")}, ${locations[0]!.value}`,
    });
    const notice = await insertNotice(
      trx,
      {
        brand_id: input.brand,
        report_id: reportId,
        channel: input.channel,
        reporter_id: reporterId,
        notifier_name: content.notifierName,
        notifier_email: email,
        notifier_role: clean(input.notifier?.role),
        interest: content.interest,
        legal_ground: content.legalGround,
        category: input.category,
        explanation: content.explanation,
        locations: locations.map((l) => l.value),
        good_faith: input.good_faith,
        anonymous: !email && !content.notifierName,
        trusted,
        missing,
        language: lang(input.language),
        received_at: now,
        created_by: actor.name,
        created_by_user: actor.userId,
      },
      (id) => noticeReference(id, now),
    );
    if (input.files?.length) await insertNoticeFiles(trx, notice.id, input.files);
    const opened = await openProcedures(trx, deps, {
      noticeId: notice.id,
      reportId,
      brand: input.brand,
      category: input.category,
      receivedAt: now,
      locations,
      // A notice that lacks something waits for its notifier, if we can ask them; otherwise it is assessed.
      state: missing.length > 0 && email ? "incomplete" : "assessment",
      trusted,
      profile,
    });
    await appendAudit(trx, {
      actor: actor.name,
      action: "notice.receive",
      subjectType: "notice",
      subjectId: notice.id,
      details: {
        reference: notice.reference,
        channel: input.channel,
        report: reportId,
        category: input.category,
        locations: locations.length,
        cases: opened.cases,
        unresolved: opened.unresolved.length,
        missing,
        trusted,
      },
    });
    const message =
      email && deps.messages
        ? await acknowledgeNotice(trx, deps.messages, {
            notice,
            brand: input.brand,
            caseId: opened.cases[0] ?? null,
            reportId,
            reporterId,
            email,
            language: lang(input.language),
            category: input.category,
            locations: locations.map((l) => l.value),
            unresolved: opened.unresolved,
            missing,
            completenessDue: opened.completenessDue,
            timeZone: calendarFor(profile).timeZone,
          })
        : null;
    return ok({
      id: notice.id,
      reference: notice.reference,
      report_id: reportId,
      missing,
      cases: opened.cases,
      unresolved: opened.unresolved,
      message,
    });
  });
}

/**
 * Resolves a notice's locations like any report's subjects and opens one case (kind `ntd`) and procedure
 * per location that is ours; the others are the notice's unresolved locations.
 */
async function openProcedures(
  trx: Trx,
  deps: NtdDeps,
  n: {
    noticeId: number;
    reportId: number;
    brand: string;
    category: Category;
    receivedAt: Date;
    locations: readonly { kind: "url" | "domain" | "ip"; value: string }[];
    state: NtdState;
    trusted: boolean;
    profile: PolicyProfile | undefined;
  },
): Promise<{ cases: number[]; unresolved: string[]; completenessDue: Date | null }> {
  const parsed: ParsedEvent[] = n.locations.map((l) => ({
    category: n.category,
    kind: "ntd",
    subject: { [l.kind]: l.value },
    occurredAt: n.receivedAt,
    details: { notice: n.noticeId },
  }));
  const pending: PendingEvent[] = parsed.map((e) => ({
    report_id: n.reportId,
    brand_id: n.brand,
    category: n.category,
    kind: "ntd",
    subject: e.subject,
    occurred_at: n.receivedAt,
    received_at: n.receivedAt,
  }));
  const resolved = await deps.pipeline.resolve(trx, pending);
  const caseIds = await deps.pipeline.group(trx, resolved);
  await insertEvents(trx, { reportId: n.reportId, receivedAt: n.receivedAt }, parsed, { resolved, caseIds });
  const unresolved = n.locations.filter((_, i) => caseIds[i] === null).map((l) => l.value);
  await setUnresolvedLocations(trx, n.noticeId, unresolved);
  const { cases, clock } = await startProcedures(trx, {
    noticeId: n.noticeId,
    located: n.locations.map((l, i) => ({ caseId: caseIds[i] ?? null, value: l.value })),
    state: n.state,
    trusted: n.trusted,
    profile: n.profile,
    from: n.receivedAt,
  });
  return { cases, unresolved, completenessDue: n.state === "incomplete" && clock ? clock.dueAt : null };
}

/**
 * One procedure per location that is ours (each its case), in `state`, with the clock that state keeps;
 * a trusted flagger's cases lead the queue. Each case's timeline says so.
 */
async function startProcedures(
  trx: Trx,
  p: {
    noticeId: number;
    located: readonly { caseId: number | null; value: string }[];
    state: NtdState;
    trusted: boolean;
    profile: PolicyProfile | undefined;
    from: Date;
  },
) {
  const rows: { case_id: number; notice_id: number; location: string; state: NtdState }[] = [];
  for (const l of p.located)
    if (l.caseId !== null && !rows.some((r) => r.case_id === l.caseId))
      rows.push({ case_id: l.caseId, notice_id: p.noticeId, location: l.value, state: p.state });
  await insertProcedures(trx, rows);
  const cases = rows.map((r) => r.case_id);
  const clock = clockFor(p.profile, p.state, p.from, p.trusted);
  await setClocks(trx, cases, clock ? cases.map((caseId) => ({ caseId, ...clock })) : [], []);
  if (p.trusted) await setLead(trx, cases);
  for (const caseId of cases)
    await appendAudit(trx, {
      actor: NTD_ACTOR,
      action: "ntd.state",
      subjectType: "case",
      subjectId: caseId,
      details: {
        notice: p.noticeId,
        to: p.state,
        due: clock?.dueAt.toISOString() ?? null,
        source: clock?.source ?? null,
      },
    });
  return { cases, clock };
}

// ---------------------------------------------------------------------------------------------------
// Steps

export interface Ground {
  /** `law`: a statute or order; `terms`: the brand's terms. */
  kind: "law" | "terms";
  /** The law or the document (for terms: its title or id in the profile). */
  document: string;
  article?: string | undefined;
  quote?: string | undefined;
}

export interface StepInput {
  step: ProcedureStep;
  /** The procedures it is taken on; left out: every one of the notice where the step is possible. */
  cases?: number[] | undefined;
  reason?: string | undefined;
  decision?: Decision | undefined;
  basis?: DecisionBasis | undefined;
  ground?: Ground | undefined;
  /** decide/act: the notifier's notice was manifestly unfounded (counts towards art. 23 misuse). */
  manifestly_unfounded?: boolean | undefined;
  /** decide upheld: the content provider removed the content itself; no measure is taken. */
  content_removed?: boolean | undefined;
  /** forward_reaction: the reaction; default: the customer's latest message on the case. */
  text?: string | undefined;
  /** to_court: both parties agreed that their contact details are passed on. */
  consent?: { notifier: boolean; customer: boolean } | undefined;
  /** complete: the elements supplied. */
  supplied?:
    | {
        explanation?: string | undefined;
        name?: string | undefined;
        email?: string | undefined;
        legal_ground?: string | undefined;
        interest?: string | undefined;
        good_faith?: boolean | undefined;
      }
    | undefined;
}

export interface StepDone {
  notice: number;
  step: ProcedureStep;
  cases: { case_id: number; from: NtdState; to: NtdState; action: number | null }[];
}

const needText = (what: string, value: string | undefined, field = "reason"): Result<string> => {
  const t = value?.trim();
  return t ? ok(t) : fail(422, `${what} needs "${field}": it is recorded and given to the parties`);
};

/** The ground in words, for letters and the audit log. */
export function groundText(g: Ground | null | undefined): string | null {
  if (!g) return null;
  const head = [g.document, g.article].filter(Boolean).join(", ");
  return g.quote ? `${head}: "${g.quote}"` : head;
}

/**
 * Takes one step of the procedure on a notice's locations (all where it is possible, or the named ones).
 * Who may take which step is the route's (src/ntd/routes.ts); the state machine says when (procedure.ts).
 */
export async function takeStep(
  deps: NtdDeps,
  actor: Actor,
  noticeId: number,
  input: StepInput,
): Promise<Result<StepDone>> {
  const checked = checkStepInput(input);
  if (!checked.ok) return checked;
  const calls: number[] = [];
  const result = await decide(deps.db, async (trx): Promise<Result<StepDone>> => {
    const notice = await lockNotice(trx, noticeId, actor.brands);
    if (!notice) return fail(404, `there is no notice ${noticeId}`);
    const all = await lockProcedures(trx, noticeId, input.cases);
    if (input.cases && all.length !== new Set(input.cases).size)
      return fail(
        404,
        `notice ${noticeId} has no procedure for case(s) ${input.cases.filter((c) => !all.some((p) => p.case_id === c)).join(", ")}`,
      );
    if (all.length === 0)
      return fail(409, `notice ${noticeId} has no procedure: none of its locations is hosted by us`);
    // Without named cases: the procedures where the step is possible; a step possible nowhere is refused.
    const chosen = input.cases ? all : all.filter((p) => nextState(p.state, input.step).ok);
    if (chosen.length === 0) {
      const refused = nextState(all[0]!.state, input.step);
      return refused.ok ? fail(409, "nothing to do") : refused;
    }
    for (const p of chosen) {
      const can = nextState(p.state, input.step);
      if (!can.ok) return fail(can.error.status, `case ${p.case_id}: ${can.error.message}`);
    }
    const profile = deps.policies.get(notice.brand_id);
    const done: StepDone["cases"] = [];
    if (input.step === "complete") {
      const completed = await complete(trx, notice, input);
      if (!completed.ok) return completed;
    }
    for (const p of chosen) {
      const moved = await stepOne(trx, deps, actor, notice, p, input, profile, calls);
      if (!moved.ok) return moved;
      done.push(moved.value);
    }
    await appendAudit(trx, {
      actor: actor.name,
      action: `notice.${input.step}`,
      subjectType: "notice",
      subjectId: noticeId,
      details: {
        cases: done.map((d) => d.case_id),
        decision: input.decision ?? null,
        basis: input.basis ?? null,
        ground: groundText(input.ground),
        reason: input.reason?.trim() || null,
      },
    });
    return ok({ notice: noticeId, step: input.step, cases: done });
  });
  if (result.ok) await sendCalls(deps, calls);
  return result;
}

function checkStepInput(input: StepInput): Result<true> {
  switch (input.step) {
    case "act": {
      if (!input.basis || !AT_ONCE_BASES.includes(input.basis))
        return fail(
          422,
          `acting at once needs "basis": ${AT_ONCE_BASES.join(", ")} (manifestly unlawful, required by law, or an authority's order); otherwise forward the notice to the content provider first`,
        );
      if (!input.ground) return fail(422, 'acting at once needs its legal ground in "ground"');
      return needText("acting at once", input.reason).ok
        ? ok(true)
        : (needText("acting at once", input.reason) as Result<true>);
    }
    case "decide": {
      if (!input.decision) return fail(422, 'a decision needs "decision": upheld, to_court or rejected');
      if (!input.ground && input.decision === "upheld")
        return fail(
          422,
          'an upheld notice needs its ground in "ground": the law, or the clause of the terms',
        );
      const r = needText("a decision", input.reason);
      return r.ok ? ok(true) : r;
    }
    case "lapse": {
      const r = needText("closing a notice as incomplete", input.reason);
      return r.ok ? ok(true) : r;
    }
    case "rebuttal": {
      const r = needText("a rebuttal", input.text, "text");
      return r.ok ? ok(true) : r;
    }
    default:
      return ok(true);
  }
}

/** The notifier (or the desk for them) supplies what the notice lacked; it then goes to assessment. */
async function complete(trx: Trx, notice: NoticeRow, input: StepInput): Promise<Result<true>> {
  const s = input.supplied ?? {};
  const next = {
    notifier_name: clean(s.name) ?? notice.notifier_name,
    notifier_email: clean(s.email)?.toLowerCase() ?? notice.notifier_email,
    interest: clean(s.interest) ?? notice.interest,
    legal_ground: clean(s.legal_ground) ?? notice.legal_ground,
    explanation: clean(s.explanation) ?? notice.explanation,
    good_faith: s.good_faith ?? notice.good_faith,
  };
  const missing = missingElements({
    category: notice.category as Category,
    explanation: next.explanation,
    locations: notice.locations,
    notifierName: next.notifier_name,
    notifierEmail: next.notifier_email,
    goodFaith: next.good_faith,
    legalGround: next.legal_ground,
    interest: next.interest,
  });
  if (missing.length > 0 && !input.reason?.trim())
    return fail(
      422,
      `the notice still lacks: ${missing.join(", ")}; supply them in "supplied", or give a "reason" to assess it as it is`,
    );
  await updateNoticeContent(trx, notice.id, { ...next, missing, completed_at: new Date() });
  Object.assign(notice, next, { missing });
  return ok(true);
}

async function stepOne(
  trx: Trx,
  deps: NtdDeps,
  actor: Actor,
  notice: NoticeRow,
  p: ProcedureRow,
  input: StepInput,
  profile: PolicyProfile | undefined,
  calls: number[],
): Promise<Result<StepDone["cases"][number]>> {
  const to = nextState(p.state, input.step);
  if (!to.ok) return to;
  const kase = await lockCase(trx, p.case_id);
  if (!kase) return fail(404, `case ${p.case_id} is gone`);
  const now = new Date();
  const language = lang(notice.language);
  const tz = calendarFor(profile).timeZone;
  const meets = Object.values(STATE_DEADLINE);
  let actionId: number | null = null;
  const reason = input.reason?.trim() || null;

  switch (input.step) {
    case "forward": {
      // The step of the measures part: the brand's request_information letter carries the notice (no
      // notifier identity; src/ntd/facts.ts), and the case waits for the customer.
      const taken = await takeActionOn(
        trx,
        deps,
        actor,
        kase,
        { step: "request_information", reason: reason ?? "notice forwarded to the content provider" },
        { clause: procedureClause(profile, "forward") },
        calls,
      );
      if (!taken.ok) return taken;
      actionId = taken.value.action.id;
      await updateProcedure(trx, p.case_id, { state: "forwarded", forwarded_at: now });
      break;
    }
    case "forward_reaction": {
      let text = input.text?.trim();
      if (!text) {
        const words = await latestCustomerWords(trx, p.case_id, p.forwarded_at);
        text = words?.body?.trim();
      }
      if (!text)
        return fail(
          422,
          `case ${p.case_id}: the content provider has not reacted yet; give the reaction in "text" (e.g. from a phone call)`,
        );
      const customer = kase.customer_id
        ? await trx
            .selectFrom("customers")
            .select(["id", "name", "contact_emails"])
            .where("id", "=", kase.customer_id)
            .executeTakeFirst()
        : undefined;
      // The notifier reads the reaction, not who wrote it.
      const marks = identityMarks(
        customer ? [{ name: customer.name, email: customer.contact_emails[0] ?? null, org: null }] : [],
      );
      const reaction = withoutNotifier(text, marks).slice(0, 20_000);
      await updateProcedure(trx, p.case_id, {
        state: "reaction_forwarded",
        reaction,
        reaction_at: now,
      });
      const clock = clockFor(profile, "reaction_forwarded", now, notice.trusted);
      await tellNotifier(trx, deps, notice, p, "notice_reaction", {
        location: p.location,
        reaction,
        rebuttal_due: clock ? formatMoment(clock.dueAt, language, tz) : null,
      });
      break;
    }
    case "rebuttal": {
      await updateProcedure(trx, p.case_id, {
        rebuttal: input.text!.trim().slice(0, 20_000),
        rebuttal_at: now,
      });
      break;
    }
    case "complete":
    case "lapse":
      await updateProcedure(trx, p.case_id, { state: to.value });
      if (input.step === "lapse" && isOpen(kase.state)) {
        const moved = await moveCase(
          trx,
          actor,
          kase,
          "closed",
          `notice ${notice.reference} stayed incomplete`,
        );
        if (!moved.ok) return moved;
      }
      if (input.step === "lapse")
        await tellNotifier(trx, deps, notice, p, "notice_decision", {
          location: p.location,
          decision_text:
            language === "nl"
              ? "de melding is gesloten omdat zij onvolledig bleef"
              : "the notice is closed because it remained incomplete",
          reason,
          ground: null,
          automated: false,
          redress: redressText(language, ntdPolicy(profile).complaint_window_months),
        });
      break;
    case "act":
    case "decide": {
      const decision: Decision = input.step === "act" ? "upheld" : input.decision!;
      const basis: DecisionBasis = input.basis ?? (input.step === "act" ? "manifest" : "assessment");
      if (decision === "upheld" && !input.content_removed) {
        const ground = input.ground!;
        const taken = await takeActionOn(
          trx,
          deps,
          actor,
          kase,
          { step: "remove_content", reason: reason! },
          {
            clause: {
              document: ground.document,
              article: ground.article ?? (ground.kind === "law" ? "law" : "terms"),
              quote: ground.quote ?? reason!,
            },
          },
          calls,
        );
        if (!taken.ok) return taken;
        actionId = taken.value.action.id;
      }
      await updateProcedure(trx, p.case_id, {
        state: "decided",
        decision,
        decision_basis: basis,
        decision_reason: reason,
        decision_ground: input.ground ?? null,
        manifestly_unfounded: decision === "rejected" && input.manifestly_unfounded === true,
        decided_at: now,
        decided_by: actor.name,
        decided_by_user: actor.userId,
        ...(actionId !== null ? { action_id: actionId } : {}),
      });
      const contact =
        decision === "to_court" && input.consent?.notifier && input.consent.customer ? input.consent : null;
      const redress = redressText(language, ntdPolicy(profile).complaint_window_months);
      let customerContact: string | null = null;
      if (contact && kase.customer_id) {
        const c = await trx
          .selectFrom("customers")
          .select(["name", "contact_emails"])
          .where("id", "=", kase.customer_id)
          .executeTakeFirst();
        customerContact = c ? `${c.name} <${c.contact_emails[0] ?? "-"}>` : null;
      }
      await tellNotifier(trx, deps, notice, p, "notice_decision", {
        location: p.location,
        decision,
        decision_text: DECISION_WORDS[decision][language],
        reason,
        ground: groundText(input.ground),
        automated: false,
        contact: customerContact,
        redress,
      });
      // The content provider: the removal's own letter is the statement of reasons when a measure is
      // taken (the brand's `decision` template, carrying the notice); otherwise this decision letter.
      if (actionId === null && deps.messages && !kase.gag) {
        const cLang = await customerLanguage(trx, kase.customer_id);
        await queueMessage(trx, deps.messages, {
          party: "customer",
          brandId: kase.brand_id,
          caseId: kase.id,
          template: "notice_decision_customer",
          language: cLang,
          context: {
            notice: {
              reference: notice.reference,
              category: categoryWords(notice.category, cLang),
              location: p.location,
              decision,
              decision_text: DECISION_WORDS[decision][cLang],
              reason: reason ? withoutNotifier(reason, notifierMarks(notice)) : null,
              ground: groundText(input.ground),
              automated: false,
              contact:
                contact && notice.notifier_email
                  ? `${notice.notifier_name ?? ""} <${notice.notifier_email}>`.trim()
                  : null,
              redress: redressText(cLang, ntdPolicy(profile).complaint_window_months),
            },
          },
          actor: NTD_ACTOR,
        });
      }
      if (decision === "rejected" && input.manifestly_unfounded && notice.reporter_id)
        await afterUnfounded(trx, deps, notice, profile);
      // Without a measure the case is finished with the decision; a measure's case finishes with it.
      if (actionId === null && isOpen(kase.state)) {
        const moved = await moveCase(
          trx,
          actor,
          kase,
          FINISHED_BY[decision],
          `notice ${notice.reference}: ${decision}`,
        );
        if (!moved.ok) return moved;
      }
      break;
    }
  }
  // Clocks: the new state's, and the earlier states' met.
  const nextClock = to.value !== p.state ? clockFor(profile, to.value, now, notice.trusted) : undefined;
  await setClocks(
    trx,
    [p.case_id],
    nextClock ? [{ caseId: p.case_id, ...nextClock }] : [],
    // The earlier states' terms are met; a rebuttal meets the notifier's term, and the decision is the desk's.
    meets.filter((m) => m !== nextClock?.name),
  );
  await appendAudit(trx, {
    actor: actor.name,
    action: "ntd.state",
    subjectType: "case",
    subjectId: p.case_id,
    details: {
      notice: notice.id,
      step: input.step,
      from: p.state,
      to: to.value,
      reason,
      basis: input.basis ?? null,
      ground: groundText(input.ground) ?? groundText(procedureGround(profile, input.step)),
      action: actionId,
      due: nextClock?.dueAt.toISOString() ?? null,
    },
  });
  return ok({ case_id: p.case_id, from: p.state, to: to.value, action: actionId });
}

const FINISHED_BY: Readonly<Record<Decision, "resolved" | "closed" | "rejected">> = {
  upheld: "resolved",
  to_court: "closed",
  rejected: "rejected",
};

function notifierMarks(n: Pick<NoticeRow, "notifier_name" | "notifier_email">) {
  return identityMarks([{ name: n.notifier_name, email: n.notifier_email, org: null }]);
}

async function customerLanguage(trx: Trx, customerId: string | null): Promise<"nl" | "en"> {
  if (!customerId) return "nl";
  const c = await trx
    .selectFrom("customers")
    .select("language")
    .where("id", "=", customerId)
    .executeTakeFirst();
  return lang(c?.language ?? "nl");
}

/** The brand's NTD clause for a step (the profile's ntd.clause, else its NTD rule's first clause). */
function procedureClause(profile: PolicyProfile | undefined, _step: string) {
  if (profile?.ntd.clause) {
    const c = profile.ntd.clause;
    const title = profile.documents.find((d) => d.id === c.document)?.title ?? c.document;
    return { document: title, article: c.article, quote: c.quote };
  }
  const rule = profile?.rules.find((r) => r.when.kinds?.includes("ntd"));
  const c = rule?.ladder[0]?.clause;
  if (!c || !profile) return undefined;
  const title = profile.documents.find((d) => d.id === c.document)?.title ?? c.document;
  return { document: title, article: c.article, quote: c.quote };
}

function procedureGround(profile: PolicyProfile | undefined, step: string): Ground | null {
  const c = procedureClause(profile, step);
  return c ? { kind: "terms", document: c.document, article: c.article, quote: c.quote } : null;
}

/**
 * The acknowledgement of a notice (DSA art. 16(4)): its reference, the locations that are not ours, what
 * it lacks and by when. The report counts as acknowledged, so the generic acknowledgement is not sent too.
 */
async function acknowledgeNotice(
  trx: Trx,
  messages: MessageDeps,
  a: {
    notice: { id: number; reference: string };
    brand: string;
    caseId: number | null;
    reportId: number;
    reporterId: number | null;
    email: string;
    language: "nl" | "en";
    category: Category;
    locations: string[];
    unresolved: string[];
    missing: readonly NoticeElement[];
    completenessDue: Date | null;
    timeZone: string;
  },
): Promise<number | null> {
  const id = await queueMessage(trx, messages, {
    party: "reporter",
    brandId: a.brand,
    caseId: a.caseId,
    reportId: a.reportId,
    reporterId: a.reporterId,
    template: "notice_received",
    language: a.language,
    to: [a.email],
    context: {
      notice: {
        reference: a.notice.reference,
        category: categoryWords(a.category, a.language),
        locations: a.locations,
        unresolved: a.unresolved,
        missing: a.missing.map((m) => ELEMENT_LABELS[m][a.language]),
        completeness_due: a.completenessDue ? formatMoment(a.completenessDue, a.language, a.timeZone) : null,
      },
    },
    actor: NTD_ACTOR,
  });
  await trx.updateTable("reports").set({ acknowledgement: "written" }).where("id", "=", a.reportId).execute();
  return id ?? null;
}

/** A message to the notifier about a procedure (nothing when the notice gave no address). */
export async function tellNotifier(
  trx: Trx,
  deps: Pick<NtdDeps, "messages">,
  notice: NoticeRow,
  p: Pick<ProcedureRow, "case_id">,
  template: string,
  noticeData: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (!notice.notifier_email || !deps.messages) return;
  await queueMessage(trx, deps.messages, {
    party: "reporter",
    brandId: notice.brand_id,
    caseId: p.case_id,
    reportId: notice.report_id,
    reporterId: notice.reporter_id,
    template,
    language: lang(notice.language),
    to: [notice.notifier_email],
    context: { notice: { reference: notice.reference, ...noticeData }, ...extra },
    actor: NTD_ACTOR,
  });
}

// ---------------------------------------------------------------------------------------------------
// Notices by mail

export interface MailNotice {
  reportId: number;
  /** How the report came in: only someone who wrote to the abuse address (smtp, imap) is acknowledged. */
  channel: string;
  brand: string | null;
  receivedAt: Date;
  reporterId: number | null;
  reporter: { email?: string | null | undefined; name?: string | null | undefined } | null;
  events: readonly {
    category: Category;
    kind: string;
    subject: { url?: string | undefined; domain?: string | undefined; ip?: string | undefined };
  }[];
  caseIds: readonly (number | null)[];
}

/**
 * A mail to the abuse address that the parsers read as a notice (events of kind `ntd`) enters the same
 * procedure, in the transaction that stores its events: the mail is its explanation (never forwarded as
 * such: a signature can name the notifier in ways no desk recognises), its sender the notifier, who is
 * acknowledged with exactly what the notice lacks. A suspended notifier's mail stays a report.
 */
export async function noticeFromMail(
  trx: Trx,
  deps: Pick<NtdDeps, "policies" | "messages">,
  m: MailNotice,
): Promise<number | undefined> {
  const located: {
    caseId: number | null;
    kind: "url" | "domain" | "ip";
    value: string;
    category: Category;
  }[] = [];
  m.events.forEach((e, i) => {
    if (e.kind !== "ntd") return;
    const s = e.subject;
    const l = s.url
      ? ({ kind: "url", value: s.url } as const)
      : s.domain
        ? ({ kind: "domain", value: s.domain } as const)
        : s.ip
          ? ({ kind: "ip", value: s.ip } as const)
          : undefined;
    if (l && located.length < MAX_NOTICE_LOCATIONS && !located.some((x) => x.value === l.value))
      located.push({ ...l, caseId: m.caseIds[i] ?? null, category: e.category });
  });
  if (located.length === 0) return undefined;
  const firstCase = located.find((l) => l.caseId !== null)?.caseId ?? null;
  const brand =
    m.brand ??
    (firstCase !== null
      ? (await trx.selectFrom("cases").select("brand_id").where("id", "=", firstCase).executeTakeFirst())
          ?.brand_id
      : undefined);
  if (!brand) return undefined;
  const email = clean(m.reporter?.email)?.toLowerCase() ?? null;
  const standing = email ? await standingByEmail(trx, email) : undefined;
  const now = new Date();
  if (standing?.notices_suspended_until && standing.notices_suspended_until.getTime() > now.getTime()) {
    await appendAudit(trx, {
      actor: NTD_ACTOR,
      action: "notice.refused",
      subjectType: "report",
      subjectId: m.reportId,
      details: {
        reason: "notifier suspended (DSA art. 23(2))",
        until: standing.notices_suspended_until.toISOString(),
      },
    });
    return undefined;
  }
  const trusted = Boolean(standing && (standing.trusted || standing.kind === "trusted_flagger"));
  const category = located[0]!.category;
  const name = clean(m.reporter?.name);
  const missing = missingElements({
    category,
    // The mail itself explains; a person judges whether it does so enough.
    explanation: "(the mail)",
    locations: located.map((l) => l.value),
    notifierName: name,
    notifierEmail: email,
    goodFaith: false,
    legalGround: null,
    interest: null,
  });
  const profile = deps.policies.get(brand);
  const notice = await insertNotice(
    trx,
    {
      brand_id: brand,
      report_id: m.reportId,
      channel: "mail",
      reporter_id: m.reporterId,
      notifier_name: name,
      notifier_email: email,
      notifier_role: null,
      interest: null,
      legal_ground: null,
      category,
      explanation: null,
      locations: located.map((l) => l.value),
      good_faith: false,
      anonymous: !email,
      trusted,
      missing,
      language: (profile?.calendar.country ?? "NL") === "NL" ? "nl" : "en",
      received_at: m.receivedAt,
      created_by: NTD_ACTOR,
      created_by_user: null,
    },
    (id) => noticeReference(id, m.receivedAt),
  );
  const unresolved = located.filter((l) => l.caseId === null).map((l) => l.value);
  await setUnresolvedLocations(trx, notice.id, unresolved);
  const state: NtdState = missing.length > 0 && email ? "incomplete" : "assessment";
  const { cases, clock } = await startProcedures(trx, {
    noticeId: notice.id,
    located,
    state,
    trusted,
    profile,
    from: m.receivedAt,
  });
  await appendAudit(trx, {
    actor: NTD_ACTOR,
    action: "notice.receive",
    subjectType: "notice",
    subjectId: notice.id,
    details: {
      reference: notice.reference,
      channel: "mail",
      report: m.reportId,
      cases,
      unresolved: unresolved.length,
      missing,
      trusted,
    },
  });
  if (email && deps.messages && (m.channel === "smtp" || m.channel === "imap"))
    await acknowledgeNotice(trx, deps.messages, {
      notice,
      brand,
      caseId: cases[0] ?? null,
      reportId: m.reportId,
      reporterId: m.reporterId,
      email,
      language: (profile?.calendar.country ?? "NL") === "NL" ? "nl" : "en",
      category,
      locations: located.map((l) => l.value),
      unresolved,
      missing,
      completenessDue: state === "incomplete" && clock ? clock.dueAt : null,
      timeZone: calendarFor(profile).timeZone,
    });
  return notice.id;
}
