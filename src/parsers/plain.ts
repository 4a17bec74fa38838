/**
 * A complaint written by a person (or a robot without a standard format): a mail with a forwarded message
 * (message/rfc822), pasted headers, a table of addresses, or only prose. What it is about comes from its
 * structured parts when there are any (forwarded headers, a key-value attachment, a CSV table in the body),
 * else from the prose. What it is (the category) comes from its words; when they say nothing, its subjects
 * still become events, of category `other`, and their case waits for a person to classify it.
 */
import { CATEGORIES, type Category } from "../taxonomy.ts";
import {
  emailOf,
  makeEvent,
  normalizeIp,
  normalizePort,
  parseDate,
  ReportFormatError,
  recordOf,
} from "./common.ts";
import { missingOf } from "./completeness.ts";
import { classifyText, extractIndicators, hostOf, isRetractionOrCounterNotice } from "./freetext.ts";
import { type Mail, originalMessageOf, reporterDomains, reporterOfMail, sendingIpOf } from "./mail.ts";
import { Headers, parseHeaderBlock, partText } from "./mime.ts";
import { forwardedHeaders, statedSourceIps } from "./statements.ts";
import { type NumericDates, numericDatesOfMail } from "./times.ts";
import type { ParseContext, ParsedEvent, ParseResult, Reporter, Subject } from "./types.ts";
import { readKeyValues } from "./xarf02.ts";

/** Input to the plain parser: from a mail, or from a bare text document (no headers). */
export interface Complaint {
  subjectLine: string;
  text: string;
  reporter: Reporter;
  /** Domains never to report on: the reporter's and the recipient's own. */
  exclude: string[];
  /** Headers of a forwarded/pasted offending message, when present. */
  original?: { headers: Headers; complete: boolean; headerText: string; pasted?: boolean };
  /** Key-value attachments (YAML "ip: …, uri: …") some robots add. */
  keyValues: ReadonlyMap<string, string>[];
  messageId?: string;
  /** The reporter's sentence "complaint about message from 1.2.3.4" (Hotmail JMRP). */
  statedSource?: string;
  /** More reference sites (never subjects) from the configuration. */
  referenceDomains?: readonly string[];
  /** The mail's Date: "gisteren" and "this morning" in the text count from it. */
  sentAt?: Date | null;
  /** The zone of times written without one (the brand's; default Europe/Amsterdam). */
  timeZone?: string | undefined;
  /** The writer's order of numeric dates (08/03/2018), told by their mail's Date zone. */
  numericDates?: NumericDates | undefined;
}

export function complaintFromMail(mail: Mail, context: ParseContext = {}, timeZone?: string): Complaint {
  const pasted = pastedHeaders(mail.text) ?? forwardedHeaders(mail.text);
  const original = originalMessageOf(mail) ?? (pasted ? { ...pasted, pasted: true } : undefined);
  const recipients = ["to", "cc", "delivered-to", "x-original-to"].flatMap((f) =>
    mail.headers.all(f).flatMap((v) => v.split(",").map((a) => emailOf(a)?.split("@")[1] ?? "")),
  );
  const keyValues = mail.leaves
    .filter((p) => p.contentType.startsWith("text/plain") && p.filename && /\.(txt|ya?ml)$/i.test(p.filename))
    .map((p) => readKeyValues(partText(p)))
    .filter((kv) => [...kv.keys()].some((k) => /^(ip|src_ip|source_ip|uri|url|source)$/.test(k)));
  const jmrp = /complaint about message from ([0-9a-fA-F:.]+)/i.exec(mail.subject)?.[1];
  return {
    subjectLine: mail.subject,
    text: mail.text,
    reporter: reporterOfMail(mail),
    exclude: [...reporterDomains(mail), ...recipients.filter(Boolean)],
    original,
    keyValues,
    messageId: mail.messageId,
    statedSource: jmrp,
    ...(context.referenceDomains ? { referenceDomains: context.referenceDomains } : {}),
    sentAt: mail.date,
    timeZone,
    numericDates: numericDatesOfMail(mail.headers.get("date")),
  };
}

