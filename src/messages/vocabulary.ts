/**
 * The words messages are made of that are not in a template: what a step, a missing item, a deadline and a
 * category are called in each language, and how a moment is written. Pure. Templates decide the sentences;
 * this file only names things, so that an operator's template can use the same names.
 */
import type { Missing } from "../parsers/completeness.ts";
import type { Step } from "../policy/steps.ts";
import { CATEGORIES, type Category } from "../taxonomy.ts";

/** Languages messages are written in. A brand may list others; they fall back to the brand's next one. */
export const MESSAGE_LANGUAGES = ["nl", "en", "fr"] as const;
export type Language = (typeof MESSAGE_LANGUAGES)[number];

export function isLanguage(value: string | null | undefined): value is Language {
  return (MESSAGE_LANGUAGES as readonly string[]).includes(value ?? "");
}

type Words<K extends string> = Readonly<Record<Language, Readonly<Record<K, string>>>>;

/** What was done, as a customer or reporter reads it ("the service has been suspended"). */
const STEP_WORDS: Words<Step> = {
  nl: {
    warn: "een waarschuwing",
    request_information: "een verzoek om informatie",
    notice_of_default: "een ingebrekestelling",
    suspend: "het opschorten van de dienst",
    block: "het blokkeren van het adres of de dienst",
    remove_content: "het verwijderen of ontoegankelijk maken van de inhoud",
    downgrade: "het neerwaarts aanpassen van het profiel",
    terminate: "het beëindigen van de overeenkomst",
    refer_to_authority: "het doorverwijzen naar een bevoegde instantie",
    provide_data: "het verstrekken van gegevens aan een bevoegde instantie",
    no_action: "geen maatregel",
  },
  en: {
    warn: "a warning",
    request_information: "a request for information",
    notice_of_default: "a notice of default",
    suspend: "suspending the service",
    block: "blocking the address or service",
    remove_content: "removing or disabling access to the content",
    downgrade: "downgrading the subscription profile",
    terminate: "terminating the contract",
    refer_to_authority: "referring the matter to a competent authority",
    provide_data: "providing data to a competent authority",
    no_action: "no measure",
  },
  fr: {
    warn: "un avertissement",
    request_information: "une demande d'informations",
    notice_of_default: "une mise en demeure",
    suspend: "la suspension du service",
    block: "le blocage de l'adresse ou du service",
    remove_content: "le retrait du contenu ou le blocage de son accès",
    downgrade: "l'adaptation à la baisse du profil",
    terminate: "la résiliation du contrat",
    refer_to_authority: "le renvoi vers une autorité compétente",
    provide_data: "la communication de données à une autorité compétente",
    no_action: "aucune mesure",
  },
};

/** What a report lacks (src/parsers/completeness.ts), as the reporter is asked for it. */
const MISSING_WORDS: Words<Missing> = {
  nl: {
    reporter_contact: "uw naam en een e-mailadres waarop wij u kunnen bereiken",
    description: "een beschrijving van het probleem: wat er is gebeurd en wanneer",
    technical_data:
      "technische gegevens: het IP-adres, de URL of de domeinnaam, met datum, tijd en tijdzone, en logregels of headers",
    location: "de precieze vindplaats van de inhoud: de volledige URL",
    reasons: "waarom de inhoud onrechtmatig is: welk recht, welk werk of welk merk, en waarom",
    full_headers: "de volledige headers van het e-mailbericht waarover u klaagt (niet alleen de tekst)",
  },
  en: {
    reporter_contact: "your name and an e-mail address at which we can reach you",
    description: "a description of the problem: what happened and when",
    technical_data:
      "technical data: the IP address, URL or domain name, with date, time and time zone, and log lines or headers",
    location: "the exact location of the content: the full URL",
    reasons: "why the content is unlawful: which right, which work or which trademark, and why",
    full_headers: "the full headers of the e-mail message you complain about (not only its text)",
  },
  fr: {
    reporter_contact: "votre nom et une adresse e-mail à laquelle nous pouvons vous joindre",
    description: "une description du problème : ce qui s'est passé et quand",
    technical_data:
      "des données techniques : l'adresse IP, l'URL ou le nom de domaine, avec la date, l'heure et le fuseau horaire, et des lignes de journal ou des en-têtes",
    location: "l'emplacement exact du contenu : l'URL complète",
    reasons: "pourquoi le contenu est illicite : quel droit, quelle œuvre ou quelle marque, et pourquoi",
    full_headers:
      "les en-têtes complets du message électronique dont vous vous plaignez (pas seulement son texte)",
  },
};

