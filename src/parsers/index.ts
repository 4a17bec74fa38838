/**
 * The parser registry: finds out what a report is and hands it to the parser that knows the format.
 * Never throws for bad input: anything it cannot use becomes a ParseFailure whose reason a person reads
 * in the triage queue.
 */
import { UnknownCategoryError } from "../taxonomy.ts";
import { isAbusehubCsv, parseAbusehubCsv } from "./abusehub.ts";
import { extractAcns, isAcns, parseAcns } from "./acns.ts";
import { isGzip, isZip } from "./archive.ts";
import { isArf, parseArf } from "./arf.ts";
import { decodeText, ReportFormatError } from "./common.ts";
import { missingOf } from "./completeness.ts";
import { parseStructuredFile, structuredPartsOf } from "./documents.ts";
import { isFail2ban, parseFail2ban } from "./fail2ban.ts";
import { isIodef, parseIodef } from "./iodef.ts";
import { type Mail, readMail, reporterOfMail } from "./mail.ts";
import { looksLikeMail, MIME_LIMITS, type MimePart, nextTurn, partText } from "./mime.ts";
import { complaintFromMail, complaintFromText, parsePlain } from "./plain.ts";
import { profileFor, readWithProfile } from "./profiles.ts";
import { parseShadowserverFile, reportTypeFromFilename, shadowserverFileSteps } from "./shadowserver.ts";
import { isSpamcop, parseSpamcop } from "./spamcop.ts";
import { findTableHeader } from "./table.ts";
import type { ParseContext, ParsedEvent, ParseFailure, ParseOutcome, ParseResult } from "./types.ts";
import { findXarfAttachment, parseXarfJson } from "./xarf.ts";
import { isXarf02, parseXarf02 } from "./xarf02.ts";
import { assertPlainXml } from "./xml.ts";

export { parseShadowserverCsv, reportTypeFromFilename, shadowserverCategory } from "./shadowserver.ts";
export type { ParseContext, ParseFailure, ParseOutcome, ParseResult } from "./types.ts";

export interface ParseHint {
  /** The file name it came with (Shadowserver type, .json/.csv/.xml/.zip). */
  filename?: string;
  contentType?: string;
  /** Shadowserver report type, e.g. "scan_dns". */
  type?: string;
  /** Forces a format: "arf", "xarf", "shadowserver", "iodef", "acns", "spamcop", "plain". */
  format?: string;
  /** The zone of times people write without one: the brand's (default Europe/Amsterdam, see times.ts). */
  timeZone?: string;
}

function failure(reason: string): ParseFailure {
  return { format: null, reason };
}

export function isParseFailure(outcome: ParseOutcome): outcome is ParseFailure {
  return outcome.format === null;
}

/** What runs between the steps of a parse. */
export interface ParseOptions {
  /**
   * Runs between two steps (a megabyte of a mail, a batch of CSV rows); by default a turn of the event loop,
   * so that a large report never holds the process for long. The fuzz test counts the steps.
   */
  pause?: () => Promise<void>;
}

/**
 * Parses one report. Pure: bytes in, events out; never throws for bad input (a ParseFailure says why).
 * Large input is parsed in steps with a turn of the event loop between them (`ParseOptions.pause`).
 */
export async function parseReport(
  raw: Buffer,
  hint: ParseHint = {},
  context: ParseContext = {},
  options: ParseOptions = {},
): Promise<ParseOutcome> {
  try {
    return await route(raw, hint, context, options.pause ?? nextTurn);
  } catch (e) {
    if (e instanceof ReportFormatError || e instanceof UnknownCategoryError) return failure(e.message);
    if (e instanceof RangeError)
      return failure(`report is too large or too deeply structured to read (${e.message})`);
    return failure(`unreadable report: ${(e as Error)?.message ?? String(e)}`.slice(0, 500));
  }
}

