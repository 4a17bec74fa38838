/**
 * Indicators in free text written by people: URLs (also defanged: hxxp://, [.], (.), [at]), IPv4/IPv6
 * addresses, bare domains, e-mail addresses, and the dates that go with them. Used for complaints that
 * have no machine-readable part. Leaves out the reporter's own domains and addresses where it can tell.
 */
import { getDomain, parse as parseHost } from "tldts";
import type { Category } from "../taxonomy.ts";
import { isNonRoutable, normalizeIp } from "./common.ts";
import { isReferenceHost, lineZones } from "./references.ts";
import { nearestTimes, readTimes, type TimeContext } from "./times.ts";

export interface Indicators {
  urls: string[];
  /** IP → the time written nearest to it (its table row's, its sentence's), if any. */
  ips: Map<string, Date | null>;
  domains: string[];
  emails: string[];
  /** A date the text labels as the time of the abuse ("Date/time assessed:", "observed on"). */
  labelledDate: Date | null;
  /** Where each indicator was first seen ("url:…", "ip:…", "domain:…" → "opening", "body", …). */
  foundIn: Map<string, string>;
  /** URL, IP or domain → the time written nearest to it (src/parsers/times.ts). */
  times: Map<string, Date>;
}

/** TLDs that are much more often a file extension in prose than a domain ("invoice.zip", "run.sh"). */
const FILE_LIKE_TLDS = new Set([
  "zip",
  "mov",
  "sh",
  "py",
  "md",
  "exe",
  "pdf",
  "doc",
  "txt",
  "log",
  "csv",
  "js",
]);

/** Undoes the usual defanging so that URLs and addresses can be read. */
export function refang(text: string): string {
  return text
    .replace(/\bh[xX]{2}p(s?):\/\//g, "http$1://")
    .replace(/\bhxxp(s?)\b/gi, "http$1")
    .replace(/\[\s*\.\s*\]|\(\s*\.\s*\)|\{\s*\.\s*\}|\[dot\]|\(dot\)|\{dot\}/gi, ".")
    .replace(/\[\s*:\s*\]/g, ":")
    .replace(/\[:\/\/\]/g, "://")
    .replace(/\s?(?:\[at\]|\(at\)|\{at\}|\[@\])\s?/gi, "@");
}

const URL_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`\\^{}|]+/gi;
const WWW_RE = /(?<![\w./@-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/[^\s<>"'`\\^{}|]*)?/gi;
const IPV4_RE = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?![\w]|\.\d)/g;
const IPV6_RE = /(?<![\w:.])((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4})(?![\w:])/gi;
// A match starts only where a local part starts, and a local part is at most 64 characters (RFC 5321):
// otherwise every position of a long run of letters would be tried to its end (quadratic).
const EMAIL_RE = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,16}[A-Za-z]{2,24}/g;
const DOMAIN_RE =
  /(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,23})(?![\w@-]|\.[a-z0-9])/gi;
const DATE_LABEL_RE =
  /\b(date|time|timestamp|seen|observed|detected|present on|assessed|tested on|occurred|infringement timestamp|event)\b/i;
/** A traceroute hop ("7  ae-2.r30.example.net (129.250.5.23)") names transit routers, never the subject. */
const TRACEROUTE_RE = /^\s*\d{1,2}\s+(?:\S+\s+)?\(?\d{1,3}(?:\.\d{1,3}){3}\)?(?:\s+[\d.]+\s*ms.*)?\s*$/;
/** A footnote reference ("[1] https://...") points at documentation. */
const FOOTNOTE_RE = /^\s*\[\d+\]\s+\S+\s*$/;

export interface ExtractOptions {
  /** Registrable domains (and hosts) to leave out: the reporter's, the recipient's. */
  exclude?: Iterable<string>;
  /** More reference sites than the curated list (references.ts), from the configuration. */
  referenceDomains?: Iterable<string>;
  /** The text's first line is the mail's subject line (found_in says so). */
  withSubjectLine?: boolean;
  /** How to read the times written in the text: relative to the mail's Date, in the brand's zone. */
  times?: TimeContext;
}

