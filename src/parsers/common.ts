/**
 * Small pure helpers shared by the parsers: addresses, dates, text decoding, and the typed error a parser
 * throws when a report is broken (the registry turns it into a ParseFailure for triage).
 */
import { Parser as HtmlParser } from "htmlparser2";
import ipaddr from "ipaddr.js";
import { CATEGORIES, type Category, type Kind } from "../taxonomy.ts";
import type { ParsedEvent, Subject } from "./types.ts";

/** A report we understand the shape of but cannot use: the message goes to a person as the triage reason. */
export class ReportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportFormatError";
  }
}

/** Longest text read as an IP address with its comment ("192.0.2.1 (mail.example.nl)"). */
export const MAX_IP_TEXT = 300;

/** Longest text read as a date ("Thu, 8 Mar 2005 17:40:36 -0500 (EST)" and relatives). */
export const MAX_DATE_TEXT = 200;

/** An IPv4 address in canonical form: four decimals 0-255 without leading zeros. */
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const CANONICAL_IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/**
 * Canonical form of an IP address, or undefined. Accepts "[1.2.3.4]", "1.2.3.4 (host)", "1.2.3.4/32",
 * "IPv6:2001:db8::1"; refuses anything that is not a plain dotted quad or a valid IPv6 address (no "127.1",
 * no "1.2.3.4.5": Shadowserver's own test data has such a row).
 */
export function normalizeIp(value: unknown): string | undefined {
  // Fast path (a feed has 100,000 of these): a dotted quad already written the canonical way.
  if (typeof value === "string" && CANONICAL_IPV4.test(value)) return value;
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  // An address with its comment is short; a long value is not one (and must not cost the regexes below).
  if (typeof value === "string" && value.length > MAX_IP_TEXT) return undefined;
  let s = String(value).trim();
  s = s.replace(/\s*\(.*\)\s*$/, ""); // trailing comment, as in Source-IP: 1.2.3.4 (host)
  s = s.replace(/^\[|\]$/g, "").replace(/^ipv6:/i, "");
  s = s.replace(/\/(32|128)$/, "");
  s = s.replace(/%[\w.]+$/, ""); // zone index
  if (s.length === 0 || s.length > 45) return undefined;
  if (s.includes(":")) {
    if (!ipaddr.IPv6.isValid(s)) return undefined;
    const parsed = ipaddr.IPv6.parse(s);
    return parsed.isIPv4MappedAddress() ? parsed.toIPv4Address().toString() : parsed.toString();
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
  return ipaddr.IPv4.parse(s).toString();
}

/** Addresses that can never be the origin of abuse on the internet: the sender's own host or a placeholder. */
export function isNonRoutable(ip: string): boolean {
  try {
    const range = ipaddr.parse(ip).range();
    return ["loopback", "unspecified", "broadcast", "linkLocal", "multicast"].includes(range);
  } catch {
    return true;
  }
}

/** Private (RFC 1918, ULA, CGNAT) addresses: internal hops of a mail system, not the sender on the internet. */
export function isPrivate(ip: string): boolean {
  try {
    const range = ipaddr.parse(ip).range();
    return ["private", "uniqueLocal", "carrierGradeNat"].includes(range) || isNonRoutable(ip);
  } catch {
    return true;
  }
}

export function normalizePort(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN;
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

const ZONES: Record<string, string> = {
  UT: "+0000",
  UTC: "+0000",
  GMT: "+0000",
  Z: "+0000",
  WET: "+0000",
  BST: "+0100",
  CET: "+0100",
  MET: "+0100",
  CEST: "+0200",
  MEST: "+0200",
  EET: "+0200",
  EEST: "+0300",
  JST: "+0900",
  KST: "+0900",
  EST: "-0500",
  EDT: "-0400",
  CST: "-0600",
  CDT: "-0500",
  MST: "-0700",
  MDT: "-0600",
  PST: "-0800",
  PDT: "-0700",
  NZST: "+1200",
  NZDT: "+1300",
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * Parses the date formats seen in reports into a UTC Date, or null. A time without a zone is taken as UTC:
 * Shadowserver and most CSV feeds say so, and guessing the desk's local zone would be worse.
 */
export function parseDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "number") return sane(new Date(value > 1e12 ? value : value * 1000));
  if (typeof value !== "string" || value.length > MAX_DATE_TEXT) return null;
  let s = value
    .replace(/\([^()]*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (s.length < 6 || s.length > 80) return null;
  // 20.03.2021 08:47[:ss] (German/Dutch day-first)
  let m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) return utc(+m[3]!, +m[2]!, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  // 2021-03-04 00:00:00 or 2021-03-04T00:00:00 without a zone
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(s);
  if (m) return utc(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  // ISO 8601 with a zone: "2015-07-23T01:58:17+00:00", "2015-09-23 04:04:18 +0200"
  m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) ?(Z|[+-]\d{2}:?\d{2})$/i.exec(s);
  if (m) {
    const zone = m[3]!.toUpperCase() === "Z" ? "Z" : m[3]!.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    return sane(new Date(`${m[1]}T${m[2]}${zone}`));
  }
  // 02-Nov-2021 14:09 (IWF)
  m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase());
    if (month >= 0) return utc(+m[3]!, month + 1, +m[1]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  }
  // RFC 2822 and relatives ("Thu, 8 Mar 2005 17:40:36 EDT", "8 Oct 2011 20:15:58 +0000"). V8's parser
  // accepts almost anything, so insist on day, month name, year and time first.
  if (!/^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}/.test(s)) return null;
  // Name the zone numerically, and say UTC when no zone is given.
  s = s.replace(/\b([A-Z]{1,4})$/, (zone) => (Object.hasOwn(ZONES, zone) ? ZONES[zone]! : zone));
  if (!/[+-]\d{4}$/.test(s)) s += " +0000";
  return sane(new Date(s));
}

function utc(y: number, mo: number, d: number, h: number, mi: number, se: number): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return null;
  return sane(new Date(Date.UTC(y, mo - 1, d, h, mi, se)));
}

