/**
 * The one registry of what a report can be about. Every parser maps its own vocabulary onto these
 * categories; a category a parser does not know is a bug (see `categoryOf`), never a silent default.
 */

/** abuse policy §4: the three kinds of report, each with its own procedure. */
export const KINDS = ["abuse", "ntd", "authority"] as const;
export type Kind = (typeof KINDS)[number];

/** DSA Transparency Database statement categories (v2 schema) that our categories map to. */
export type DsaCategory =
  | "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
  | "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"
  | "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
  | "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
  | "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
  | "STATEMENT_CATEGORY_CYBER_VIOLENCE"
  | "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
  | "STATEMENT_CATEGORY_OTHER_VIOLATION_TC";

export interface CategoryInfo {
  /** Default kind of an event of this category; an authority order overrides it. */
  kind: Kind;
  label: { en: string; nl: string };
  /** XARF v4 `category/type` this maps to when we write XARF. */
  xarf: string;
  dsa: DsaCategory;
  /** DSA `category_specification` keyword, where one fits. */
  dsaKeyword?: string;
  /** Handled before everything else (authority, CSAM, terrorist content). */
  urgent?: boolean;
  /** Not abuse by the customer: routed for information only (auth failures, opt-outs, victims). */
  informational?: boolean;
}

export const CATEGORIES = {
  spam: {
    kind: "abuse",
    label: { en: "Spam", nl: "Spam" },
    xarf: "messaging/spam",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
  },
  phishing: {
    kind: "abuse",
    label: { en: "Phishing", nl: "Phishing" },
    xarf: "content/phishing",
    dsa: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    dsaKeyword: "KEYWORD_PHISHING",
  },
  malware: {
    kind: "abuse",
    label: { en: "Malware", nl: "Malware" },
    xarf: "content/malware",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  botnet: {
    kind: "abuse",
    label: { en: "Botnet infection / compromised host", nl: "Botnetbesmetting / gecompromitteerde host" },
    xarf: "infrastructure/botnet",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  compromised_server: {
    kind: "abuse",
    label: { en: "Compromised server or website", nl: "Gecompromitteerde server of website" },
    xarf: "infrastructure/compromised_server",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  ddos: {
    kind: "abuse",
    label: { en: "DDoS", nl: "DDoS-aanval" },
    xarf: "connection/ddos",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  brute_force: {
    kind: "abuse",
    label: { en: "Brute force / login attack", nl: "Brute force / inlogaanval" },
    xarf: "connection/login_attack",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  port_scan: {
    kind: "abuse",
    label: { en: "Port scan / hacking attempt", nl: "Poortscan / hackpoging" },
    xarf: "connection/port_scan",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  open_relay: {
    kind: "abuse",
    label: { en: "Open mail relay", nl: "Open mailrelay" },
    xarf: "vulnerability/open_service",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  open_service: {
    kind: "abuse",
    label: { en: "Open or vulnerable service", nl: "Open of kwetsbare dienst" },
    xarf: "vulnerability/open_service",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  },
  copyright: {
    kind: "ntd",
    label: { en: "Copyright infringement", nl: "Auteursrechtinbreuk" },
    xarf: "copyright/copyright",
    dsa: "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    dsaKeyword: "KEYWORD_COPYRIGHT_INFRINGEMENT",
  },
  trademark: {
    kind: "ntd",
    label: { en: "Trademark infringement", nl: "Merkinbreuk" },
    xarf: "content/brand_infringement",
    dsa: "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    dsaKeyword: "KEYWORD_TRADEMARK_INFRINGEMENT",
  },
  defamation: {
    kind: "ntd",
    label: { en: "Defamation", nl: "Smaad / laster" },
    xarf: "content/other",
    dsa: "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    dsaKeyword: "KEYWORD_DEFAMATION",
  },
  harassment: {
    kind: "ntd",
    label: { en: "Harassment", nl: "Intimidatie" },
    xarf: "content/other",
    dsa: "STATEMENT_CATEGORY_CYBER_VIOLENCE",
  },
  fraud: {
    kind: "ntd",
    label: { en: "Fraud", nl: "Fraude / oplichting" },
    xarf: "content/fraud",
    dsa: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
  },
  csam: {
    kind: "ntd",
    label: { en: "Child sexual abuse material", nl: "Kindermisbruikmateriaal" },
    xarf: "content/csam",
    dsa: "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    dsaKeyword: "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    urgent: true,
  },
  terrorist_content: {
    kind: "ntd",
    label: { en: "Terrorist content", nl: "Terroristische inhoud" },
    xarf: "content/other",
    dsa: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    dsaKeyword: "KEYWORD_TERRORIST_CONTENT",
    urgent: true,
  },
  unlawful_content: {
    kind: "ntd",
    label: { en: "Other unlawful content", nl: "Overige onrechtmatige inhoud" },
    xarf: "content/other",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
  },
  privacy: {
    kind: "ntd",
    label: { en: "Privacy / exposed personal data", nl: "Privacy / gelekte persoonsgegevens" },
    xarf: "content/exposed_data",
    dsa: "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
  },
  excessive_use: {
    kind: "abuse",
    label: { en: "Excessive use / fair use", nl: "Bovenmatig gebruik / fair use" },
    xarf: "connection/other",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
  },
  blocklist: {
    kind: "abuse",
    label: { en: "Blocklist listing", nl: "Vermelding op blocklist" },
    xarf: "reputation/blocklist",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    informational: true,
  },
  ddos_victim: {
    kind: "abuse",
    label: { en: "Target of an attack (victim)", nl: "Doelwit van een aanval (slachtoffer)" },
    xarf: "connection/ddos",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    informational: true,
  },
  email_auth_failure: {
    kind: "abuse",
    label: { en: "E-mail authentication failure (DMARC/DKIM/SPF)", nl: "Mislukte e-mailauthenticatie" },
    xarf: "messaging/spam",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    informational: true,
  },
  opt_out: {
    kind: "abuse",
    label: { en: "Unsubscribe request", nl: "Afmeldverzoek" },
    xarf: "messaging/bulk_messaging",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    informational: true,
  },
  other: {
    kind: "abuse",
    label: { en: "Other", nl: "Overig" },
    xarf: "connection/other",
    dsa: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
  },
} as const satisfies Record<string, CategoryInfo>;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_IDS = Object.keys(CATEGORIES) as Category[];

export function isCategory(value: string): value is Category {
  return Object.hasOwn(CATEGORIES, value);
}

export class UnknownCategoryError extends Error {
  constructor(
    readonly source: string,
    readonly value: string,
  ) {
    super(`${source}: no category is known for "${value}"; add it to the parser's map or to src/taxonomy.ts`);
    this.name = "UnknownCategoryError";
  }
}

/** Looks a format's own label up in its map; throws rather than guessing. */
export function categoryOf(source: string, map: Readonly<Record<string, Category>>, value: string): Category {
  // Own entries only: "constructor" or "__proto__" in a report must not find Object.prototype's members.
  const lower = value.toLowerCase();
  const hit = Object.hasOwn(map, value) ? map[value] : Object.hasOwn(map, lower) ? map[lower] : undefined;
  if (!hit) throw new UnknownCategoryError(source, value);
  return hit;
}

/**
 * A sender's own label for an event (a Shadowserver report type, an X-ARF report type, an ARF feedback
 * type) that no map knows: the event takes category `other` and keeps the label here, in
 * `details.source_category`, so that its subjects are resolved and grouped all the same; the case is then
 * flagged "needs classification" until a person reclassifies it or a mapping rule covers the label.
 */
export const SOURCE_CATEGORY = "source_category";

/** Looks a label up like `categoryOf`, but never throws: an unknown label is `other`, and says which. */
export function categoryOrOther(
  map: Readonly<Record<string, Category>>,
  value: string,
): { category: Category; unknownLabel?: string } {
  const key = Object.hasOwn(map, value) ? value : value.toLowerCase();
  if (Object.hasOwn(map, key)) return { category: map[key]! };
  return { category: "other", unknownLabel: value.trim().slice(0, 200) };
}

/** Lower is more urgent: authority first, then CSAM and terrorist content, then the rest (SPEC C4). */
export function priorityOf(kind: Kind, category: Category): number {
  if (kind === "authority") return 0;
  const info: CategoryInfo = CATEGORIES[category];
  if (info.urgent) return 1;
  if (kind === "ntd") return 2;
  return info.informational ? 4 : 3;
}
