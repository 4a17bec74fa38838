/**
 * The notice-and-takedown procedure (SPEC C11; NTD code; DSA arts. 16, 17, 20, 22, 23), pure: what a notice
 * must contain, which step may follow which, when a notifier is warned or suspended for misuse, and how
 * long a decision can be complained about. The use cases (notices.ts) read and write; this decides.
 *
 *   received ─► incomplete ─(complete)─► assessment ─(act)──────────────────────────► decided: upheld
 *      │            └─(lapse)─► lapsed        ├─(forward)─► forwarded ─(forward_reaction)─► reaction_forwarded
 *      └─(complete notice)──────────────────► │               │                               │ (rebuttal)
 *                                             └─(decide)──────┴─(decide)──────────────────────┴─(decide)
 *                                                                         ─► decided: upheld | to_court | rejected
 *
 * One procedure per notice and location: each location is a case (kind `ntd`) of the customer that hosts it.
 */
import { type Ability, can, type Role, rolesWith } from "../auth/roles.ts";
import { fail, ok, type Result } from "../errors.ts";
import type { Category } from "../taxonomy.ts";

export const NTD_STATES = [
  "received",
  "incomplete",
  "assessment",
  "forwarded",
  "reaction_forwarded",
  "decided",
  "lapsed",
] as const;
export type NtdState = (typeof NTD_STATES)[number];
export const OPEN_NTD_STATES: readonly NtdState[] = [
  "received",
  "incomplete",
  "assessment",
  "forwarded",
  "reaction_forwarded",
];

/** A notice whose locations are none of ours has no procedure; the notifier is told who hosts them. */
export const NOT_HOSTED = "not_hosted";

