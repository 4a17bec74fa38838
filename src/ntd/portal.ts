/**
 * Notices in the portal (src/portal/): the notifier who follows a notice sees each location's state and
 * term, completes what the notice lacks, sends a rebuttal to the content provider's reaction and complains
 * about a decision (DSA art. 20); the customer sees the decisions on notices about its content and
 * complains about them. Each input is taken by a named service (`portal:notifier:<report>`,
 * `portal:customer:<id>`) through the same use cases as the desk's. The HTML fragments here are pure and
 * escaped; the portal's pages place them.
 */
import { sql } from "kysely";
import type { Actor } from "../auth/auth.store.ts";
import { escapeHtml } from "../auth/routes.ts";
import type { DB } from "../db/index.ts";
import { fail, type Result } from "../errors.ts";
import { formatMoment, type Language } from "../messages/vocabulary.ts";
import { fileComplaint } from "./complaints.ts";
import { categoryWords } from "./facts.ts";
import { complaintsOf, noticeOfReport, proceduresWithDue } from "./notices.store.ts";
import { type NtdDeps, ntdPolicy, takeStep } from "./notices.ts";
import {
  complaintWindowEnd,
  DECISION_WORDS,
  type Decision,
  ELEMENT_LABELS,
  isNoticeElement,
  MAX_EXPLANATION_CHARS,
  MAX_SHORT_FIELD_CHARS,
  MAX_STATEMENT_CHARS,
  type NtdState,
} from "./procedure.ts";

const e = escapeHtml;
type Lang = "nl" | "en";

const STATE_WORDS: Readonly<Record<NtdState, { nl: string; en: string }>> = {
  received: { nl: "ontvangen", en: "received" },
  incomplete: { nl: "wacht op uw aanvulling", en: "waiting for you to complete it" },
  assessment: { nl: "wordt beoordeeld", en: "being assessed" },
  forwarded: {
    nl: "doorgestuurd aan de aanbieder van de inhoud",
    en: "forwarded to the provider of the content",
  },
  reaction_forwarded: {
    nl: "reactie ontvangen; u kunt hierop reageren",
    en: "reaction received; you may answer it",
  },
  decided: { nl: "besloten", en: "decided" },
  lapsed: { nl: "gesloten: bleef onvolledig", en: "closed: it stayed incomplete" },
};

const W = {
  nl: {
    notice: (r: string) => `Uw melding ${r}`,
    location: "Vindplaats",
    state: "Stand",
    term: "Termijn",
    decision: "Besluit",
    reasons: "Motivering",
    reaction: "Reactie van de aanbieder",
    complete: "Melding aanvullen",
    completeButton: "Aanvulling versturen",
    goodFaith:
      "Ik verklaar te goeder trouw dat de gegevens en beweringen in deze melding juist en volledig zijn.",
    rebuttal: "Uw weerlegging",
    rebuttalLabel: "Waarom klopt de reactie niet?",
    rebuttalButton: "Weerlegging versturen",
    complaint: "Klacht over het besluit",
    complaintLabel: (d: string) => `Waarom is het besluit onjuist? U kunt klagen tot ${d}.`,
    complaintButton: "Klacht indienen",
    complaintOpen: "Uw klacht is ontvangen en wordt behandeld door iemand die het besluit niet nam.",
    decisions: "Besluiten over meldingen over uw inhoud",
  },
  en: {
    notice: (r: string) => `Your notice ${r}`,
    location: "Location",
    state: "State",
    term: "Term",
    decision: "Decision",
    reasons: "Reasons",
    reaction: "Reaction of the provider",
    complete: "Complete your notice",
    completeButton: "Send",
    goodFaith:
      "I declare in good faith that the information and allegations in this notice are accurate and complete.",
    rebuttal: "Your rebuttal",
    rebuttalLabel: "Why is the reaction wrong?",
    rebuttalButton: "Send rebuttal",
    complaint: "Complaint about the decision",
    complaintLabel: (d: string) => `Why is the decision wrong? You can complain until ${d}.`,
    complaintButton: "Send complaint",
    complaintOpen: "Your complaint was received and is handled by someone who did not take the decision.",
    decisions: "Decisions on notices about your content",
  },
} as const;

function portalActor(name: string, brand: string): Actor {
  return { kind: "system", id: 0, name, role: "agent", userId: null, scope: "write", brands: [brand] };
}

// ---------------------------------------------------------------------------------------------------
// The notifier

export async function notifierView(db: DB, deps: Pick<NtdDeps, "policies">, reportId: number) {
  const notice = await noticeOfReport(db, reportId);
  if (!notice) return undefined;
  const [procedures, complaints] = await Promise.all([
    proceduresWithDue(db, [notice.id]),
    complaintsOf(db, [notice.id]),
  ]);
  const months = ntdPolicy(deps.policies.get(notice.brand_id)).complaint_window_months;
  return { notice, procedures, complaints, months };
}

export type NotifierView = NonNullable<Awaited<ReturnType<typeof notifierView>>>;

