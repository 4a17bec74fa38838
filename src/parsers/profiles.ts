/**
 * Sender profiles: how to read one sender's free-text layout, written by an operator as data (a YAML file,
 * see src/classification/sender-profiles.ts and docs/intake.md) instead of code. A profile says which mails
 * it is for (sender domains, a subject or body pattern), what they are (a category) and where the subject
 * stands (patterns with `{ip}`, `{url}`, `{domain}`, `{email}`, `{port}`, `{time}`).
 *
 * The patterns come from an operator and run on text from strangers, so they are bounded: a pattern must
 * pass safe-regex2 (no nested quantifiers, few repetitions) with each placeholder standing for a repeated
 * atom, may not use back-references or look-behind, and runs on at most PROFILE_TEXT_LIMIT characters. The
 * placeholders are replaced by our own patterns after that check. Patterns ignore case, and `^`/`$` match at
 * the start and end of every line.
 */
import safeRegex from "safe-regex2";
import { CATEGORIES, type Category } from "../taxonomy.ts";
import { makeEvent, normalizeIp, normalizePort, parseDate } from "./common.ts";
import type { ParsedEvent, Subject } from "./types.ts";

/** One profile, as validated at start (plain data: it may cross to a worker thread). */
export interface SenderProfile {
  name: string;
  /** Sender e-mail domains (a subdomain matches too), lower case. */
  from: string[];
  /** Patterns the subject / the body must match (as written, placeholders allowed). */
  subject?: string;
  body?: string;
  category: Category;
  /** Patterns that find the subject; each must name at least one of {ip}, {url}, {domain}, {email}. */
  subjects: string[];
  /** A pattern with {time}: when the abuse happened. */
  time?: string;
}

/** Longest pattern an operator may write. */
export const MAX_PATTERN_LENGTH = 300;
/** Characters of a mail a profile's patterns read (subject and body together). */
export const PROFILE_TEXT_LIMIT = 64 * 1024;
/** Subjects one profile takes from one mail. */
export const MAX_PROFILE_SUBJECTS = 100;

/** Our patterns behind the placeholders: linear, bounded repetitions. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  ip: "(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7})",
  url: "(?<url>(?:https?|ftp)://[^\\s<>\"']{1,2000})",
  domain: "(?<domain>(?:[A-Za-z0-9-]{1,63}\\.){1,10}[A-Za-z]{2,24})",
  email: "(?<email>[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\\.){1,10}[A-Za-z]{2,24})",
  port: "(?<port>\\d{1,5})",
  time: "(?<time>\\d[\\dA-Za-z ,:./+-]{4,40}\\d)",
};
const PLACEHOLDER_RE = /\{(ip|url|domain|email|port|time)\}/g;

/**
 * Why a pattern is refused, or undefined when it may be used. `needs` lists placeholders of which one must
 * appear (a subjects pattern must name what it finds).
 */
export function patternProblem(pattern: string, needs: readonly string[] = []): string | undefined {
  if (pattern.length === 0) return "the pattern is empty";
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters; shorten it`;
  if (/\\[1-9]|\\k</.test(pattern)) return "back-references (\\1, \\k<name>) are not allowed";
  if (/\(\?<[=!]/.test(pattern)) return "look-behind ((?<= ) and (?<! )) is not allowed";
  if (/\(\?<[A-Za-z]/.test(pattern))
    return "named groups are not allowed; write {ip}, {url}, {domain}, {email}, {port} or {time} instead";
  const names = [...pattern.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!);
  if (new Set(names).size !== names.length) return "each placeholder may appear only once in a pattern";
  if (needs.length > 0 && !names.some((n) => needs.includes(n)))
    return `the pattern names none of ${needs.map((n) => `{${n}}`).join(", ")}: say where the subject stands`;
  try {
    new RegExp(expand(pattern), "im");
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  // Each placeholder counts as a repeated atom: `({ip})+` nests a repetition and is refused.
  if (!safeRegex(pattern.replace(PLACEHOLDER_RE, "x+"), { limit: 10 }))
    return "the pattern could take very long on some texts (a repetition inside a repetition, or too many); simplify it";
  return undefined;
}

function expand(pattern: string): string {
  return pattern.replace(PLACEHOLDER_RE, (_, name: string) => PLACEHOLDERS[name]!);
}

// Compiled once per profile object (profiles are plain data that may come from another thread).
const compiled = new WeakMap<
  SenderProfile,
  { subject?: RegExp; body?: RegExp; subjects: RegExp[]; time?: RegExp }
>();

function compile(p: SenderProfile) {
  let c = compiled.get(p);
  if (!c) {
    c = {
      ...(p.subject ? { subject: new RegExp(expand(p.subject), "im") } : {}),
      ...(p.body ? { body: new RegExp(expand(p.body), "im") } : {}),
      subjects: p.subjects.map((s) => new RegExp(expand(s), "gim")),
      ...(p.time ? { time: new RegExp(expand(p.time), "im") } : {}),
    };
    compiled.set(p, c);
  }
  return c;
}

/** What a profile reads from: the sender's address, the subject line and the text of the body. */
export interface ProfileInput {
  from?: string | undefined;
  subjectLine: string;
  text: string;
  date?: Date | null | undefined;
}

function fromMatches(p: SenderProfile, from: string | undefined): boolean {
  if (p.from.length === 0) return true;
  const domain = from?.split("@")[1]?.toLowerCase();
  return domain !== undefined && p.from.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** The first profile that is for this mail, or undefined. */
export function profileFor(
  profiles: readonly SenderProfile[],
  input: ProfileInput,
): SenderProfile | undefined {
  const subjectLine = input.subjectLine.slice(0, 1000);
  const body = input.text.slice(0, PROFILE_TEXT_LIMIT);
  return profiles.find((p) => {
    if (!fromMatches(p, input.from)) return false;
    const c = compile(p);
    if (c.subject && !c.subject.test(subjectLine)) return false;
    if (c.body && !c.body.test(body)) return false;
    return true;
  });
}

/** The events a profile reads from a mail; empty when its patterns find no subject. */
export function readWithProfile(p: SenderProfile, input: ProfileInput): ParsedEvent[] {
  const c = compile(p);
  const text = `${input.subjectLine.slice(0, 1000)}\n${input.text}`.slice(0, PROFILE_TEXT_LIMIT);
  const timeText = c.time?.exec(text)?.groups?.time;
  const occurredAt = (timeText ? parseDate(timeText) : null) ?? input.date ?? null;
  const seen = new Set<string>();
  const events: ParsedEvent[] = [];
  for (const re of c.subjects) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      if (events.length >= MAX_PROFILE_SUBJECTS) break;
      const g = m.groups ?? {};
      const subject: Subject = {};
      const ip = g.ip ? normalizeIp(g.ip) : undefined;
      if (ip) subject.ip = ip;
      if (g.url) subject.url = g.url.replace(/[.,;:!?)\]>'"]+$/, "");
      if (g.domain) subject.domain = g.domain.toLowerCase();
      if (g.email) subject.email = g.email.toLowerCase();
      const port = normalizePort(g.port);
      if (port !== undefined && subject.ip) subject.port = port;
      if (!subject.ip && !subject.url && !subject.domain && !subject.email) continue;
      const key = JSON.stringify(subject);
      if (seen.has(key)) continue;
      seen.add(key);
      events.push(
        makeEvent(
          p.category,
          subject,
          occurredAt,
          {
            profile: p.name,
            found_in: "sender profile",
            match: m[0].slice(0, 300),
          },
          CATEGORIES[p.category].kind,
        ),
      );
    }
  }
  return events;
}
