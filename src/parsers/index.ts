/**
 * The parser registry: finds out what a report is and hands it to the parser that knows the format.
 * Never throws for bad input: anything it cannot use becomes a ParseFailure whose reason a person reads
 * in the triage queue.
 */
import { UnknownCategoryError } from "../taxonomy.ts";
import { isAbusehubCsv, parseAbusehubCsv } from "./abusehub.ts";
import { extractAcns, isAcns, parseAcns } from "./acns.ts";
import { isArf, parseArf } from "./arf.ts";
import { decodeText, ReportFormatError } from "./common.ts";
import { missingOf } from "./completeness.ts";
import { isIodef, parseIodef } from "./iodef.ts";
import { type Mail, readMail, reporterOfMail } from "./mail.ts";
import { looksLikeMail, MIME_LIMITS, type MimePart, partText } from "./mime.ts";
import { complaintFromMail, complaintFromText, parsePlain } from "./plain.ts";
import { parseShadowserverFile, reportTypeFromFilename, shadowserverFileSteps } from "./shadowserver.ts";
import { isSpamcop, parseSpamcop } from "./spamcop.ts";
import type { ParseFailure, ParseOutcome, ParseResult } from "./types.ts";
import { findXarfAttachment, parseXarfJson } from "./xarf.ts";
import { isXarf02, parseXarf02 } from "./xarf02.ts";
import { assertPlainXml } from "./xml.ts";

export { parseShadowserverCsv, reportTypeFromFilename, shadowserverCategory } from "./shadowserver.ts";
export type { ParseFailure, ParseOutcome, ParseResult } from "./types.ts";

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

/**
 * Parses one report. Pure: bytes in, events out. A large CSV is parsed in steps, with a turn of the event
 * loop between them (see `finish` in shadowserver.ts).
 */
export async function parseReport(raw: Buffer, hint: ParseHint = {}): Promise<ParseOutcome> {
  try {
    const steps = route(raw, hint);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    if (e instanceof ReportFormatError || e instanceof UnknownCategoryError) return failure(e.message);
    if (e instanceof RangeError)
      return failure(`report is too large or too deeply structured to read (${e.message})`);
    return failure(`unreadable report: ${(e as Error)?.message ?? String(e)}`.slice(0, 500));
  }
}

function* route(raw: Buffer, hint: ParseHint): Generator<void, ParseResult> {
  if (!Buffer.isBuffer(raw)) throw new ReportFormatError("report is not bytes");
  if (raw.length === 0) throw new ReportFormatError("empty report");
  if (raw.length > MIME_LIMITS.maxBytes) {
    throw new ReportFormatError(`report is larger than ${MIME_LIMITS.maxBytes / 1024 / 1024} MB`);
  }
  const format = hint.format?.toLowerCase();
  const ctype = hint.contentType?.toLowerCase() ?? "";
  const isZip = raw[0] === 0x50 && raw[1] === 0x4b && raw[2] === 0x03 && raw[3] === 0x04;
  if (format === "shadowserver" || hint.type || isZip) return yield* shadowserverFileSteps(raw, hint);

  const text = decodeText(raw.subarray(0, MIME_LIMITS.maxBytes));
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (format === "xarf" || ctype.includes("json") || /^[{[]/.test(start)) return parseXarfJson(start);
  if (start.startsWith("<")) return parseXmlDocument(start);
  if (ctype.includes("csv") || /\.csv$/i.test(hint.filename ?? ""))
    return yield* parseCsvDocument(start, hint);
  if (ctype.startsWith("message/") || looksLikeMail(text)) return parseMail(raw, format, hint.timeZone);
  if (/^"?timestamp"?,/.test(start)) return yield* parseCsvDocument(start, hint);
  if (/\0/.test(text.slice(0, 8192)))
    throw new ReportFormatError("binary data that is neither a zip, a mail nor text");
  return parsePlain(complaintFromText(text, hint.timeZone));
}

function parseXmlDocument(text: string, messageId?: string): ParseResult {
  assertPlainXml(text);
  if (isIodef(text)) return parseIodef(text, messageId);
  if (isAcns(text)) return parseAcns(text, messageId);
  throw new ReportFormatError("XML document is neither IODEF nor ACNS");
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
  if (!hint.filename || !reportTypeFromFilename(hint.filename)) {
    throw new ReportFormatError(
      "CSV without a known report type: give the Shadowserver type (type=…) or its original file name",
    );
  }
  // Not a zip (route looked): the text decoded already is the CSV.
  return yield* shadowserverFileSteps(text, hint);
}

function parseMail(raw: Buffer, format: string | undefined, timeZone?: string): ParseResult {
  const mail = readMail(raw);
  // The mail's Date goes with every format: an event without a time of its own may take it (times.ts).
  return { ...parseMailFormats(mail, format, timeZone), sentAt: mail.date };
}

function parseMailFormats(mail: Mail, format: string | undefined, timeZone?: string): ParseResult {
  if (format === "plain") return parsePlain(complaintFromMail(mail, timeZone));
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
  if (/@shadowserver\.org>?$/i.test(mail.headers.get("from") ?? "")) {
    throw new ReportFormatError(
      "Shadowserver mail without a CSV attachment (a download link only): we never fetch links; fetch it via the Reports API",
    );
  }
  return parsePlain(complaintFromMail(mail, timeZone));
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