export function extractIndicators(input: string, options: ExtractOptions = {}): Indicators {
  const exclude = new Set<string>();
  for (const d of options.exclude ?? []) {
    const reg = getDomain(d) ?? d.toLowerCase();
    exclude.add(reg);
  }
  const referenceDomains = [...(options.referenceDomains ?? [])];
  const excluded = (host: string): boolean => {
    const reg = getDomain(host) ?? host.toLowerCase();
    return exclude.has(reg) || isReferenceHost(host, referenceDomains);
  };

  const lines = refang(input.slice(0, 2_000_000))
    .split(/\r?\n/)
    .filter((l) => !TRACEROUTE_RE.test(l) && !FOOTNOTE_RE.test(l));
  const zones = lineZones(lines);
  // Times are read from the text as a whole; each subject takes the one written nearest to it.
  const joined = lines.join("\n");
  const mentions = readTimes(joined, options.times ?? { reference: null });
  const nearest = nearestTimes(joined, mentions);
  const times = new Map<string, Date>();
  const lineStarts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) lineStarts.push(at);
  const timeAt = (index: number, line: string, raw: string): Date | null =>
    nearest(lineStarts[index]! + Math.max(0, line.indexOf(raw)))?.at ?? null;
  const urls: string[] = [];
  const ips = new Map<string, Date | null>();
  const domains: string[] = [];
  const emails: string[] = [];
  const foundIn = new Map<string, string>();
  let labelledDate: Date | null = null;

  for (const [index, line] of lines.entries()) {
    const zone = options.withSubjectLine && index === 0 ? "subject line" : zones[index]!;
    // No digit, dot, colon or "@": no address, URL, domain, e-mail or date on this line.
    if (!/[\d.:@]/.test(line)) continue;
    if (!labelledDate && DATE_LABEL_RE.test(line)) {
      const start = lineStarts[index]!;
      labelledDate = mentions.find((m) => m.index >= start && m.index < start + line.length)?.at ?? null;
    }
    // Links in a references block or a footer point at documentation, never at a subject.
    if (zone === "references" || zone === "footer") continue;
    const note = (key: string) => {
      if (!foundIn.has(key)) foundIn.set(key, zone);
    };

    let rest = line;
    for (const m of [...line.matchAll(URL_RE), ...line.matchAll(WWW_RE)]) {
      const url = trimUrl(m[0].startsWith("www.") ? `http://${m[0]}` : m[0]);
      rest = rest.replace(m[0], " ");
      const host = hostOf(url);
      if (!host || excluded(host)) continue;
      if (!urls.includes(url)) urls.push(url);
      note(`url:${url}`);
      const at = timeAt(index, line, m[0]);
      if (at && !times.has(url)) times.set(url, at);
    }
    for (const m of rest.matchAll(EMAIL_RE)) {
      const email = m[0].toLowerCase();
      rest = rest.replace(m[0], " ");
      if (!excluded(email.split("@")[1]!) && !emails.includes(email)) emails.push(email);
    }
    for (const m of rest.matchAll(IPV4_RE)) {
      const prefix = m[2] ? Number(m[2]) : 32;
      const ip = normalizeIp(m[1]);
      if (!ip || isNonRoutable(ip) || prefix > 32) continue;
      addIp(ips, ip, timeAt(index, line, m[0]));
      note(`ip:${ip}`);
    }
    for (const m of rest.matchAll(IPV6_RE)) {
      const ip = m[1]!.includes("::") || m[1]!.split(":").length === 8 ? normalizeIp(m[1]) : undefined;
      if (ip && !isNonRoutable(ip)) {
        addIp(ips, ip, timeAt(index, line, m[1]!));
        note(`ip:${ip}`);
      }
    }
    for (const m of rest.replace(IPV4_RE, " ").matchAll(DOMAIN_RE)) {
      const host = m[1]!.toLowerCase();
      const info = parseHost(host);
      if (!info.domain || !info.isIcann || !info.publicSuffix) continue;
      if (FILE_LIKE_TLDS.has(info.publicSuffix)) continue;
      if (excluded(host) || domains.includes(host)) continue;
      domains.push(host);
      note(`domain:${host}`);
      const at = timeAt(index, line, m[1]!);
      if (at) times.set(host, at);
    }
  }
  // Indicators in the signature (after "Regards", "Signed,", "-- ") are the reporter's own, unless the
  // complaint names nothing before it (some letters list the URLs after the closing).
  const inSignature = (k: string) => foundIn.get(k) === "signature";
  const content = [...urls.map((u) => `url:${u}`), ...[...ips.keys()].map((i) => `ip:${i}`)];
  if (content.some((k) => !inSignature(k))) {
    for (let i = urls.length - 1; i >= 0; i--) if (inSignature(`url:${urls[i]}`)) urls.splice(i, 1);
    for (let i = domains.length - 1; i >= 0; i--)
      if (inSignature(`domain:${domains[i]}`)) domains.splice(i, 1);
    for (const ip of [...ips.keys()]) if (inSignature(`ip:${ip}`)) ips.delete(ip);
  }
  // A bare domain already covered by a URL (same registrable domain) adds nothing.
  const urlDomains = new Set(urls.map((u) => hostOf(u) ?? "").map((h) => getDomain(h) ?? h));
  return {
    urls,
    ips,
    domains: domains.filter((d) => !urlDomains.has(getDomain(d) ?? d)),
    emails,
    labelledDate,
    foundIn,
    times: new Map([...times, ...[...ips].flatMap(([ip, at]) => (at ? [[ip, at] as const] : []))]),
  };
}

