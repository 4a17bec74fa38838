/**
 * Times as people write them, in Dutch, English, German and French: absolute ("2026-12-02 at 14:05 CET",
 * "op 2 december om 22:30", "am 2. Dezember um 22:30 Uhr") and relative to the mail's own Date
 * ("gisteren", "this morning", "sinds vanochtend 07:45", "hier à 14h30"). Read with chrono-node; this
 * module adds what an abuse desk needs on top: which languages a text is in, which readings to trust, the
 * zone when none is written (the brand's, else Europe/Amsterdam), a plausible range, and which of several
 * times belongs to a subject (the nearest). Pure: text and a reference in, instants out.
 *
 * `settleTimes` is the one place where every parsed event gets `details.time_source` (report, text,
 * mail_date or receipt) and where a time after the receipt is refused.
 */
import * as chrono from "chrono-node";
import { DateTime, FixedOffsetZone } from "luxon";
import type { ParsedEvent } from "./types.ts";

/** When a text names no zone, its times are read in this zone (unless the brand's zone is given). */
export const DEFAULT_TIME_ZONE = "Europe/Amsterdam";

export const TIME_LIMITS = {
  /** Only the start of a text is read for times (the rest of a long mail is quotes and signatures). */
  maxTextChars: 64 * 1024,
  /** The text is read in slices of about this size, at line ends (bounded work per chrono call). */
  sliceChars: 4 * 1024,
  /** At most this many times are kept from one text. */
  maxMentions: 200,
  /** A time more than this before the mail's Date is not the abuse this mail reports. */
  maxAgeDays: 365,
  /** Clocks differ: a time this much after the reference (or the receipt) still counts. */
  clockSkewMinutes: 15,
  /** A mail's Date this long before its receipt is not used as the time of the abuse (a resent archive). */
  mailDateMaxAgeDays: 14,
};

export type Language = "nl" | "en" | "de" | "fr";

/** Where an event's time came from. */
export type TimeSource = "report" | "text" | "mail_date" | "receipt";

export interface TimeContext {
  /**
   * What relative times count from: the mail's Date (or the receipt when the mail has none). Without
   * one, only times with a full date are read, and no range is checked here (settleTimes checks receipt).
   */
  reference: Date | null;
  /** The IANA zone for times written without one. */
  timeZone?: string | undefined;
  /**
   * How the writer orders a numeric date like 08/03/2018 (see `numericDatesOfMail`). Unknown: such a date
   * is read day first in a Dutch, German or French text and left out of an English one (UK or US?).
   */
  numericDates?: NumericDates | undefined;
}

export type NumericDates = "day-first" | "month-first";

/**
 * The writer's order of numeric dates, told by the zone of their mail's Date header: the Americas write
 * month first, Europe, Africa and most of Asia day first; UTC says nothing (servers send it everywhere).
 */
export function numericDatesOfMail(dateHeader: string | undefined): NumericDates | undefined {
  const m = /([+-])(\d\d):?(\d\d)\s*(?:\([^)]*\))?\s*$/.exec(dateHeader ?? "");
  if (!m) return undefined;
  const minutes = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  if (minutes <= -120) return "month-first";
  if (minutes >= 60) return "day-first";
  return undefined;
}

/** A time found in a text: where it is written, and the instant it means. */
export interface TimeMention {
  at: Date;
  /** Offsets in the text: [index, end). */
  index: number;
  end: number;
  text: string;
  /** Whether the text names the zone (or the time is relative to the reference, so needs none). */
  zoneWritten: boolean;
  language: Language;
}

/** Words for days before yesterday and parts of yesterday that chrono does not know, as chrono parsers. */
function withDayWords(
  base: chrono.Chrono,
  list: Record<string, { days: number; hour?: number }>,
): chrono.Chrono {
  const words = new Map(Object.entries(list));
  const parser = base.clone();
  const pattern = new RegExp(`(?<![\\p{L}-])(${[...words.keys()].join("|")})(?![\\p{L}])`, "iu");
  parser.parsers.push({
    pattern: () => pattern,
    extract: (context, match) => {
      const word = words.get(match[1]!.toLowerCase());
      if (!word) return null;
      // The reference's wall time, as chrono keeps it (local getters of an adjusted Date).
      const day = context.reference.getDateWithAdjustedTimezone();
      day.setDate(day.getDate() - word.days);
      const c = context.createParsingComponents();
      c.assign("year", day.getFullYear());
      c.assign("month", day.getMonth() + 1);
      c.assign("day", day.getDate());
      c.imply("hour", word.hour ?? day.getHours());
      c.imply("minute", word.hour === undefined ? day.getMinutes() : 0);
      return c;
    },
  });
  return parser;
}

