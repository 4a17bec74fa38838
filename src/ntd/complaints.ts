/**
 * What follows a decision on a notice, and the notifiers' standing:
 * - internal complaints (DSA art. 20): the content provider or the notifier complains within the window
 *   (six months by default); a person other than the one who decided handles it; a reversal takes the
 *   measure back (or takes it, when a rejection is reversed); the outcome goes to the complainant with its
 *   reasons and a changed decision to the other party;
 * - misuse (art. 23(2)): manifestly unfounded notices are counted; over the profile's thresholds the
 *   notifier is warned, then suspended from notices for a period; a person may also lift a suspension;
 * - trusted flaggers (art. 22): a reporter marked trusted has their notices lead the queue;
 * - art. 18: a case flagged "threat to life or safety" gets an urgent task to inform the authorities.
 */
import type { Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { lockCase } from "../cases/cases.store.ts";
import { moveCase } from "../cases/commands.ts";
import { isOpen } from "../cases/states.ts";
import { decide } from "../db/decide.ts";
import type { Database } from "../db/schema.ts";
import { fail, ok, type Result } from "../errors.ts";
import { sendCalls, takeActionOn, withdrawActionOn } from "../measures/actions.ts";
import { queueMessage } from "../messages/outbox.ts";
import { formatMoment } from "../messages/vocabulary.ts";
import { dueAfter } from "../policy/deadlines.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { categoryWords, withoutNotifier } from "./facts.ts";
import {
  countUnfounded,
  decideComplaintRow,
  insertComplaint,
  insertThreat,
  lockComplaint,
  lockNotice,
  lockProcedures,
  lockStanding,
  markThreatReported,
  type NoticeRow,
  setClocks,
  setSuspension,
  setTrusted,
  setWarned,
  standingById,
  threatOf,
  updateProcedure,
} from "./notices.store.ts";
import { calendarFor, groundText, NTD_ACTOR, type NtdDeps, ntdPolicy, tellNotifier } from "./notices.ts";
import {
  type ComplaintOutcome,
  complaintWindowEnd,
  DECISION_WORDS,
  type Decision,
  MAX_STATEMENT_CHARS,
  misuseVerdict,
  OUTCOME_WORDS,
  redressText,
} from "./procedure.ts";

type Trx = Transaction<Database>;

const lang = (l: string | null | undefined): "nl" | "en" => (l === "nl" ? "nl" : "en");
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------
// Misuse (art. 23(2))

/** After a notice was decided manifestly unfounded: warn or suspend its notifier when the profile says so. */
export async function afterUnfounded(
  trx: Trx,
  deps: NtdDeps,
  notice: NoticeRow,
  profile: PolicyProfile | undefined,
): Promise<void> {
  if (!notice.reporter_id) return;
  const policy = ntdPolicy(profile).misuse;
  const now = new Date();
  const standing = await lockStanding(trx, notice.reporter_id);
  if (!standing) return;
  const unfounded = await countUnfounded(
    trx,
    notice.reporter_id,
    new Date(now.getTime() - policy.window_days * DAY_MS),
  );
  const verdict = misuseVerdict({ unfounded, warnedAt: standing.notices_warned_at, now, policy });
  if (verdict.kind === "none") return;
  const language = lang(notice.language);
  const tz = calendarFor(profile).timeZone;
  if (verdict.kind === "warn") await setWarned(trx, standing.id, now);
  else await setSuspension(trx, standing.id, verdict.until, `${unfounded} manifestly unfounded notices`);
  await appendAudit(trx, {
    actor: NTD_ACTOR,
    action: verdict.kind === "warn" ? "reporter.notices_warned" : "reporter.notices_suspended",
    subjectType: "reporter",
    subjectId: standing.id,
    details: {
      unfounded,
      window_days: policy.window_days,
      notice: notice.id,
      until: verdict.kind === "suspend" ? verdict.until.toISOString() : null,
      source: policy.source,
    },
  });
  if (standing.email && deps.messages)
    await queueMessage(trx, deps.messages, {
      party: "reporter",
      brandId: notice.brand_id,
      caseId: null,
      reportId: notice.report_id,
      reporterId: standing.id,
      template: "notifier_misuse",
      language,
      to: [standing.email],
      context: {
        misuse: {
          kind: verdict.kind,
          until: verdict.kind === "suspend" ? formatMoment(verdict.until, language, tz) : null,
          count: unfounded,
          source: policy.source,
        },
      },
      actor: NTD_ACTOR,
    });
}

/** A person suspends a notifier's notices (art. 23(2)) until a moment, or lifts the suspension (`until` null). */
export async function setNoticeSuspension(
  deps: Pick<NtdDeps, "db">,
  actor: Actor,
  reporterId: number,
  input: { until: Date | null; reason?: string | undefined },
): Promise<Result<{ id: number; until: Date | null }>> {
  const reason = input.reason?.trim();
  if (!reason) return fail(422, 'a suspension or its end needs a "reason"; it goes into the audit log');
  if (input.until && input.until.getTime() <= Date.now())
    return fail(422, '"until" lies in the past; leave it null to lift the suspension');
  return decide(deps.db, async (trx) => {
    const standing = await lockStanding(trx, reporterId);
    if (!standing) return fail(404, `there is no reporter ${reporterId}`);
    await setSuspension(trx, reporterId, input.until, input.until ? reason : null);
    await appendAudit(trx, {
      actor: actor.name,
      action: input.until ? "reporter.notices_suspended" : "reporter.notices_restored",
      subjectType: "reporter",
      subjectId: reporterId,
      details: { until: input.until?.toISOString() ?? null, reason },
    });
    return ok({ id: reporterId, until: input.until });
  });
}

/** Marks a reporter a trusted flagger (art. 22: status awarded by the Digital Services Coordinator) or not. */
export async function setTrustedFlagger(
  deps: Pick<NtdDeps, "db">,
  actor: Actor,
  reporterId: number,
  input: { trusted: boolean; reason?: string | undefined },
): Promise<Result<{ id: number; trusted: boolean }>> {
  const reason = input.reason?.trim();
  if (!reason)
    return fail(
      422,
      'say why in "reason", e.g. the Digital Services Coordinator\'s decision that awarded the status',
    );
  return decide(deps.db, async (trx) => {
    const standing = await lockStanding(trx, reporterId);
    if (!standing) return fail(404, `there is no reporter ${reporterId}`);
    await setTrusted(trx, reporterId, input.trusted);
    await appendAudit(trx, {
      actor: actor.name,
      action: input.trusted ? "reporter.trusted" : "reporter.untrusted",
      subjectType: "reporter",
      subjectId: reporterId,
      details: { reason },
    });
    return ok({ id: reporterId, trusted: input.trusted });
  });
}

export { standingById };

// ---------------------------------------------------------------------------------------------------
// Complaints (art. 20)

export interface ComplaintInput {
  case_id?: number | undefined;
  complainant: "notifier" | "customer";
  channel: "portal" | "api" | "mail";
  text: string;
}

/** A party complains about a decision on a notice, within the window after it. */
export async function fileComplaint(
  deps: NtdDeps,
  actor: Actor,
  noticeId: number,
  input: ComplaintInput,
): Promise<Result<{ id: number; case_id: number; due_at: Date }>> {
  const text = input.text.trim();
  if (!text) return fail(422, 'a complaint needs its grounds in "text"');
  if (text.length > MAX_STATEMENT_CHARS)
    return fail(422, `a complaint is at most ${MAX_STATEMENT_CHARS} characters`);
  return decide(deps.db, async (trx) => {
    const notice = await lockNotice(trx, noticeId, actor.brands);
    if (!notice) return fail(404, `there is no notice ${noticeId}`);
    const procedures = await lockProcedures(trx, noticeId, input.case_id ? [input.case_id] : undefined);
    const decided = procedures.filter((p) => p.decided_at !== null);
    if (decided.length === 0)
      return fail(
        409,
        input.case_id
          ? `case ${input.case_id} of notice ${notice.reference} has no decision to complain about`
          : `notice ${notice.reference} has no decision yet to complain about`,
      );
    if (!input.case_id && decided.length > 1)
      return fail(
        422,
        `notice ${notice.reference} has decisions on several locations; say which in "case_id"`,
      );
    const p = decided[0]!;
    const profile = deps.policies.get(notice.brand_id);
    const policy = ntdPolicy(profile);
    const end = complaintWindowEnd(p.decided_at!, policy.complaint_window_months);
    const now = new Date();
    if (now.getTime() > end.getTime())
      return fail(
        409,
        `the decision of ${p.decided_at!.toISOString().slice(0, 10)} could be complained about until ${end.toISOString().slice(0, 10)} (${policy.complaint_window_months} months, DSA art. 20(1)); that time has passed`,
      );
    const due = dueAfter(now, policy.complaint.term, calendarFor(profile));
    const id = await insertComplaint(trx, {
      case_id: p.case_id,
      notice_id: noticeId,
      complainant: input.complainant,
      channel: input.channel,
      text,
      received_at: now,
      due_at: due,
      recorded_by: actor.name,
    });
    await setClocks(
      trx,
      [p.case_id],
      [{ caseId: p.case_id, name: "ntd_complaint", dueAt: due, source: policy.complaint.source }],
      [],
    );
    await appendAudit(trx, {
      actor: actor.name,
      action: "notice.complaint",
      subjectType: "case",
      subjectId: p.case_id,
      details: {
        complaint: id,
        notice: noticeId,
        complainant: input.complainant,
        channel: input.channel,
        due_at: due.toISOString(),
      },
    });
    return ok({ id, case_id: p.case_id, due_at: due });
  });
}

export interface ComplaintDecision {
  outcome: ComplaintOutcome;
  reason?: string | undefined;
}

/**
 * A person other than the one who decided handles a complaint: the decision stands, is reversed (the
 * measure taken back; or, for a rejection, the content removed) or modified (new reasons recorded).
 */
export async function decideComplaint(
  deps: NtdDeps,
  actor: Actor,
  complaintId: number,
  input: ComplaintDecision,
): Promise<
  Result<{ id: number; outcome: ComplaintOutcome; decision: Decision | null; measure: string | null }>
> {
  const reason = input.reason?.trim();
  if (!reason)
    return fail(422, 'the outcome of a complaint needs its reasons in "reason"; they go to the complainant');
  const calls: number[] = [];
  const result = await decide(deps.db, async (trx) => {
    const complaint = await lockComplaint(trx, complaintId);
    if (!complaint) return fail(404, `there is no complaint ${complaintId}`);
    const notice = await lockNotice(trx, complaint.notice_id, actor.brands);
    if (!notice) return fail(404, `there is no complaint ${complaintId}`);
    if (complaint.decided_at)
      return fail(
        409,
        `complaint ${complaintId} was handled already by ${complaint.decided_by}: ${complaint.outcome}`,
      );
    const [p] = await lockProcedures(trx, notice.id, [complaint.case_id]);
    if (!p) return fail(404, `the procedure of complaint ${complaintId} is gone`);
    // Art. 20(6) and the four-eyes rule: people are compared, not names.
    const samePerson =
      p.decided_by_user !== null && actor.userId !== null
        ? p.decided_by_user === actor.userId
        : p.decided_by === actor.name;
    if (samePerson)
      return fail(
        403,
        `you decided on this notice; a complaint about it is handled by someone else (DSA art. 20(4), the four-eyes rule)`,
      );
    const kase = await lockCase(trx, p.case_id);
    if (!kase) return fail(404, `case ${p.case_id} is gone`);
    const profile = deps.policies.get(notice.brand_id);
    let decision: Decision | null = p.decision;
    let measure: string | null = null;
    if (input.outcome === "reversed") {
      if (p.decision === "upheld") {
        decision = "rejected";
        if (p.action_id) {
          const back = await withdrawActionOn(
            trx,
            deps,
            actor,
            kase,
            p.action_id,
            `complaint ${complaintId} reversed the decision: ${reason}`,
            calls,
          );
          if (!back.ok) return back;
          measure = back.value;
        }
        await updateProcedure(trx, p.case_id, {
          decision: "rejected",
          decision_reason: reason,
          decided_at: new Date(),
          decided_by: actor.name,
          decided_by_user: actor.userId,
          manifestly_unfounded: false,
        });
      } else {
        decision = "upheld";
        if (!isOpen(kase.state)) {
          const reopened = await moveCase(
            trx,
            actor,
            kase,
            "in_review",
            `complaint ${complaintId} reversed the decision`,
          );
          if (!reopened.ok) return reopened;
        }
        const taken = await takeActionOn(
          trx,
          deps,
          actor,
          kase,
          { step: "remove_content", reason: `complaint ${complaintId} reversed the decision: ${reason}` },
          { clause: { document: "DSA", article: "art. 20(4)", quote: reason } },
          calls,
        );
        if (!taken.ok) return taken;
        measure = "taken";
        await updateProcedure(trx, p.case_id, {
          decision: "upheld",
          decision_reason: reason,
          decided_at: new Date(),
          decided_by: actor.name,
          decided_by_user: actor.userId,
          action_id: taken.value.action.id,
          manifestly_unfounded: false,
        });
      }
    } else if (input.outcome === "modified") {
      await updateProcedure(trx, p.case_id, { decision_reason: reason });
    }
    await decideComplaintRow(trx, complaintId, {
      outcome: input.outcome,
      reason,
      by: actor.name,
      userId: actor.userId,
    });
    await setClocks(trx, [p.case_id], [], ["ntd_complaint"]);
    await appendAudit(trx, {
      actor: actor.name,
      action: "notice.complaint_decided",
      subjectType: "case",
      subjectId: p.case_id,
      details: {
        complaint: complaintId,
        notice: notice.id,
        outcome: input.outcome,
        decision,
        measure,
        reason,
      },
    });
    // The complainant hears the outcome; when the decision changed, the other party hears the new one.
    const language = lang(notice.language);
    const tz = calendarFor(profile).timeZone;
    const complaintData = (l: "nl" | "en") => ({
      number: complaintId,
      received_at: formatMoment(complaint.received_at, l, tz),
      outcome: input.outcome,
      outcome_text: OUTCOME_WORDS[input.outcome][l],
      reason: complaint.complainant === "customer" ? withoutNotifier(reason, []) : reason,
    });
    const toCustomer = async (template: string, extra: Record<string, unknown>) => {
      if (!deps.messages || kase.gag || !kase.customer_id) return;
      const c = await trx
        .selectFrom("customers")
        .select("language")
        .where("id", "=", kase.customer_id)
        .executeTakeFirst();
      const cl = lang(c?.language ?? "nl");
      await queueMessage(trx, deps.messages, {
        party: "customer",
        brandId: kase.brand_id,
        caseId: kase.id,
        template,
        language: cl,
        context: {
          notice: {
            reference: notice.reference,
            category: categoryWords(notice.category, cl),
            location: p.location,
            decision,
            decision_text: decision ? DECISION_WORDS[decision][cl] : null,
            reason,
            ground: groundText(null),
            automated: false,
            contact: null,
            redress: redressText(cl, ntdPolicy(profile).complaint_window_months),
          },
          ...extra,
          ...(extra.complaint ? { complaint: complaintData(cl) } : {}),
        },
        actor: NTD_ACTOR,
      });
    };
    if (complaint.complainant === "notifier") {
      await tellNotifier(
        trx,
        deps,
        notice,
        p,
        "complaint_outcome",
        { location: p.location },
        { complaint: complaintData(language) },
      );
      if (input.outcome === "reversed") await toCustomer("notice_decision_customer", {});
    } else {
      await toCustomer("complaint_outcome_customer", { complaint: true });
      if (input.outcome === "reversed" && decision)
        await tellNotifier(trx, deps, notice, p, "notice_decision", {
          location: p.location,
          decision,
          decision_text: DECISION_WORDS[decision][language],
          reason,
          ground: null,
          automated: false,
          redress: redressText(language, ntdPolicy(profile).complaint_window_months),
        });
    }
    return ok({ id: complaintId, outcome: input.outcome, decision, measure });
  });
  if (result.ok) await sendCalls(deps, calls);
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Art. 18: a suspicion of a criminal offence involving a threat to life or safety

/** How soon the authorities must be told once a case is flagged (art. 18: "promptly"). */
export const THREAT_REPORT_HOURS = 1;

export async function flagThreat(
  deps: Pick<NtdDeps, "db">,
  actor: Actor,
  caseId: number,
  input: { reason?: string | undefined },
): Promise<Result<{ case_id: number; due_at: Date }>> {
  const reason = input.reason?.trim();
  if (!reason) return fail(422, 'say what the suspicion rests on in "reason"');
  return decide(deps.db, async (trx) => {
    const kase = await lockCase(trx, caseId, actor.brands);
    if (!kase) return fail(404, `there is no case ${caseId}`);
    const added = await insertThreat(trx, { caseId, by: actor.name, userId: actor.userId, reason });
    if (!added) return fail(409, `case ${caseId} is flagged already`);
    const due = new Date(Date.now() + THREAT_REPORT_HOURS * 3_600_000);
    await setClocks(
      trx,
      [caseId],
      [
        {
          caseId,
          name: "threat_to_life_report",
          dueAt: due,
          source: "DSA art. 18: inform the authorities promptly",
        },
      ],
      [],
    );
    await trx.updateTable("cases").set({ priority: 0 }).where("id", "=", caseId).execute();
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.threat_to_life",
      subjectType: "case",
      subjectId: caseId,
      details: { reason, due_at: due.toISOString() },
    });
    return ok({ case_id: caseId, due_at: due });
  });
}