/** Runs a parser written as steps, pausing between them. */
async function drive<T>(steps: Generator<void, T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

async function route(
  raw: Buffer,
  hint: ParseHint,
  context: ParseContext,
  pause: () => Promise<void>,
): Promise<ParseResult> {
  if (!Buffer.isBuffer(raw)) throw new ReportFormatError("report is not bytes");
  if (raw.length === 0) throw new ReportFormatError("empty report");
  if (raw.length > MIME_LIMITS.maxBytes) {
    throw new ReportFormatError(`report is larger than ${MIME_LIMITS.maxBytes / 1024 / 1024} MB`);
  }
  const format = hint.format?.toLowerCase();
  const ctype = hint.contentType?.toLowerCase() ?? "";
  if (format === "shadowserver" || hint.type || isShadowserverZip(raw, hint))
    return drive(shadowserverFileSteps(raw, hint), pause);
  // Another zip or a gzip: read by what it holds (a CSV table, a DMARC report, JSON, XML).
  if (isZip(raw) || isGzip(raw))
    return parseStructuredFile(raw, hint.filename ?? "", {
      foundIn: `file ${hint.filename ?? "(compressed)"}`,
    });

  const text = decodeText(raw.subarray(0, MIME_LIMITS.maxBytes));
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (format === "xarf" || ctype.includes("json") || /^[{[]/.test(start)) return parseJsonDocument(start);
  if (start.startsWith("<")) return parseXmlDocument(start);
  if (ctype.includes("csv") || /\.csv$/i.test(hint.filename ?? ""))
    return drive(parseCsvDocument(start, hint), pause);
  if (ctype.startsWith("message/") || looksLikeMail(text))
    return parseMail(raw, format, context, pause, hint.timeZone);
  if (/^"?timestamp"?,/.test(start) || findTableHeader(start))
    return drive(parseCsvDocument(start, hint), pause);
  if (/\0/.test(text.slice(0, 8192)))
    throw new ReportFormatError("binary data that is neither a zip, a mail nor text");
  return parsePlain(complaintFromText(text, hint.timeZone));
}

function parseXmlDocument(text: string, messageId?: string): ParseResult {
  assertPlainXml(text);
  if (isIodef(text)) return parseIodef(text, messageId);
  if (isAcns(text)) return parseAcns(text, messageId);
  // A DMARC aggregate report, or XML with recognisable address/URL fields (documents.ts).
  return parseStructuredFile(Buffer.from(text, "utf8"), "", { foundIn: "XML document", messageId });
}

/** XARF, or JSON with recognisable address/URL fields. */
function parseJsonDocument(text: string): ParseResult {
  try {
    return parseXarfJson(text);
  } catch (e) {
    if (!(e instanceof ReportFormatError) || !/is not XARF/.test(e.message)) throw e;
    try {
      return parseStructuredFile(Buffer.from(text, "utf8"), "", { foundIn: "JSON document" });
    } catch (inner) {
      if (inner instanceof ReportFormatError) throw new ReportFormatError(`${e.message}; ${inner.message}`);
      throw inner;
    }
  }
}

/** A zip whose name, or the name of a file in it, names a Shadowserver report type: the feed's fast path. */
function isShadowserverZip(raw: Buffer, hint: ParseHint): boolean {
  if (!isZip(raw)) return false;
  if (reportTypeFromFilename(hint.filename ?? "")) return true;
  // The entry names stand in the zip's headers as plain text (first entry at the start, directory at the end).
  const names = `${raw.subarray(0, 4096).toString("latin1")}${raw.subarray(-65536).toString("latin1")}`;
  return [...names.matchAll(/\d{4}-\d{2}-\d{2}-[a-z0-9_]+-[\w.-]{0,200}?\.csv/g)].some(
    (m) => reportTypeFromFilename(m[0]) !== undefined,
  );
}

function* parseCsvDocument(text: string, hint: ParseHint): Generator<void, ParseResult> {
  if (isAbusehubCsv(text)) {
    const events = parseAbusehubCsv(text);
    const reporter = { org: "AbuseHUB" };
    return {
      format: "abusehub-csv",
      reporter,
      events,
      missing: missingOf({ reporter, events, description: true }),
    };
  }
  // Not a zip (route looked): the text decoded already is the CSV. Shadowserver's by name or shape; any
  // other table with an address column is read as a generic table (documents.ts).
  if (hint.filename && reportTypeFromFilename(hint.filename)) return yield* shadowserverFileSteps(text, hint);
  if (/^"?timestamp"?,/.test(text)) return yield* shadowserverFileSteps(text, hint);
  return parseStructuredFile(Buffer.from(text, "utf8"), hint.filename ?? "", {
    foundIn: hint.filename ? `file ${hint.filename}` : "CSV document",
  });
}

async function parseMail(
  raw: Buffer,
  format: string | undefined,
  context: ParseContext,
  pause: () => Promise<void>,
  timeZone?: string,
): Promise<ParseResult> {
  const mail = await readMail(raw, pause);
  // The mail's Date goes with every format: an event without a time of its own may take it (times.ts).
  return { ...parseMailFormats(mail, format, context, timeZone), sentAt: mail.date };
}

function parseMailFormats(
  mail: Mail,
  format: string | undefined,
  context: ParseContext,
  timeZone?: string,
): ParseResult {
  if (format === "plain") return parsePlain(complaintFromMail(mail, context, timeZone));
  if (isArf(mail)) return parseArf(mail);
  if (isXarf02(mail)) return parseXarf02(mail);
  const xarf = findXarfAttachment(mail);
  if (xarf) return parseXarfJson(xarf, mail.messageId);
  if (isSpamcop(mail)) return parseSpamcop(mail);

  const acns = findAcns(mail);
  if (acns) return withMailReporter(parseAcns(acns, mail.messageId), mail);
  const iodef = mail.leaves.find((p) => isXmlPart(p) && isIodef(partText(p)));
  if (iodef) return withMailReporter(parseIodef(partText(iodef), mail.messageId), mail);

  const feed = feedAttachments(mail);
  if (feed) return feed;
  // A sender the operator taught us (sender profiles), then structured attachments and bodies, then
  // fail2ban's ban mails; prose last.
  const profiled = readProfiled(mail, context);
  if (profiled) return profiled;
  const structured = structuredPartsOf(mail, { subjectLine: mail.subject, body: mail.text });
  if (structured) return structured;
  if (/@shadowserver\.org>?$/i.test(mail.headers.get("from") ?? "")) {
    throw new ReportFormatError(
      "Shadowserver mail without a CSV attachment (a download link only): we never fetch links; fetch it via the Reports API",
    );
  }
  const banned = isFail2ban(mail.subject, mail.text) ? parseFail2ban(mail.subject, mail.text, mail.date) : [];
  if (banned.length > 0) return mailResult("fail2ban", mail, banned);
  return parsePlain(complaintFromMail(mail, context, timeZone));
}

/** A result for events read from a mail: its reporter, what it lacks, its Message-ID. */
function mailResult(format: string, mail: Mail, events: ParsedEvent[]): ParseResult {
  const reporter = reporterOfMail(mail);
  return {
    format,
    reporter,
    events,
    missing: missingOf({ reporter, events, description: true }),
    messageId: mail.messageId,
  };
}

/** The events of a mail from a sender with a profile (ABUSEDESK_SENDER_PROFILES), if its patterns match. */
function readProfiled(mail: Mail, context: ParseContext): ParseResult | undefined {
  const profiles = context.senderProfiles ?? [];
  if (profiles.length === 0) return undefined;
  const input = {
    from: reporterOfMail(mail).email,
    subjectLine: mail.subject,
    text: mail.text,
    date: mail.date,
  };
  const profile = profileFor(profiles, input);
  if (!profile) return undefined;
  const events = readWithProfile(profile, input);
  return events.length > 0 ? mailResult(`profile:${profile.name}`, mail, events) : undefined;
}

function isXmlPart(p: MimePart): boolean {
  return /xml/.test(p.contentType) || /\.xml$/i.test(p.filename ?? "");
}

function findAcns(mail: Mail): string | undefined {
  for (const p of mail.leaves) {
    if (!isXmlPart(p) && !p.contentType.startsWith("text/")) continue;
    const text = partText(p);
    if (isAcns(text)) return isXmlPart(p) ? text : extractAcns(text);
  }
  return undefined;
}

/** The mail's From is the better contact when the document has none (IODEF/ACNS sent by an agent). */
function withMailReporter(result: ParseResult, mail: Mail): ParseResult {
  const fromMail = reporterOfMail(mail);
  const reporter = { ...fromMail, ...result.reporter };
  if (!reporter.email && fromMail.email) reporter.email = fromMail.email;
  return {
    ...result,
    reporter,
    missing: result.missing.filter((m) => m !== "reporter_contact" || !reporter.email),
  };
}

/** Shadowserver CSV/zip attachments and AbuseHubCsv. */
function feedAttachments(mail: Mail): ParseResult | undefined {
  for (const p of mail.leaves) {
    const name = p.filename ?? "";
    const isZip = p.body[0] === 0x50 && p.body[1] === 0x4b && p.body[2] === 0x03 && p.body[3] === 0x04;
    const isCsv = p.contentType === "text/csv" || /\.csv$/i.test(name);
    if (isCsv && isAbusehubCsv(partText(p))) {
      const events = parseAbusehubCsv(partText(p));
      const reporter = reporterOfMail(mail);
      return {
        format: "abusehub-csv",
        reporter,
        events,
        missing: missingOf({ reporter, events, description: true }),
        messageId: mail.messageId,
      };
    }
    if ((isZip || isCsv) && reportTypeFromFilename(name)) {
      const reporter = { org: "The Shadowserver Foundation", ...reporterOfMail(mail) };
      return parseShadowserverFile(p.body, { filename: name }, { reporter, messageId: mail.messageId });
    }
  }
  return undefined;
}