const DEADLINE_WORDS: Words<string> = {
  nl: {
    acknowledge_receipt: "ontvangstbevestiging",
    reply_to_reporter: "inhoudelijke reactie aan de melder",
    ntd_customer_reaction: "uw reactie op de melding",
    notice_of_default_compliance: "nakoming na de ingebrekestelling",
    authority_order: "termijn van het bevel",
  },
  en: {
    acknowledge_receipt: "acknowledgement of receipt",
    reply_to_reporter: "reply to the reporter",
    ntd_customer_reaction: "your reaction to the notice",
    notice_of_default_compliance: "compliance after the notice of default",
    authority_order: "term of the order",
  },
  fr: {
    acknowledge_receipt: "accusé de réception",
    reply_to_reporter: "réponse au notifiant",
    ntd_customer_reaction: "votre réaction à la notification",
    notice_of_default_compliance: "exécution après la mise en demeure",
    authority_order: "délai de l'injonction",
  },
};

export function stepWords(step: Step, lang: Language): string {
  return STEP_WORDS[lang][step];
}

export function missingWords(item: string, lang: Language): string {
  return (MISSING_WORDS[lang] as Readonly<Record<string, string>>)[item] ?? item.replaceAll("_", " ");
}

export function deadlineWords(name: string, lang: Language): string {
  return DEADLINE_WORDS[lang][name] ?? name.replaceAll("_", " ");
}

export function categoryWords(category: string, lang: Language): string {
  const info = (CATEGORIES as Readonly<Record<string, (typeof CATEGORIES)[Category]>>)[category];
  if (!info) return category.replaceAll("_", " ");
  return lang === "nl" ? info.label.nl : info.label.en;
}

/** Date formats by language and time zone: making an Intl formatter costs far more than using one. */
const FORMATS = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Language, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withTime}`;
  let f = FORMATS.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, {
      timeZone,
      day: "numeric",
      month: "long",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" } : {}),
    });
    // Bounded: languages times the brands' zones.
    if (FORMATS.size < 1000) FORMATS.set(key, f);
  }
  return f;
}

function parts(at: Date, lang: Language, timeZone: string, withTime: boolean) {
  const out: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatter(lang, timeZone, withTime).formatToParts(at)) out[p.type] = p.value;
  return out;
}

/** A moment as people write it in that language, in the brand's time zone: "3 maart 2026 14:05 (CET)". */
export function formatMoment(at: Date, lang: Language, timeZone: string): string {
  const p = parts(at, lang, timeZone, true);
  return `${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute} (${p.timeZoneName})`;
}

export function formatDay(at: Date, lang: Language, timeZone: string): string {
  const p = parts(at, lang, timeZone, false);
  return `${p.day} ${p.month} ${p.year}`;
}

/** "2 hours 5 minutes", for how long something took. */
export function formatDuration(seconds: number, lang: Language): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const words = {
    nl: { h: ["uur", "uur"], m: ["minuut", "minuten"], s: "seconden" },
    en: { h: ["hour", "hours"], m: ["minute", "minutes"], s: "seconds" },
    fr: { h: ["heure", "heures"], m: ["minute", "minutes"], s: "secondes" },
  }[lang];
  if (h === 0 && m === 0) return `${s} ${words.s}`;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} ${words.h[h === 1 ? 0 : 1]}`);
  if (m > 0) parts.push(`${m} ${words.m[m === 1 ? 0 : 1]}`);
  return parts.join(" ");
}
