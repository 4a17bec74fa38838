/**
 * Statements of reasons (DSA art. 17) for every restriction the desk carried out, in the format of the EU
 * DSA Transparency Database API (STANDARDS.md §2.10), and the validator of that format: pure.
 *
 * A hosting provider restricts a service rather than an "account" of a platform: removal and blocking are
 * visibility decisions, suspension and downgrade suspend the provision of the service (partially for a
 * downgrade), termination ends the provision and the account. The platform-only fields (content_id,
 * monetary decisions) are left out.
 */
import type { Step } from "../policy/steps.ts";
import { CATEGORIES, type CategoryInfo } from "../taxonomy.ts";

/** The steps that restrict a customer's service or content, and so need a statement of reasons. */
export const RESTRICTING_STEPS: readonly Step[] = [
  "remove_content",
  "block",
  "suspend",
  "downgrade",
  "terminate",
];

export const DECISION_VISIBILITY = [
  "DECISION_VISIBILITY_CONTENT_REMOVED",
  "DECISION_VISIBILITY_CONTENT_DISABLED",
  "DECISION_VISIBILITY_CONTENT_DEMOTED",
  "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
  "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
  "DECISION_VISIBILITY_CONTENT_LABELLED",
  "DECISION_VISIBILITY_OTHER",
] as const;
export const DECISION_MONETARY = [
  "DECISION_MONETARY_SUSPENSION",
  "DECISION_MONETARY_TERMINATION",
  "DECISION_MONETARY_OTHER",
] as const;
export const DECISION_PROVISION = [
  "DECISION_PROVISION_PARTIAL_SUSPENSION",
  "DECISION_PROVISION_TOTAL_SUSPENSION",
  "DECISION_PROVISION_PARTIAL_TERMINATION",
  "DECISION_PROVISION_TOTAL_TERMINATION",
] as const;
export const DECISION_ACCOUNT = ["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"] as const;
export const DECISION_GROUNDS = [
  "DECISION_GROUND_ILLEGAL_CONTENT",
  "DECISION_GROUND_INCOMPATIBLE_CONTENT",
] as const;
export const CONTENT_TYPES = [
  "CONTENT_TYPE_APP",
  "CONTENT_TYPE_AUDIO",
  "CONTENT_TYPE_IMAGE",
  "CONTENT_TYPE_PRODUCT",
  "CONTENT_TYPE_SYNTHETIC_MEDIA",
  "CONTENT_TYPE_TEXT",
  "CONTENT_TYPE_VIDEO",
  "CONTENT_TYPE_OTHER",
] as const;
export const STATEMENT_CATEGORIES = [
  "STATEMENT_CATEGORY_ANIMAL_WELFARE",
  "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
  "STATEMENT_CATEGORY_CYBER_VIOLENCE",
  "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
  "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
  "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
  "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
  "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
  "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
  "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
  "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
  "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
  "STATEMENT_CATEGORY_SELF_HARM",
  "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
  "STATEMENT_CATEGORY_VIOLENCE",
] as const;
export const SOURCE_TYPES = [
  "SOURCE_ARTICLE_16",
  "SOURCE_TRUSTED_FLAGGER",
  "SOURCE_TYPE_OTHER_NOTIFICATION",
  "SOURCE_VOLUNTARY",
] as const;
export const AUTOMATED_DECISIONS = [
  "AUTOMATED_DECISION_FULLY",
  "AUTOMATED_DECISION_PARTIALLY",
  "AUTOMATED_DECISION_NOT_AUTOMATED",
] as const;
export const ACCOUNT_TYPES = ["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"] as const;
/** EU and EEA country codes (territorial_scope). */
export const EEA_COUNTRIES = [
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
  "IS",
  "LI",
  "NO",
] as const;

/** The limits of the Transparency Database's fields (StatementStoreRequest). */
export const SOR_LIMITS = { short: 500, explanation: 2000, facts: 5000 } as const;

export type Statement = Record<string, unknown>;