export function notifierSection(v: NotifierView, lang: Lang, csrf: string, timeZone: string): string {
  const w = W[lang];
  const when = (d: Date | string) => formatMoment(new Date(d), lang as Language, timeZone);
  const hidden = `<input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="lang" value="${lang}">`;
  const now = Date.now();
  const rows = v.procedures
    .map((p) => {
      const end = p.decided_at ? complaintWindowEnd(new Date(p.decided_at), v.months) : null;
      const open = v.complaints.some(
        (c) => Number(c.case_id) === Number(p.case_id) && c.complainant === "notifier" && !c.decided_at,
      );
      const decision = p.decision
        ? `<dt>${w.decision}</dt><dd>${e(DECISION_WORDS[p.decision as Decision][lang])}</dd>${p.decision_reason ? `<dt>${w.reasons}</dt><dd>${e(p.decision_reason)}</dd>` : ""}`
        : "";
      const reaction = p.reaction ? `<dt>${w.reaction}</dt><dd><pre>${e(p.reaction)}</pre></dd>` : "";
      const rebuttal =
        p.state === "reaction_forwarded" && !p.rebuttal
          ? `<form method="post" action="/portal/notice/rebuttal">${hidden}<input type="hidden" name="case" value="${Number(p.case_id)}">
<p><label for="rebuttal-${Number(p.case_id)}">${w.rebuttalLabel}</label><br><textarea id="rebuttal-${Number(p.case_id)}" name="text" rows="5" cols="60" maxlength="${MAX_STATEMENT_CHARS}" required></textarea></p>
<p><button type="submit">${w.rebuttalButton}</button></p></form>`
          : "";
      const complaint =
        end && now <= end.getTime()
          ? open
            ? `<p role="status">${w.complaintOpen}</p>`
            : `<h4>${w.complaint}</h4><form method="post" action="/portal/notice/complaint">${hidden}<input type="hidden" name="case" value="${Number(p.case_id)}">
<p><label for="complaint-${Number(p.case_id)}">${e(w.complaintLabel(when(end)))}</label><br><textarea id="complaint-${Number(p.case_id)}" name="text" rows="5" cols="60" maxlength="${MAX_STATEMENT_CHARS}" required></textarea></p>
<p><button type="submit">${w.complaintButton}</button></p></form>`
          : "";
      return `<li><dl><dt>${w.location}</dt><dd>${e(p.location)}</dd><dt>${w.state}</dt><dd>${e(STATE_WORDS[p.state][lang])}</dd>${p.due ? `<dt>${w.term}</dt><dd>${e(when(p.due.due_at))}</dd>` : ""}${reaction}${decision}</dl>${rebuttal}${complaint}</li>`;
    })
    .join("");
  const missing = v.notice.missing.filter(isNoticeElement);
  const completion =
    v.procedures.some((p) => p.state === "incomplete") && missing.length > 0
      ? `<h3>${w.complete}</h3><form method="post" action="/portal/notice/complete">${hidden}
${missing
  .map((m) => {
    if (m === "good_faith")
      return `<p><input id="nf-good_faith" name="good_faith" type="checkbox" value="yes"> <label for="nf-good_faith">${w.goodFaith}</label></p>`;
    if (m === "explanation")
      return `<p><label for="nf-explanation">${e(ELEMENT_LABELS.explanation[lang])}</label><br><textarea id="nf-explanation" name="explanation" rows="6" cols="60" maxlength="${MAX_EXPLANATION_CHARS}"></textarea></p>`;
    if (m === "locations") return "";
    const field = m === "notifier_name" ? "name" : m === "notifier_email" ? "email" : m;
    return `<p><label for="nf-${field}">${e(ELEMENT_LABELS[m][lang])}</label><br><input id="nf-${field}" name="${field}" maxlength="${MAX_SHORT_FIELD_CHARS}"${field === "email" ? ' type="email"' : ""}></p>`;
  })
  .join("\n")}
<p><button type="submit">${w.completeButton}</button></p></form>`
      : "";
  return `<section aria-labelledby="notice-h"><h2 id="notice-h">${e(w.notice(v.notice.reference))}</h2>
<p>${e(categoryWords(v.notice.category, lang))}</p>
<ul class="cases">${rows}</ul>
${completion}</section>`;
}

const bounded = (value: string | undefined, max: number) =>
  (value ?? "").replace(/\r\n?/g, "\n").trim().slice(0, max);