function addIp(ips: Map<string, Date | null>, ip: string, date: Date | null): void {
  const prev = ips.get(ip);
  if (prev === undefined) ips.set(ip, date);
  else if (date && (!prev || date < prev)) ips.set(ip, date);
}

function trimUrl(url: string): string {
  let u = url.replace(/[.,;:!?'"*]+$/, "");
  // Balanced brackets: keep a ")" only if the URL opened one (counted once: a run of ")" stays linear).
  const count = (c: string) => u.split(c).length - 1;
  const open = { ")": count("("), "]": count("["), ">": count("<") };
  const close = { ")": count(")"), "]": count("]"), ">": count(">") };
  for (let last = u.slice(-1); last === ")" || last === "]" || last === ">"; last = u.slice(-1)) {
    if (open[last] >= close[last]) break;
    close[last]--;
    u = u.slice(0, -1);
  }
  return u.replace(/[.,;:!?'"*]+$/, "");
}

export function hostOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
    return host || undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a complaint in prose is about, from its words (English, Dutch, German). Urgent categories win on
 * any strong signal; otherwise the subject line decides, then the body by number of hits. Undefined when
 * nothing matches: then a person decides (never a silent "other").
 */
const KEYWORDS: Array<[Category, RegExp]> = [
  [
    "csam",
    /\b(csam|csai|csem|child (sexual )?abuse|kindermisbruik|kinderporno|indecent images? of (a )?child|child pornograph|iwf report)/i,
  ],
  ["terrorist_content", /\b(terroris\w*|tco[- ]regulation|verordening terroristische)/i],
  ["phishing", /\b(phish\w*|credential (theft|harvest\w*))/i],
  ["malware", /\b(malware|malicious (content|software|code|file)|trojan|ransomware|virus(?:es)?|urlhaus)\b/i],
  ["botnet", /\b(botnet\w*|bot-?net|command and control|c2 server|sinkhole|drone|besmet\w*|infected host)/i],
  ["copyright", /\b(copyright\w*|dmca|auteursrecht\w*|urheberrecht\w*|pira(cy|te)|512\(c\))/i],
  ["trademark", /\b(trademarks?|counterfeit\w*|merkinbreuk|merkenrecht|markenrecht)/i],
  ["fraud", /\b(fraud\w*|scam\w*|oplichting|fraude|betrug)/i],
  ["defamation", /\b(defamat\w*|smaad|laster|libel)/i],
  ["privacy", /\b(doxx\w*|personal data|persoonsgegevens|gdpr|avg-?klacht)/i],
  ["ddos", /\b(d?dos attack|ddos|denial of service)/i],
  ["brute_force", /\b(brute[- ]?force\w*|login attack|dictionary attack\w*|inlogpoging\w*)/i],
  ["port_scan", /\b(port ?scan\w*|scanning|hack(ing)? attempt\w*|hackpoging\w*)/i],
  [
    "open_service",
    /\b(vulnerab\w*|verwundbar\w*|kwetsba\w*|open resolver|open (dns|ntp|memcached|rdp)|exposed service)/i,
  ],
  ["blocklist", /\b(block ?list\w*|black ?list\w*|dnsbl|sbl notify|listed (in|on) )/i],
  [
    "spam",
    /\b(spam(s|med|ming|mer|mers|trap)?|spamvertis\w*|unsolicited (bulk|commercial) e-?mail|harvest\w*)\b/i,
  ],
];

export function classifyText(subjectLine: string, body: string): Category | undefined {
  const urgent = KEYWORDS.filter(([c]) => c === "csam" || c === "terrorist_content");
  for (const [category, re] of urgent) if (re.test(subjectLine) || re.test(body)) return category;
  for (const [category, re] of KEYWORDS) if (re.test(subjectLine)) return category;
  let best: Category | undefined;
  let bestHits = 0;
  for (const [category, re] of KEYWORDS) {
    const hits = body.match(new RegExp(re.source, "gi"))?.length ?? 0;
    if (hits > bestHits) {
      best = category;
      bestHits = hits;
    }
  }
  return best;
}

/** A reply that withdraws or reverses an earlier notice: it belongs with that notice, read by a person. */
export function isRetractionOrCounterNotice(text: string): boolean {
  return /\b(counter[- ]?notice|counter[- ]?notification|tegenbericht|reversed the takedown|has (been )?reversed|restore (any )?content|withdraw(n|s)? (the|our|this) (notice|complaint)|retract(ed|ion))/i.test(
    text,
  );
}