/** US English: numeric dates month first. */
const EN_MONTH_FIRST = chrono.en.casual;

const PARSERS: Record<Language, chrono.Chrono> = {
  // Day first for numeric dates, as written in the Netherlands, Belgium, Germany, France and the UK.
  en: chrono.en.GB,
  // Parts of the day as chrono's own words imply them: morning 6, afternoon 12, evening 20.
  nl: withDayWords(chrono.nl.casual, {
    eergisteren: { days: 2 },
    gisterochtend: { days: 1, hour: 6 },
    gistermiddag: { days: 1, hour: 12 },
    gisteravond: { days: 1, hour: 20 },
  }),
  de: chrono.de.casual,
  fr: withDayWords(chrono.fr.casual, { "avant-hier": { days: 2 } }),
};
const LANGUAGES = Object.keys(PARSERS) as Language[];

/** Zone abbreviations chrono does not know (German), as offsets in minutes. */
const EXTRA_ZONES = { MEZ: 60, MESZ: 120, OEZ: 120, OESZ: 180, WEZ: 0, WESZ: 60 };

/**
 * Words that tell the language of a text (without words shared between them: "hier" is "here" in Dutch
 * and German and "yesterday" in French, so it says nothing).
 */
const MARKERS: Record<Language, ReadonlySet<string>> = {
  nl: new Set(
    "het een van op om niet wij we ons onze deze dit dat met voor naar sinds gisteren vanochtend vannacht vanmiddag vanavond eergisteren uur geleden graag melding heeft hebben zijn werd wordt wij gezien vandaag afgelopen ongeveer rond omstreeks".split(
      " ",
    ),
  ),
  en: new Set(
    "the and of to we with for from since yesterday this morning afternoon evening night ago hours at on was were have has been today last about around noticed seen".split(
      " ",
    ),
  ),
  de: new Set(
    "der das und ist nicht wir uns mit für von seit gestern heute uhr vor stunden wurde haben sind eine einen dem den vorgestern gegen etwa früh abend nacht letzten".split(
      " ",
    ),
  ),
  fr: new Set(
    "le la les des est et une nous vous avec pour depuis matin ce cette soir heures été sont avons à vers aujourd'hui avant-hier environ dernier dernière nuit".split(
      " ",
    ),
  ),
};