/** A text document without mail headers (a pasted notice, a published DMCA letter). */
export function complaintFromText(text: string, timeZone?: string): Complaint {
  return {
    subjectLine: "",
    text,
    reporter: {},
    exclude: [],
    keyValues: [],
    original: pastedHeaders(text),
    timeZone,
  };
}

/** Headers pasted into the body: a run of header lines that includes Received:. */
function pastedHeaders(text: string): Complaint["original"] {
  const m = /^(Received:[\s\S]*?)(?:\r?\n\r?\n|(?![\s\S]))/m.exec(text);
  if (!m) return undefined;
  const block = m[1]!;
  const headers = new Headers(parseHeaderBlock(block));
  if (headers.all("received").length === 0) return undefined;
  return { headers, complete: /^(From|Subject|Date|Message-ID):/im.test(block), headerText: block };
}

export function parsePlain(c: Complaint): ParseResult {
  const fullText = `${c.subjectLine}\n${c.text}`;
  if (isRetractionOrCounterNotice(fullText)) {
    throw new ReportFormatError(
      "reads as a counter-notice or the reversal of an earlier notice, not a new complaint: link it to that notice by hand",
    );
  }
  let category: Category | undefined = classifyText(c.subjectLine, c.text);
  // A forwarded message with nothing else said is an e-mail complaint: spam.
  if (!category && (c.original || c.statedSource)) category = "spam";
  // No keyword: the subjects are not lost; the case of category `other` asks a person to classify it.
  category ??= "other";

  const events: ParsedEvent[] = [];
  const warnings: string[] = [];
  const add = (subject: Subject, occurredAt: Date | null, details: Record<string, unknown>) => {
    events.push(makeEvent(category!, subject, occurredAt, details, CATEGORIES[category!].kind));
  };

  const stated = normalizeIp(c.statedSource);
  const hop = c.original ? sendingIpOf(c.original.headers) : undefined;
  if (stated || hop) {
    // The reporter's own statement wins over our reading of the Received chain.
    const ip = stated ?? hop!.ip;
    const receivedAt = hop?.received
      ? parseDate(hop.received.slice(hop.received.lastIndexOf(";") + 1))
      : null;
    add(
      { ip, email: emailOf(c.original?.headers.get("from")) },
      receivedAt ?? parseDate(c.original?.headers.get("date")),
      {
        source: stated ? "stated in subject" : "first external Received",
        found_in: stated ? "subject line" : c.original?.pasted ? "forwarded headers" : "attached message",
        received: hop?.received,
        originalHeaders: c.original?.headerText.slice(0, 64 * 1024),
      },
    );
  }
  if (events.length === 0) {
    for (const kv of c.keyValues) {
      const at = (...names: string[]) => names.map((n) => kv.get(n)).find((v) => v !== undefined);
      const ip = normalizeIp(at("ip", "src_ip", "source_ip", "source"));
      const url = [kv.get("uri"), kv.get("url"), kv.get("source")].find(
        (u) => u && /^(https?|ftp):\/\//i.test(u),
      );
      if (!ip && !url) continue;
      add(
        { ip, url, domain: kv.get("domain")?.toLowerCase() },
        parseDate(at("first_seen", "date", "timestamp", "last_seen")),
        { attachment: recordOf(kv), found_in: "key-value attachment" },
      );
    }
  }
  if (events.length === 0) {
    for (const row of embeddedTable(c.text))
      add(row.subject, row.occurredAt, { row: recordOf(row.raw), found_in: "table in the body" });
  }
  let format = stated ? "jmrp" : "plain";
  if (events.length === 0) {
    format = "freetext";
    const found = extractIndicators(fullText, {
      exclude: c.exclude,
      withSubjectLine: true,
      ...(c.referenceDomains ? { referenceDomains: c.referenceDomains } : {}),
      times: { reference: c.sentAt ?? null, timeZone: c.timeZone, numericDates: c.numericDates },
    });
    const where = (key: string) => found.foundIn.get(key) ?? "body";
    // An address the text states as the source ("Source IP: …", "received from IP …") outranks the rest.
    const stated = new Set(statedSourceIps(fullText).filter((ip) => found.ips.has(ip)));
    // Each subject takes the time written nearest to it; "text" says where that time came from.
    const fromText = (value: string, foundIn: string): [Date | null, Record<string, unknown>] => {
      const at = found.times.get(value) ?? null;
      const details = { extractedFrom: "text", found_in: foundIn };
      return [at, at ? { ...details, time_source: "text" } : details];
    };
    const ipsInUrls = new Set(found.urls.map((u) => normalizeIp(hostOf(u) ?? "")).filter(Boolean));
    for (const url of found.urls) {
      const host = hostOf(url);
      const ip = normalizeIp(host ?? "");
      add({ url, ip, domain: ip ? undefined : host }, ...fromText(url, where(`url:${url}`)));
    }
    for (const ip of found.ips.keys()) {
      if (ipsInUrls.has(ip) || (stated.size > 0 && !stated.has(ip))) continue;
      add({ ip }, ...fromText(ip, stated.has(ip) ? "stated in the text" : where(`ip:${ip}`)));
    }
    for (const domain of found.domains) add({ domain }, ...fromText(domain, where(`domain:${domain}`)));
    // What the opening sentences name comes first (the 50 kept are the most likely subjects).
    const rank = (e: ParsedEvent) =>
      ({ "stated in the text": 0, "subject line": 1, opening: 2, body: 3 })[String(e.details.found_in)] ?? 4;
    events.sort((a, b) => rank(a) - rank(b));
    if (found.emails.length) {
      for (const e of events) e.details.mentionedEmails = found.emails.slice(0, 20);
    }
    if (events.length > 50) {
      warnings.push(`${events.length} indicators found in the text; only the first 50 kept`);
      events.length = 50;
    }
  }
  if (events.length === 0) {
    throw new ReportFormatError(
      `free-text ${CATEGORIES[category].label.en.toLowerCase()} complaint without any IP address, URL or domain we could read`,
    );
  }
  const description = c.text.replace(/\s+/g, " ").trim().length >= 20;
  const result: ParseResult = {
    format,
    reporter: c.reporter,
    events,
    missing: missingOf({
      reporter: c.reporter,
      events,
      description,
      reasons: description,
      fullHeaders: c.original ? c.original.headers.all("received").length > 0 : false,
    }),
    messageId: c.messageId,
  };
  if (warnings.length) result.warnings = warnings;
  return result;
}