export async function threatReported(
  deps: Pick<NtdDeps, "db">,
  actor: Actor,
  caseId: number,
  input: { authority?: string | undefined; reference?: string | undefined },
): Promise<Result<{ case_id: number; informed_at: Date }>> {
  const authority = input.authority?.trim();
  if (!authority)
    return fail(
      422,
      'name the authority informed in "authority" (e.g. Politie, Team High Tech Crime; Europol)',
    );
  return decide(deps.db, async (trx) => {
    const kase = await lockCase(trx, caseId, actor.brands);
    if (!kase) return fail(404, `there is no case ${caseId}`);
    const threat = await threatOf(trx, caseId);
    if (!threat) return fail(409, `case ${caseId} is not flagged as a threat to life or safety`);
    if (threat.informed_at)
      return fail(409, `the authorities were informed already by ${threat.informed_by}`);
    await markThreatReported(trx, {
      caseId,
      by: actor.name,
      userId: actor.userId,
      authority,
      reference: input.reference?.trim() || null,
    });
    await setClocks(trx, [caseId], [], ["threat_to_life_report"]);
    await appendAudit(trx, {
      actor: actor.name,
      action: "case.threat_reported",
      subjectType: "case",
      subjectId: caseId,
      details: { authority, reference: input.reference?.trim() || null },
    });
    return ok({ case_id: caseId, informed_at: new Date() });
  });
}