/** Languages of `text`, most likely first: those with at least half the top score. */
export function languagesOf(text: string): Language[] {
  const score = new Map<Language, number>(LANGUAGES.map((l) => [l, 0]));
  let words = 0;
  for (const m of text.toLowerCase().matchAll(/[\p{L}']+/gu)) {
    if (++words > 5_000) break;
    for (const l of LANGUAGES) if (MARKERS[l].has(m[0])) score.set(l, score.get(l)! + 1);
  }
  const top = Math.max(...score.values());
  if (top === 0) return [];
  return LANGUAGES.filter((l) => score.get(l)! >= Math.max(1, top / 2)).sort(
    (a, b) => score.get(b)! - score.get(a)!,
  );
}

/** "now" says nothing the mail's Date does not say better. */
const NOW_WORDS = /^(right now|now|nu|jetzt|maintenant|à présent)$/i;
/** An IANA zone written after a time: "14:05 Europe/Amsterdam", "(Europe/Brussels)". */
const IANA_AFTER =
  /^\s*\(?((?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_+-]+(?:\/[A-Za-z_]+)?)\)?/;

function isZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** Offset of `zone` at `at`, in minutes (what chrono takes as the reference's zone). */
function offsetAt(zone: string, at: Date): number {
  return DateTime.fromJSDate(at, { zone }).offset;
}

/** A numeric date whose first two numbers could each be the month: 08/03/2018. */
function ambiguousNumericDate(text: string): boolean {
  const m = /\b(\d{1,2})\/(\d{1,2})\/\d{2,4}\b/.exec(text);
  return m !== null && m[1] !== m[2] && Number(m[1]) <= 12 && Number(m[2]) <= 12;
}

/** Whether a reading is trustworthy enough to act on. */
function acceptable(
  r: chrono.ParsedResult,
  slice: string,
  detected: readonly Language[],
  language: Language,
  numericDates: NumericDates | undefined,
): boolean {
  const s = r.start;
  const text = r.text.trim();
  if (NOW_WORDS.test(text)) return false;
  // 08/03/2018: 8 March or August 3? Only when the writer's order is known (the parser was chosen for it).
  if (ambiguousNumericDate(text) && !numericDates) return false;
  // Part of a number, an address or a version ("2026-12-02" read from its "02", "192.0.2.5").
  const before = slice[r.index - 1] ?? " ";
  const after = slice.slice(r.index + r.text.length, r.index + r.text.length + 2);
  if (/[\d./:@-]/.test(before) || /^(\d|[./:-]\d)/.test(after)) return false;
  const hasDigit = /\d/.test(text);
  const hasLetter = /\p{L}/u.test(text.replace(/\b(am|pm|h|Z|T)\b/gi, ""));
  // A month without a day ("March", "12/2026") is no moment.
  if (s.isCertain("month") && !s.isCertain("day") && !s.isCertain("weekday")) return false;
  if (!hasLetter) {
    // Numbers only: a full date with its year ("2026-12-02", "02.12.2026"), or a clock time with a colon.
    // Not "24/7", "020-1234" or "2.1".
    const fullDate = s.isCertain("year") && s.isCertain("month") && s.isCertain("day");
    const clock = s.isCertain("hour") && /\d:\d\d/.test(text);
    return fullDate || clock;
  }
  // Words only ("gisteren", "this morning"): only in a language the text is written in ("hier").
  if (!hasDigit) return detected.includes(language);
  return true;
}

/** What a reading says, before it becomes an instant. */
interface Reading {
  index: number;
  end: number;
  text: string;
  language: Language;
  date: { year: number; month: number; day: number } | null;
  time: { hour: number; minute: number; second: number } | null;
  /** The zone the text names: an offset in minutes (written or relative), or an IANA name. */
  zone: number | string | null;
  /** The instant chrono gives (used when the zone is an offset it knows). */
  chrono: Date;
  /** Year or weekday not written: may be rolled back. */
  yearWritten: boolean;
  weekdayOnly: boolean;
  /** Date or time written (not only implied), for joining "2-12-2026" with "rond 10:00". */
  dateOnly: boolean;
  timeOnly: boolean;
}

function readingOf(r: chrono.ParsedResult, offset: number, slice: string, language: Language): Reading {
  const s = r.start;
  const end = r.index + r.text.length;
  const iana = IANA_AFTER.exec(slice.slice(end, end + 40))?.[1];
  const offsetKnown = s.isCertain("timezoneOffset") ? s.get("timezoneOffset") : null;
  return {
    index: offset + r.index,
    end: offset + end,
    text: r.text,
    language,
    date: { year: s.get("year") ?? 2000, month: s.get("month") ?? 1, day: s.get("day") ?? 1 },
    time: { hour: s.get("hour") ?? 0, minute: s.get("minute") ?? 0, second: s.get("second") ?? 0 },
    zone: offsetKnown ?? (iana && isZone(iana) ? iana : null),
    chrono: s.date(),
    yearWritten: s.isCertain("year"),
    weekdayOnly: s.isCertain("weekday") && !s.isCertain("day"),
    dateOnly: (s.isCertain("day") || s.isCertain("weekday")) && !s.isCertain("hour"),
    timeOnly: s.isCertain("hour") && !s.isCertain("day") && !s.isCertain("weekday"),
  };
}

/** What may stand between a date and its time: "2-12-2026 rond 10:00", "22:30 op 2 december". */
const JOINER =
  /^\s*(?:,|-|T|at|on|om|op|um|am|à|a|le|rond|omstreeks|tegen|ongeveer(?: om)?|gegen|etwa(?: um)?|vers|around|about|circa|ca\.)?\s*$/i;

/** A date-only reading next to a time-only reading is one moment. */
function joinDateAndTime(text: string, readings: Reading[]): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < readings.length; i++) {
    const a = readings[i]!;
    const b = readings[i + 1];
    if (
      b &&
      ((a.dateOnly && b.timeOnly) || (a.timeOnly && b.dateOnly)) &&
      JOINER.test(text.slice(a.end, b.index))
    ) {
      const [date, time] = a.dateOnly ? [a, b] : [b, a];
      out.push({
        ...date,
        index: a.index,
        end: b.end,
        text: text.slice(a.index, b.end),
        time: time.time,
        zone: time.zone ?? date.zone,
        chrono: time.zone !== null && typeof time.zone === "number" ? time.chrono : date.chrono,
        dateOnly: false,
        timeOnly: false,
      });
      i++;
    } else out.push(a);
  }
  return out;
}

/** The instant of a reading: in the zone it names, else in `zone`. */
function instantOf(r: Reading, zone: string): Date {
  const z = typeof r.zone === "number" ? FixedOffsetZone.instance(r.zone) : (r.zone ?? zone);
  const local = DateTime.fromObject({ ...r.date, ...r.time }, { zone: z });
  return local.isValid ? local.toJSDate() : r.chrono;
}

/**
 * A weekday without a date ("dinsdag") that falls after the reference means the last one before it: a mail
 * reports what happened, not what will. (A date without its year is read as chrono reads it: the nearest.)
 */
function inThePast(r: Reading, at: Date, reference: Date, zone: string): Date {
  const latest = reference.getTime() + TIME_LIMITS.clockSkewMinutes * 60_000;
  if (at.getTime() <= latest || !r.weekdayOnly) return at;
  return DateTime.fromJSDate(at, { zone }).minus({ weeks: 1 }).toJSDate();
}

/** Slices of at most about `size` characters, cut at line ends, with their offsets. */
function* slices(text: string, size: number): Generator<[number, string]> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const nl = text.lastIndexOf("\n", end);
      if (nl > start) end = nl + 1;
    }
    yield [start, text.slice(start, end)];
    start = end;
  }
}