interface TableRow {
  subject: Subject;
  occurredAt: Date | null;
  raw: ReadonlyMap<string, string>;
}

/** A CSV table pasted in the body ("asn","ip","timestamp","port",...) as national CERTs send. */
function embeddedTable(text: string): TableRow[] {
  const lines = text.split(/\r?\n/);
  const split = (l: string) =>
    [...l.matchAll(/(?:^|[,;])\s*(?:"((?:[^"]|"")*)"|([^,;]*))/g)].map((m) => (m[1] ?? m[2] ?? "").trim());
  for (let i = 0; i < lines.length; i++) {
    const head = split(lines[i]!).map((h) => h.toLowerCase());
    const ipCol = head.findIndex((h) =>
      ["ip", "src_ip", "source_ip", "ip_address", "ip-address"].includes(h),
    );
    if (head.length < 3 || ipCol < 0) continue;
    const rows: TableRow[] = [];
    for (const line of lines.slice(i + 1)) {
      if (!line.trim()) break;
      const cells = split(line);
      const ip = normalizeIp(cells[ipCol]);
      if (!ip) continue;
      const raw = new Map(head.map((h, k) => [h, cells[k] ?? ""]));
      const at = (...names: string[]) => names.map((n) => raw.get(n)).find((v) => v !== undefined);
      const ts = at("timestamp", "time", "date", "first_seen");
      rows.push({
        subject: { ip, port: normalizePort(at("port", "src_port")) },
        occurredAt: parseDate(ts),
        raw,
      });
    }
    if (rows.length > 0) return rows;
  }
  return [];
}
