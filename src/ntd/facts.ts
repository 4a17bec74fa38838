/**
 * What a message about a notice may say, per reader: `notice.*` for the content provider (never the
 * notifier's identity; the notifier's explanation only when it was written in the form or the API, where
 * the notifier was told it is forwarded, and then with their name and address taken out) and for the
 * notifier. The outbox (src/messages/outbox.ts) calls `customerNoticeFacts` for every customer message on
 * an NTD case, so that a step's letter (request for a reaction, decision) carries the notice.
 */
import { sql, type Transaction } from "kysely";
import type { Database } from "../db/schema.ts";
import { identityMarks, redactAddresses, redactMarks } from "../messages/compose.ts";
import { categoryWords as words } from "../messages/vocabulary.ts";
import { DECISION_WORDS, type Decision, redressText } from "./procedure.ts";

type Trx = Transaction<Database>;

const lang = (l: string) => (l === "nl" ? "nl" : "en");

export function categoryWords(category: string, language: string): string {
  return words(category, lang(language));
}

/** The notifier's words as the content provider may read them: no name, organisation or e-mail address. */
export function withoutNotifier(text: string, marks: readonly string[]): string {
  return redactAddresses(redactMarks(text, marks), new Set());
}

/** The notice as its content provider may read it, or undefined when the case has no notice. */
export async function customerNoticeFacts(
  trx: Trx,
  caseId: number,
  language: string,
  complaintMonths: number,
): Promise<Record<string, unknown> | undefined> {
  const { rows } = await sql<{
    reference: string;
    category: string;
    location: string;
    legal_ground: string | null;
    explanation: string | null;
    channel: string;
    notifier_name: string | null;
    notifier_email: string | null;
    org: string | null;
    decision: Decision | null;
    decision_reason: string | null;
  }>`select n.reference, n.category, p.location, n.legal_ground, n.explanation, n.channel, n.notifier_name,
        n.notifier_email, r.org, p.decision, p.decision_reason
      from ntd_procedures p join notices n on n.id = p.notice_id left join reporters r on r.id = n.reporter_id
      where p.case_id = ${caseId}`.execute(trx);
  const n = rows[0];
  if (!n) return undefined;
  const marks = identityMarks([{ name: n.notifier_name, email: n.notifier_email, org: n.org }]);
  const explanation =
    n.channel !== "mail" && n.explanation ? withoutNotifier(n.explanation, marks).slice(0, 5_000) : null;
  return {
    reference: n.reference,
    category: categoryWords(n.category, language),
    location: n.location,
    legal_ground: n.legal_ground ? withoutNotifier(n.legal_ground, marks) : null,
    explanation,
    decision: n.decision,
    decision_text: n.decision ? DECISION_WORDS[n.decision][lang(language)] : null,
    reason: n.decision_reason ? withoutNotifier(n.decision_reason, marks) : null,
    automated: false,
    redress: redressText(lang(language), complaintMonths),
  };
}

/** The parts of a message's context that are template data of their own (`notice`, `complaint`, `misuse`). */
export function contextData(ctx: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["notice", "complaint", "misuse"] as const) {
    const v = ctx[key];
    if (typeof v === "object" && v !== null && !Array.isArray(v)) out[key] = v;
  }
  return out;
}