/**
 * Every time written in `text` that can be trusted, in text order. Relative times count from the
 * reference; times outside the plausible range (after the reference, or more than `maxAgeDays` before it)
 * are left out. Overlapping readings by different languages: the longest wins.
 */
export function readTimes(input: string, ctx: TimeContext): TimeMention[] {
  const zone = ctx.timeZone && isZone(ctx.timeZone) ? ctx.timeZone : DEFAULT_TIME_ZONE;
  const text = input.slice(0, TIME_LIMITS.maxTextChars);
  const detected = languagesOf(text);
  // Without a reference only full dates count; a fixed reference keeps the result the same every time.
  const instant = ctx.reference ?? new Date(Date.UTC(2000, 0, 1));
  const ref = { instant, timezone: offsetAt(zone, instant) };
  const order = [...detected, ...LANGUAGES.filter((l) => !detected.includes(l))];
  // A Dutch, German or French writer puts the day first; an English one may be British or American.
  const numericDates =
    ctx.numericDates ?? (detected[0] && detected[0] !== "en" ? ("day-first" as const) : undefined);
  const parserOf = (l: Language) =>
    l === "en" && numericDates === "month-first" ? EN_MONTH_FIRST : PARSERS[l];
  const candidates: Reading[] = [];
  for (const [offset, slice] of slices(text, TIME_LIMITS.sliceChars)) {
    for (const language of order) {
      const parser = parserOf(language);
      for (const r of parser.parse(slice, ref, { forwardDate: false, timezones: EXTRA_ZONES })) {
        // Month first: only the US English reading of a numeric date counts.
        if (numericDates === "month-first" && language !== "en" && ambiguousNumericDate(r.text)) continue;
        if (acceptable(r, slice, detected, language, numericDates))
          candidates.push(readingOf(r, offset, slice, language));
      }
    }
    if (candidates.length > TIME_LIMITS.maxMentions * 4) break;
  }
  // Longest reading first; on equal length the language the text is in.
  const rank = (m: Reading) => order.indexOf(m.language);
  candidates.sort((a, b) => b.text.length - a.text.length || rank(a) - rank(b) || a.index - b.index);
  const kept: Reading[] = [];
  for (const c of candidates) {
    if (kept.some((k) => c.index < k.end && k.index < c.end)) continue;
    kept.push(c);
  }
  kept.sort((a, b) => a.index - b.index);
  const range = ctx.reference ? plausibleRange(ctx.reference) : null;
  const mentions: TimeMention[] = [];
  for (const r of joinDateAndTime(text, kept)) {
    // Without a reference, only a date with its year written out says when.
    if (!ctx.reference && !/\b(19|20)\d\d\b/.test(r.text)) continue;
    let at = instantOf(r, zone);
    if (ctx.reference) at = inThePast(r, at, ctx.reference, zone);
    if (Number.isNaN(at.getTime())) continue;
    if (range && (at < range.earliest || at > range.latest)) continue;
    mentions.push({
      at,
      index: r.index,
      end: r.end,
      text: r.text,
      zoneWritten: r.zone !== null,
      language: r.language,
    });
    if (mentions.length >= TIME_LIMITS.maxMentions) break;
  }
  return mentions;
}