/** What the notifier sends from the portal: the missing elements, a rebuttal, a complaint. */
export async function notifierInput(
  deps: NtdDeps,
  session: { reportId: number | null; brandId: string },
  kind: "complete" | "rebuttal" | "complaint",
  fields: ReadonlyMap<string, string>,
): Promise<Result<unknown>> {
  if (!session.reportId) return fail(403, "this link is for a customer's cases, not for a notice");
  const notice = await noticeOfReport(deps.db, session.reportId);
  if (!notice || notice.brand_id !== session.brandId) return fail(404, "there is no notice for this link");
  const actor = portalActor(`portal:notifier:${session.reportId}`, notice.brand_id);
  const caseId = Number(fields.get("case"));
  const cases = Number.isSafeInteger(caseId) && caseId > 0 ? [caseId] : undefined;
  if (kind === "complete")
    return takeStep(deps, actor, notice.id, {
      step: "complete",
      supplied: {
        explanation: bounded(fields.get("explanation"), MAX_EXPLANATION_CHARS) || undefined,
        name: bounded(fields.get("name"), MAX_SHORT_FIELD_CHARS) || undefined,
        legal_ground: bounded(fields.get("legal_ground"), MAX_SHORT_FIELD_CHARS) || undefined,
        interest: bounded(fields.get("interest"), MAX_SHORT_FIELD_CHARS) || undefined,
        good_faith: fields.get("good_faith") ? true : undefined,
      },
    });
  const text = bounded(fields.get("text"), MAX_STATEMENT_CHARS);
  if (!text) return fail(422, "write your text in the field");
  if (!cases) return fail(422, "the form names no location");
  if (kind === "rebuttal") return takeStep(deps, actor, notice.id, { step: "rebuttal", cases, text });
  return fileComplaint(deps, actor, notice.id, {
    case_id: caseId,
    complainant: "notifier",
    channel: "portal",
    text,
  });
}

// ---------------------------------------------------------------------------------------------------
// The customer

/** Decisions on notices about the customer's content that can still be complained about. */
export async function customerDecisions(
  db: DB,
  deps: Pick<NtdDeps, "policies">,
  brandId: string,
  customerId: string,
) {
  const months = ntdPolicy(deps.policies.get(brandId)).complaint_window_months;
  const { rows } = await sql<{
    case_id: number;
    reference: string;
    category: string;
    location: string;
    decision: Decision;
    decision_reason: string | null;
    decided_at: Date;
    notice_id: number;
    complaint_open: boolean;
  }>`select p.case_id, n.reference, n.category, p.location, p.decision, p.decision_reason, p.decided_at, p.notice_id,
        exists(select 1 from ntd_complaints c where c.case_id = p.case_id and c.complainant = 'customer'
          and c.decided_at is null) as complaint_open
      from ntd_procedures p join cases k on k.id = p.case_id join notices n on n.id = p.notice_id
      where k.brand_id = ${brandId} and k.customer_id = ${customerId} and not k.gag and p.decided_at is not null
        and p.decided_at > now() - make_interval(months => ${months})
      order by p.decided_at desc limit 50`.execute(db);
  return rows.map((r) => ({ ...r, until: complaintWindowEnd(new Date(r.decided_at), months) }));
}

export function customerDecisionsSection(
  rows: Awaited<ReturnType<typeof customerDecisions>>,
  lang: Lang,
  csrf: string,
  timeZone: string,
): string {
  if (rows.length === 0) return "";
  const w = W[lang];
  const when = (d: Date) => formatMoment(d, lang as Language, timeZone);
  const hidden = `<input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="lang" value="${lang}">`;
  const items = rows
    .map((r) => {
      const id = Number(r.case_id);
      const form = r.complaint_open
        ? `<p role="status">${w.complaintOpen}</p>`
        : `<form method="post" action="/portal/cases/${id}/complaint">${hidden}
<p><label for="complaint-${id}">${e(w.complaintLabel(when(r.until)))}</label><br><textarea id="complaint-${id}" name="text" rows="5" cols="60" maxlength="${MAX_STATEMENT_CHARS}" required></textarea></p>
<p><button type="submit">${w.complaintButton}</button></p></form>`;
      return `<li id="notice-case-${id}"><h3>${e(r.reference)}: ${e(categoryWords(r.category, lang))}</h3><dl><dt>${w.location}</dt><dd>${e(r.location)}</dd><dt>${w.decision}</dt><dd>${e(DECISION_WORDS[r.decision][lang])}</dd>${r.decision_reason ? `<dt>${w.reasons}</dt><dd>${e(r.decision_reason)}</dd>` : ""}</dl>${form}</li>`;
    })
    .join("");
  return `<section aria-labelledby="decisions-h"><h2 id="decisions-h">${w.decisions}</h2><ul class="cases">${items}</ul></section>`;
}

export async function customerComplaint(
  deps: NtdDeps,
  session: { brandId: string; customerId: string | null },
  caseId: number,
  text: string,
): Promise<Result<unknown>> {
  if (!session.customerId)
    return fail(403, "this link is for following a report, not for a customer's cases");
  const rows = await customerDecisions(deps.db, deps, session.brandId, session.customerId);
  const row = rows.find((r) => Number(r.case_id) === caseId);
  if (!row) return fail(404, "there is no decision on a notice about your content to complain about here");
  const t = bounded(text, MAX_STATEMENT_CHARS);
  if (!t) return fail(422, "write your complaint in the field");
  const actor = portalActor(`portal:customer:${session.customerId}`, session.brandId);
  return fileComplaint(deps, actor, Number(row.notice_id), {
    case_id: caseId,
    complainant: "customer",
    channel: "portal",
    text: t,
  });
}