/** What the desk knows of one restriction that was carried out. */
export interface Restriction {
  actionId: number;
  brand: string;
  step: Step;
  category: string;
  caseKind: "abuse" | "ntd" | "authority";
  caseId: number;
  doneAt: Date;
  liftAt: Date | null;
  contentAt: Date;
  subjects: readonly string[];
  clause: { document: string | null; article: string | null; quote: string | null };
  reason: string | null;
  /** The order that required it: its legal basis. */
  orderLegalBasis: string | null;
  trustedFlagger: boolean;
  /** A system actor (an automatic step) rather than a person decided. */
  automatic: boolean;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** The PUID: unique per provider, never reused, `[a-zA-Z0-9-_]`. */
export function puidOf(brand: string, actionId: number): string {
  return `abusedesk-${brand.replace(/[^a-zA-Z0-9-_]/g, "_")}-action-${actionId}`;
}

/** The statement of reasons of one restriction. */
export function statementOf(r: Restriction): Statement {
  const info = (CATEGORIES as Record<string, CategoryInfo | undefined>)[r.category];
  const ground = r.clause.document
    ? `${r.clause.document}${r.clause.article ? `, ${r.clause.article}` : ""}`
    : "the provider's terms of service";
  const illegal = r.orderLegalBasis !== null || r.caseKind === "ntd" || r.caseKind === "authority";
  const s: Statement = {};
  switch (r.step) {
    case "remove_content":
      s.decision_visibility = ["DECISION_VISIBILITY_CONTENT_REMOVED"];
      break;
    case "block":
      s.decision_visibility = ["DECISION_VISIBILITY_CONTENT_DISABLED"];
      break;
    case "suspend":
      s.decision_provision = "DECISION_PROVISION_TOTAL_SUSPENSION";
      if (r.liftAt) s.end_date_service_restriction = ymd(r.liftAt);
      break;
    case "downgrade":
      s.decision_provision = "DECISION_PROVISION_PARTIAL_SUSPENSION";
      if (r.liftAt) s.end_date_service_restriction = ymd(r.liftAt);
      break;
    default:
      s.decision_provision = "DECISION_PROVISION_TOTAL_TERMINATION";
      s.decision_account = "DECISION_ACCOUNT_TERMINATED";
  }
  if (illegal) {
    s.decision_ground = "DECISION_GROUND_ILLEGAL_CONTENT";
    s.illegal_content_legal_ground = cut(r.orderLegalBasis ?? ground, SOR_LIMITS.short);
    s.illegal_content_explanation = cut(
      r.reason ??
        r.clause.quote ??
        `a notice showed the content to be unlawful (${info?.label.en ?? r.category})`,
      SOR_LIMITS.explanation,
    );
  } else {
    s.decision_ground = "DECISION_GROUND_INCOMPATIBLE_CONTENT";
    s.incompatible_content_ground = cut(ground, SOR_LIMITS.short);
    s.incompatible_content_explanation = cut(
      r.clause.quote ?? r.reason ?? `the service was used for ${info?.label.en.toLowerCase() ?? r.category}`,
      SOR_LIMITS.explanation,
    );
    s.incompatible_content_illegal = "No";
  }
  s.content_type = ["CONTENT_TYPE_OTHER"];
  s.content_type_other = "a hosted or connected service (IP address, domain or web content)";
  s.category = info?.dsa ?? "STATEMENT_CATEGORY_OTHER_VIOLATION_TC";
  if (info?.dsaKeyword) s.category_specification = [info.dsaKeyword];
  s.content_date = ymd(clampDate(r.contentAt, "2000-01-01", "2038-01-01"));
  s.application_date = ymd(clampDate(r.doneAt, "2020-01-01", "2038-01-01"));
  s.decision_facts = cut(
    `${info?.label.en ?? r.category} from ${r.subjects.slice(0, 10).join(", ") || "the customer's service"}` +
      ` (case ${r.caseId}); ${stepSentence(r.step)} on ${ymd(r.doneAt)}` +
      (r.reason ? `: ${r.reason}` : "."),
    SOR_LIMITS.facts,
  );
  s.source_type = r.trustedFlagger
    ? "SOURCE_TRUSTED_FLAGGER"
    : r.caseKind === "ntd"
      ? "SOURCE_ARTICLE_16"
      : "SOURCE_TYPE_OTHER_NOTIFICATION";
  s.automated_detection = "No";
  s.automated_decision = r.automatic ? "AUTOMATED_DECISION_PARTIALLY" : "AUTOMATED_DECISION_NOT_AUTOMATED";
  s.puid = puidOf(r.brand, r.actionId);
  return s;
}

function stepSentence(step: Step): string {
  switch (step) {
    case "remove_content":
      return "the content was removed";
    case "block":
      return "access to it was disabled";
    case "suspend":
      return "the service was suspended";
    case "downgrade":
      return "the service was restricted";
    default:
      return "the service was terminated";
  }
}

function clampDate(d: Date, min: string, max: string): Date {
  const lo = new Date(`${min}T00:00:00Z`);
  const hi = new Date(`${max}T00:00:00Z`);
  return d < lo ? lo : d > hi ? hi : d;
}

const isIn = (list: readonly string[], v: unknown) => typeof v === "string" && list.includes(v);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The Transparency Database's rules for one statement (STANDARDS.md §2.10): every problem as a sentence
 * naming the field; none when it would be accepted. Fields the rules exclude for the chosen ground are
 * ignored (the database drops them), as it does.
 */
export function statementProblems(s: Statement): string[] {
  const p: string[] = [];
  const str = (f: string, max: number, required: boolean) => {
    const v = s[f];
    if (v === undefined || v === null) {
      if (required) p.push(`${f} is required`);
      return;
    }
    if (typeof v !== "string" || v.trim() === "") p.push(`${f} must be a non-empty text`);
    else if (v.length > max) p.push(`${f} is longer than ${max} characters`);
  };
  const date = (f: string, min: string, max: string, required: boolean) => {
    const v = s[f];
    if (v === undefined || v === null) {
      if (required) p.push(`${f} is required`);
      return;
    }
    if (typeof v !== "string" || !DATE.test(v) || Number.isNaN(Date.parse(v)))
      p.push(`${f} must be a date Y-m-d`);
    else if (v < min || v > max) p.push(`${f} must lie between ${min} and ${max}`);
  };
  const enumArray = (f: string, list: readonly string[], required: boolean) => {
    const v = s[f];
    if (v === undefined || v === null) {
      if (required) p.push(`${f} is required`);
      return undefined;
    }
    if (!Array.isArray(v) || v.length === 0 || v.length > 100 || !v.every((x) => isIn(list, x))) {
      p.push(`${f} must be a list of ${list.slice(0, 3).join(", ")}…`);
      return undefined;
    }
    return v as string[];
  };
  const oneOf = (f: string, list: readonly string[], required: boolean) => {
    const v = s[f];
    if (v === undefined || v === null) {
      if (required) p.push(`${f} is required`);
    } else if (!isIn(list, v)) p.push(`${f} must be one of ${list.join(", ")}`);
  };

  const visibility = enumArray("decision_visibility", DECISION_VISIBILITY, false);
  if (visibility?.includes("DECISION_VISIBILITY_OTHER"))
    str("decision_visibility_other", SOR_LIMITS.short, true);
  oneOf("decision_monetary", DECISION_MONETARY, false);
  if (s.decision_monetary === "DECISION_MONETARY_OTHER")
    str("decision_monetary_other", SOR_LIMITS.short, true);
  oneOf("decision_provision", DECISION_PROVISION, false);
  oneOf("decision_account", DECISION_ACCOUNT, false);
  if (
    ["decision_visibility", "decision_monetary", "decision_provision", "decision_account"].every(
      (f) => s[f] == null,
    )
  )
    p.push("one of decision_visibility, decision_monetary, decision_provision, decision_account is required");
  oneOf("account_type", ACCOUNT_TYPES, false);
  oneOf("decision_ground", DECISION_GROUNDS, true);
  str("decision_ground_reference_url", SOR_LIMITS.short, false);
  if (
    typeof s.decision_ground_reference_url === "string" &&
    !/^https?:\/\/\S+$/.test(s.decision_ground_reference_url)
  )
    p.push("decision_ground_reference_url must be a URL");
  if (s.decision_ground === "DECISION_GROUND_ILLEGAL_CONTENT") {
    str("illegal_content_legal_ground", SOR_LIMITS.short, true);
    str("illegal_content_explanation", SOR_LIMITS.explanation, true);
  }
  if (s.decision_ground === "DECISION_GROUND_INCOMPATIBLE_CONTENT") {
    str("incompatible_content_ground", SOR_LIMITS.short, true);
    str("incompatible_content_explanation", SOR_LIMITS.explanation, true);
    oneOf("incompatible_content_illegal", ["Yes", "No"], false);
  }
  const types = enumArray("content_type", CONTENT_TYPES, true);
  if (types?.includes("CONTENT_TYPE_OTHER")) str("content_type_other", SOR_LIMITS.short, true);
  oneOf("category", STATEMENT_CATEGORIES, true);
  enumArray("category_addition", STATEMENT_CATEGORIES, false);
  const specs = s.category_specification;
  if (
    specs != null &&
    (!Array.isArray(specs) || !specs.every((k) => typeof k === "string" && /^KEYWORD_[A-Z_]+$/.test(k)))
  )
    p.push("category_specification must be a list of KEYWORD_… values");
  str("category_specification_other", SOR_LIMITS.short, false);
  enumArray("territorial_scope", EEA_COUNTRIES, false);
  if (
    s.content_language != null &&
    (typeof s.content_language !== "string" || !/^[A-Za-z]{2}$/.test(s.content_language))
  )
    p.push("content_language must be a two-letter ISO 639-1 code");
  date("content_date", "2000-01-01", "2038-01-01", true);
  date("application_date", "2020-01-01", "2038-01-01", true);
  for (const f of [
    "end_date_account_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_visibility_restriction",
  ])
    date(f, "2000-01-01", "2038-01-01", false);
  str("decision_facts", SOR_LIMITS.facts, true);
  oneOf("source_type", SOURCE_TYPES, true);
  if (s.source_type !== "SOURCE_VOLUNTARY") str("source_identity", SOR_LIMITS.short, false);
  oneOf("automated_detection", ["Yes", "No"], true);
  oneOf("automated_decision", AUTOMATED_DECISIONS, true);
  str("puid", SOR_LIMITS.short, true);
  if (typeof s.puid === "string" && !/^[a-zA-Z0-9-_]+$/.test(s.puid))
    p.push("puid may hold only letters, digits, - and _");
  return p;
}