/** The times a mail of `reference` can report: not after it (give or take clocks), not long before. */
export function plausibleRange(reference: Date): { earliest: Date; latest: Date } {
  return {
    earliest: new Date(reference.getTime() - TIME_LIMITS.maxAgeDays * 86_400_000),
    latest: new Date(reference.getTime() + TIME_LIMITS.clockSkewMinutes * 60_000),
  };
}

/** The one time of a short expression ("gisteren om 23:10"), or null. */
export function readTime(text: string, ctx: TimeContext): Date | null {
  const found = readTimes(text, ctx);
  return found.length === 0 ? null : found.reduce((a, b) => (b.text.length > a.text.length ? b : a)).at;
}

/**
 * Finds, for a position in `text`, the mention nearest to it: one on the same line wins over one on another
 * line (a table row's own time), then the fewest characters between them.
 */
export function nearestTimes(
  text: string,
  mentions: readonly TimeMention[],
): (at: number) => TimeMention | undefined {
  const newlines: number[] = [];
  for (let p = text.indexOf("\n"); p >= 0; p = text.indexOf("\n", p + 1)) newlines.push(p);
  const lineOf = (i: number) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lines = mentions.map((m) => lineOf(m.index));
  return (at) => {
    const line = lineOf(at);
    let best: TimeMention | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const [i, m] of mentions.entries()) {
      const chars = at < m.index ? m.index - at : at >= m.end ? at - m.end : 0;
      const score = (lines[i] === line ? 0 : 1e9) + chars;
      if (score < bestScore) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  };
}

export interface SettleContext {
  /** The Date of the mail the report came in, if any. */
  sentAt: Date | null | undefined;
  /** When we received it. */
  receivedAt: Date;
}

/** A report names at most this many events whose time was after the receipt; then how many in all. */
export const MAX_TIME_WARNINGS = 20;

/**
 * Gives every event `details.time_source` and a time that is possible: a time after the receipt (give or
 * take clocks) is dropped; an event without a time takes the mail's Date when that is plausible (not after
 * the receipt, at most `mailDateMaxAgeDays` before it), else it is resolved at the receipt. Parsers that read
 * a time from prose set `time_source: "text"` themselves; any other time came from the report's fields.
 * Answers warnings for the report (a person sees why a time was not used).
 */
export function settleTimes(events: readonly ParsedEvent[], ctx: SettleContext): string[] {
  const latest = ctx.receivedAt.getTime() + TIME_LIMITS.clockSkewMinutes * 60_000;
  const sent = ctx.sentAt && !Number.isNaN(ctx.sentAt.getTime()) ? ctx.sentAt : null;
  const mailDate =
    sent &&
    sent.getTime() <= latest &&
    sent.getTime() >= ctx.receivedAt.getTime() - TIME_LIMITS.mailDateMaxAgeDays * 86_400_000
      ? sent
      : null;
  const warnings: string[] = [];
  let future = 0;
  for (const [i, e] of events.entries()) {
    let source = e.details.time_source as TimeSource | undefined;
    if (e.occurredAt && e.occurredAt.getTime() > latest) {
      if (++future <= MAX_TIME_WARNINGS) {
        warnings.push(
          `event ${i + 1}: its time ${e.occurredAt.toISOString()} is after the report was received; the time of the mail or of receipt is used instead`,
        );
      }
      e.occurredAt = null;
      source = undefined;
    }
    if (e.occurredAt) {
      source = source === "text" ? "text" : "report";
    } else if (mailDate) {
      e.occurredAt = mailDate;
      source = "mail_date";
    } else {
      source = "receipt";
    }
    e.details.time_source = source;
  }
  if (future > MAX_TIME_WARNINGS) warnings.push(`${future} events had a time after the receipt in total`);
  return warnings;
}