export const DECISIONS = ["upheld", "to_court", "rejected"] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * Why: `manifest` (manifestly unlawful), `law` (required by law), `order` (an authority's order), `terms`
 * (contrary to the brand's terms), `assessment` (weighed after hearing both sides).
 */
export const DECISION_BASES = ["manifest", "law", "order", "terms", "assessment"] as const;
export type DecisionBasis = (typeof DECISION_BASES)[number];
/** Acting at once, without hearing the content provider, needs one of these. */
export const AT_ONCE_BASES: readonly DecisionBasis[] = ["manifest", "law", "order"];

export const PROCEDURE_STEPS = [
  "complete",
  "lapse",
  "act",
  "forward",
  "forward_reaction",
  "rebuttal",
  "decide",
] as const;
export type ProcedureStep = (typeof PROCEDURE_STEPS)[number];

const FROM: Readonly<Record<ProcedureStep, readonly NtdState[]>> = {
  complete: ["received", "incomplete"],
  lapse: ["incomplete"],
  act: ["assessment", "forwarded", "reaction_forwarded"],
  forward: ["assessment"],
  forward_reaction: ["forwarded"],
  rebuttal: ["reaction_forwarded"],
  decide: ["assessment", "forwarded", "reaction_forwarded"],
};

const TO: Readonly<Record<ProcedureStep, NtdState>> = {
  complete: "assessment",
  lapse: "lapsed",
  act: "decided",
  forward: "forwarded",
  forward_reaction: "reaction_forwarded",
  rebuttal: "reaction_forwarded",
  decide: "decided",
};

const WHAT: Readonly<Record<ProcedureStep, string>> = {
  complete: "recording the missing elements",
  lapse: "closing it as incomplete",
  act: "acting at once",
  forward: "forwarding it to the content provider",
  forward_reaction: "forwarding the content provider's reaction",
  rebuttal: "recording the notifier's rebuttal",
  decide: "a decision",
};

/** Where `step` takes a procedure in `state`, or why it cannot be taken now. */
export function nextState(state: NtdState, step: ProcedureStep): Result<NtdState> {
  if (FROM[step].includes(state)) return ok(TO[step]);
  const allowed = PROCEDURE_STEPS.filter((s) => FROM[s].includes(state));
  return fail(
    409,
    `the procedure is ${state}: ${WHAT[step]} is not possible now${allowed.length > 0 ? ` (possible: ${allowed.join(", ")})` : ""}`,
  );
}

export function isProcedureStep(value: string): value is ProcedureStep {
  return (PROCEDURE_STEPS as readonly string[]).includes(value);
}

/** The deadline each state keeps (the brand's profile gives its term, docs/ntd.md). */
export const STATE_DEADLINE: Readonly<Partial<Record<NtdState, string>>> = {
  incomplete: "ntd_completeness",
  assessment: "ntd_assessment",
  forwarded: "ntd_customer_reaction",
  reaction_forwarded: "ntd_notifier_rebuttal",
};

// ---------------------------------------------------------------------------------------------------
// What a notice must contain (DSA art. 16(2); NTD code)

/** Limits on what a stranger can put in one notice (the form and the API). */
export const MAX_NOTICE_LOCATIONS = 20;
export const MAX_LOCATION_CHARS = 2_000;
export const MAX_EXPLANATION_CHARS = 20_000;
export const MAX_SHORT_FIELD_CHARS = 300;
export const MAX_NOTICE_FILES = 5;
export const MAX_NOTICE_FILE_BYTES = 10 * 1024 * 1024;
/** The reaction, rebuttal or complaint one party writes (characters). */
export const MAX_STATEMENT_CHARS = 20_000;

export const NOTICE_ELEMENTS = [
  "explanation",
  "locations",
  "notifier_name",
  "notifier_email",
  "good_faith",
  "legal_ground",
  "interest",
] as const;
export type NoticeElement = (typeof NOTICE_ELEMENTS)[number];

/** Offences of arts. 3-7 of Directive 2011/93/EU: the notifier may stay anonymous (DSA art. 16(2)(c)). */
export const ANONYMOUS_CATEGORIES: readonly Category[] = ["csam"];

/** The element as the notifier reads it, in a request to complete the notice. */
export const ELEMENT_LABELS: Readonly<Record<NoticeElement, { en: string; nl: string }>> = {
  explanation: {
    en: "a substantiated explanation why the content is unlawful (DSA art. 16(2)(a))",
    nl: "een onderbouwde uitleg waarom de inhoud onrechtmatig is (DSA art. 16(2)(a))",
  },
  locations: {
    en: "the exact location of the content: the URL(s) (DSA art. 16(2)(b))",
    nl: "de precieze vindplaats van de inhoud: de URL('s) (DSA art. 16(2)(b))",
  },
  notifier_name: { en: "your name (DSA art. 16(2)(c))", nl: "uw naam (DSA art. 16(2)(c))" },
  notifier_email: {
    en: "your e-mail address (DSA art. 16(2)(c))",
    nl: "uw e-mailadres (DSA art. 16(2)(c))",
  },
  good_faith: {
    en: "a statement that you believe in good faith that the notice is accurate and complete (DSA art. 16(2)(d))",
    nl: "een verklaring dat u te goeder trouw meent dat de melding juist en volledig is (DSA art. 16(2)(d))",
  },
  legal_ground: {
    en: "the legal ground you invoke, e.g. copyright, defamation, privacy (NTD code)",
    nl: "de juridische grondslag waarop u zich beroept, bijv. auteursrecht, smaad, privacy (NTD-code)",
  },
  interest: {
    en: "your interest: are you the rights holder, the person concerned, or acting for them? (NTD code)",
    nl: "uw belang: bent u de rechthebbende, de betrokkene, of handelt u namens hen? (NTD-code)",
  },
};

export interface NoticeContent {
  category: Category;
  explanation: string | null;
  locations: readonly string[];
  notifierName: string | null;
  notifierEmail: string | null;
  goodFaith: boolean;
  legalGround: string | null;
  interest: string | null;
}

const blank = (s: string | null | undefined) => !s || s.trim() === "";

/** The elements a notice lacks; an anonymous notice about CSAM needs no name, e-mail or interest. */
export function missingElements(n: NoticeContent): NoticeElement[] {
  const anonymousAllowed = ANONYMOUS_CATEGORIES.includes(n.category);
  const missing: NoticeElement[] = [];
  if (blank(n.explanation)) missing.push("explanation");
  if (n.locations.length === 0) missing.push("locations");
  if (!anonymousAllowed) {
    if (blank(n.notifierName)) missing.push("notifier_name");
    if (blank(n.notifierEmail)) missing.push("notifier_email");
  }
  if (!n.goodFaith) missing.push("good_faith");
  if (blank(n.legalGround) && !anonymousAllowed) missing.push("legal_ground");
  if (blank(n.interest) && !anonymousAllowed) missing.push("interest");
  return missing;
}

export function isNoticeElement(value: string): value is NoticeElement {
  return (NOTICE_ELEMENTS as readonly string[]).includes(value);
}

/** The reference the notifier quotes: NTD-2026-000042. */
export function noticeReference(id: number, receivedAt: Date): string {
  return `NTD-${receivedAt.getUTCFullYear()}-${String(id).padStart(6, "0")}`;
}

const REFERENCE_SHAPE = /^NTD-\d{4}-(\d{6,15})$/;
/** The notice id in a reference, or a plain id. */
export function noticeIdOf(text: string): number | undefined {
  const t = text.trim();
  const m = REFERENCE_SHAPE.exec(t) ?? (/^\d{1,15}$/.test(t) ? [t, t] : null);
  if (!m) return undefined;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Misuse (DSA art. 23(2)) and complaints (art. 20)

export interface MisusePolicy {
  window_days: number;
  warn_after: number;
  suspend_after: number;
  suspension_days: number;
}

export type MisuseVerdict = { kind: "none" } | { kind: "warn" } | { kind: "suspend"; until: Date };

const DAY_MS = 86_400_000;

/**
 * After a notice is found manifestly unfounded: warn the notifier once the count in the window reaches
 * `warn_after`; suspend once it reaches `suspend_after` and a warning was given within the window (art. 23
 * suspends only "after having issued a prior warning").
 */
export function misuseVerdict(m: {
  unfounded: number;
  warnedAt: Date | null;
  now: Date;
  policy: MisusePolicy;
}): MisuseVerdict {
  const since = m.now.getTime() - m.policy.window_days * DAY_MS;
  const warned = m.warnedAt !== null && m.warnedAt.getTime() >= since;
  if (warned && m.unfounded >= m.policy.suspend_after)
    return { kind: "suspend", until: new Date(m.now.getTime() + m.policy.suspension_days * DAY_MS) };
  if (!warned && m.unfounded >= m.policy.warn_after) return { kind: "warn" };
  return { kind: "none" };
}

/** The last moment a decision made at `decidedAt` can be complained about (art. 20(1): six months or more). */
export function complaintWindowEnd(decidedAt: Date, months: number): Date {
  const end = new Date(decidedAt.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

export const COMPLAINT_OUTCOMES = ["upheld", "reversed", "modified"] as const;
export type ComplaintOutcome = (typeof COMPLAINT_OUTCOMES)[number];

/** What a party can do about a decision (DSA arts. 17(3)(f), 20, 21), in the reader's language. */
export function redressText(language: string, months: number): string {
  return language === "nl"
    ? `U kunt binnen ${months} maanden kosteloos een klacht indienen tegen dit besluit (DSA art. 20): via de link in dit bericht of door op dit bericht te antwoorden. Een ander dan degene die besliste behandelt de klacht. U kunt zich ook wenden tot een gecertificeerde instantie voor geschillenbeslechting buiten de rechter (DSA art. 21) of tot de rechter.`
    : `You may complain about this decision free of charge within ${months} months (DSA art. 20): through the link in this message or by replying to it. A person other than the one who decided handles the complaint. You may also turn to a certified out-of-court dispute settlement body (DSA art. 21) or to the court.`;
}

export const DECISION_WORDS: Readonly<Record<Decision, { en: string; nl: string }>> = {
  upheld: {
    en: "the notice is upheld: the content is removed or made inaccessible",
    nl: "de melding is gegrond: de inhoud wordt verwijderd of ontoegankelijk gemaakt",
  },
  to_court: {
    en: "the content provider contests the notice and will let a court decide; we step back and leave the content as it is until then",
    nl: "de inhoudaanbieder betwist de melding en laat het oordeel aan de rechter; wij treden terug en laten de inhoud tot dan staan",
  },
  rejected: {
    en: "the notice is rejected: there is reasonable doubt that the content is unlawful, so it stays",
    nl: "de melding is afgewezen: er is redelijke twijfel of de inhoud onrechtmatig is, daarom blijft zij staan",
  },
};

export const OUTCOME_WORDS: Readonly<Record<ComplaintOutcome, { en: string; nl: string }>> = {
  upheld: { en: "the decision stands", nl: "het besluit blijft in stand" },
  reversed: { en: "the decision is reversed", nl: "het besluit is herroepen" },
  modified: { en: "the decision is modified", nl: "het besluit is gewijzigd" },
};

// ---------------------------------------------------------------------------------------------------
// Who may do what (the one place for notices; routes declare the least of it)

/** Deciding on a notice (acting at once included) is a contested decision: it needs `approve`. */
export const STEP_ABILITY: Readonly<Record<ProcedureStep, Ability>> = {
  complete: "work",
  lapse: "work",
  forward: "work",
  forward_reaction: "work",
  rebuttal: "work",
  act: "approve",
  decide: "approve",
};

export function mayTakeStep(
  actor: { role: Role; scope: "read" | "write" },
  step: ProcedureStep,
): Result<true> {
  const ability = STEP_ABILITY[step];
  if (actor.scope === "read" || !can(actor.role, ability))
    return fail(
      403,
      `${WHAT[step]} on a notice needs the ${ability} permission (roles: ${rolesWith(ability).join(", ")})`,
    );
  return ok(true);
}