function sane(d: Date): Date | null {
  const t = d.getTime();
  if (Number.isNaN(t)) return null;
  const year = d.getUTCFullYear();
  return year >= 1990 && year <= 2100 ? d : null;
}

/** Decodes bytes in a declared charset; falls back to UTF-8 when valid, else Windows-1252 (undeclared 8-bit). */
export function decodeText(bytes: Buffer, charset?: string): string {
  const label = (charset ?? "").trim().toLowerCase().replace(/^"|"$/g, "");
  if (label && label !== "us-ascii" && label !== "ascii" && label !== "utf-8" && label !== "utf8") {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // unknown charset: fall through to the guess below
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Removes NULs and other C0 controls (except tab/newline) so that stored text is safe to show and index. */
export function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

/** One line: header values must never carry CR/LF into anything that might write headers later. */
export function oneLine(s: string, max = 998): string {
  return cleanText(s.replace(/[\r\n]+/g, " "))
    .trim()
    .slice(0, max);
}

/** Elements whose content is never text a person reads. */
const HIDDEN_ELEMENTS = new Set(["script", "style", "head", "title", "template", "noscript"]);
/** Elements that end a line of text. */
const LINE_ELEMENTS = new Set(["br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"]);

/**
 * Strips the HTML down to its text, with each link's address beside its words: enough to find URLs and
 * words, never rendered. htmlparser2 reads it in one pass (no regex that a long run of "<" makes quadratic).
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let hidden = 0;
  const parser = new HtmlParser(
    {
      onopentag(name, attribs) {
        if (HIDDEN_ELEMENTS.has(name)) hidden++;
        else if (name === "a" && attribs.href && !hidden) out.push(` ${attribs.href} `);
        else if (LINE_ELEMENTS.has(name)) out.push("\n");
      },
      ontext(text) {
        if (!hidden) out.push(text);
      },
      onclosetag(name) {
        if (HIDDEN_ELEMENTS.has(name)) hidden = Math.max(0, hidden - 1);
        else if (LINE_ELEMENTS.has(name)) out.push("\n");
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return out
    .join("")
    .replace(/\u00a0/g, " ")
    .replace(/[ \t]+/g, " ");
}

/** A subject with the undefined members left out, so that fixtures and JSON stay tidy. */
export function subjectOf(s: Subject): Subject {
  const out: Subject = {};
  if (s.ip) out.ip = s.ip;
  if (s.port !== undefined) out.port = s.port;
  if (s.url) out.url = s.url;
  if (s.domain) out.domain = s.domain;
  if (s.email) out.email = s.email;
  if (s.phone) out.phone = s.phone;
  return out;
}

export function makeEvent(
  category: Category,
  subject: Subject,
  occurredAt: Date | null,
  details: Record<string, unknown>,
  kind?: Kind,
): ParsedEvent {
  return {
    category,
    kind: kind ?? CATEGORIES[category].kind,
    subject: subjectOf(subject),
    occurredAt,
    details: jsonSafe(details) as Record<string, unknown>,
  };
}

/**
 * Sets a field whose name comes from the input (a CSV column, a JSON key) on a record of details. A plain
 * assignment of `__proto__` would replace the record's prototype (and a nested one could reach
 * Object.prototype); here it is an own field like any other. Records are written, never looked up by an
 * input's key: lookups keyed by input use a Map or `Object.hasOwn`.
 */
export function setField(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else record[key] = value;
}

/** A record of details from [name, value] pairs named by the input (see `setField`). */
export function recordOf(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) setField(out, k, v);
  return out;
}

/** Keeps details JSON-safe: drops undefined/functions, turns Dates into ISO strings, bounds depth and size. */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value.length > 10_000 ? `${value.slice(0, 10_000)}…` : value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth > 8) return null;
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => jsonSafe(v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 200)) {
      if (v === undefined || typeof v === "function") continue;
      setField(out, k, jsonSafe(v, depth + 1));
    }
    return out;
  }
  return null;
}

/** The e-mail address in "Name <a@b>" or "a@b", lower-cased, or undefined. */
export function emailOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m =
    /<\s*([^<>\s@]+@[^<>\s@]+)\s*>/.exec(value) ??
    // Starts only where a local part starts (a long run without "@" is not tried at every position).
    /(?<![^\s<>"'(),;:@])([^\s<>"'(),;:@]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24})/.exec(value);
  return m ? m[1]!.toLowerCase().replace(/^mailto:/, "") : undefined;
}

/** The display name in '"Name" <a@b>', or undefined. */
export function displayNameOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const lt = value.indexOf("<");
  // Only what stands before the address, and no more than a header line holds (RFC 5322: 998).
  if (lt < 0 || lt > 998 || value.indexOf(">", lt) < 0) return undefined;
  const name = value.slice(0, lt).trim().replace(/^"|"$/g, "").trim();
  if (name.includes('"')) return undefined;
  return name ? oneLine(name, 200) : undefined;
}
