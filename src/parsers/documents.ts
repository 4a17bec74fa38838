/**
 * Structured reports that are not one of the named standards, as a file of their own or inside a mail:
 * CSV tables (plain, gzip, zip), JSON and XML with recognisable address or URL fields, and DMARC aggregate
 * reports. The named formats keep their own parsers (Shadowserver, AbuseHUB, XARF, IODEF, ACNS); this file
 * decides which reader a document goes to, and reads what is left.
 */
import type { Category } from "../taxonomy.ts";
import { isAbusehubCsv, parseAbusehubCsv } from "./abusehub.ts";
import { isGzip, isZip, type UnpackedFile, unpack } from "./archive.ts";
import { decodeText, ReportFormatError } from "./common.ts";
import { missingOf } from "./completeness.ts";
import { isDmarcAggregate, parseDmarcAggregate } from "./dmarc.ts";
import { classifyText } from "./freetext.ts";
import { type Mail, reporterOfMail } from "./mail.ts";
import type { MimePart } from "./mime.ts";
import { finish, reportTypeFromFilename, shadowserverCsvSteps } from "./shadowserver.ts";
import { reportTypeFromSubject } from "./shadowserver-types.ts";
import { eventsOfDocument, readJson, readXmlTree } from "./structured.ts";
import { findTableHeader, parseTable } from "./table.ts";
import type { ParsedEvent, ParseResult, Reporter } from "./types.ts";
import { isXarfJson, parseXarfDocument } from "./xarf.ts";

/** What a document's events need from where it came: the words of its mail, its sender. */
export interface DocumentContext {
  /** "attachment netflow.csv.zip", "body", "file report.json". */
  foundIn: string;
  /** The category the mail's words give (subject first), for rows without a label. */
  category?: Category | undefined;
  reporter?: Reporter | undefined;
  messageId?: string | undefined;
  /** The mail's subject: Shadowserver mails name their report there. */
  subjectLine?: string | undefined;
}

/** A document's kind from its first characters. */
function kindOf(text: string, name: string): "xml" | "json" | "csv" | "unknown" {
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("<")) return "xml";
  if (/^[{[]/.test(start)) return "json";
  if (/\.(csv|tsv|txt)$/i.test(name) || findTableHeader(start)) return "csv";
  return "unknown";
}

/** Shadowserver's shape: a `timestamp` column and an `ip` or `src_ip` column. */
function looksLikeShadowserver(text: string): boolean {
  const header = findTableHeader(text);
  if (!header) return false;
  const c = header.columns;
  return (
    header.delimiter === "," &&
    header.line === 0 &&
    c.includes("timestamp") &&
    (c.includes("ip") || c.includes("src_ip"))
  );
}

interface DocumentPart {
  format: string;
  events: ParsedEvent[];
  warnings: string[];
  reporter?: Reporter | undefined;
  /** Understood, with nothing to act on by its nature (see ParseResult.informational). */
  informational?: string | undefined;
}

/** Events of one document's text; throws ReportFormatError when it is none of the readable kinds. */
function readDocument(text: string, name: string, ctx: DocumentContext): DocumentPart {
  const kind = kindOf(text, name);
  const foundIn = ctx.foundIn;
  if (kind === "xml") {
    if (isDmarcAggregate(text)) {
      const dmarc = parseDmarcAggregate(text, foundIn);
      return {
        format: "dmarc-aggregate",
        events: dmarc.events,
        warnings: [],
        reporter: dmarc.reporter,
        // Every source passed: a report in order, not one for a person to read.
        informational:
          dmarc.events.length === 0
            ? `DMARC aggregate report about ${dmarc.domain ?? "a domain"}${dmarc.reporter.org ? ` from ${dmarc.reporter.org}` : ""}: every one of its ${dmarc.records} sources passed; nothing to act on`
            : undefined,
      };
    }
    return {
      format: "xml",
      ...eventsOfDocument(readXmlTree(text), { foundIn: `XML ${foundIn}`, category: ctx.category }),
    };
  }
  if (kind === "json") {
    const doc = readJson(text);
    if (isXarfJson(doc)) {
      const xarf = parseXarfDocument(doc, ctx.messageId);
      return {
        format: xarf.format,
        events: xarf.events,
        warnings: xarf.warnings ?? [],
        reporter: xarf.reporter,
      };
    }
    return {
      format: "json",
      ...eventsOfDocument(doc, { foundIn: `JSON ${foundIn}`, category: ctx.category }),
    };
  }
  if (kind === "csv") {
    if (isAbusehubCsv(text)) return { format: "abusehub-csv", events: parseAbusehubCsv(text), warnings: [] };
    const type = reportTypeFromFilename(name);
    if (type || looksLikeShadowserver(text)) {
      // The type from the file's name, else the mail's subject, else the columns (shadowserverCsvSteps).
      const named = type ?? reportTypeFromSubject(ctx.subjectLine) ?? "";
      const r = finish(
        shadowserverCsvSteps(text, named, {
          ...(ctx.reporter ? { reporter: ctx.reporter } : {}),
          ...(ctx.subjectLine ? { subject: ctx.subjectLine } : {}),
        }),
      );
      return { format: r.format, events: r.events, warnings: r.warnings ?? [], reporter: r.reporter };
    }
    return { format: "csv", ...parseTable(text, { foundIn: `table in ${foundIn}`, category: ctx.category }) };
  }
  throw new ReportFormatError(`${foundIn} is neither CSV, JSON nor XML`);
}

/** One result from a document's readable files (a zip may hold several). */
function combine(parts: DocumentPart[], ctx: DocumentContext, warnings: string[]): ParseResult {
  const events = parts.flatMap((p) => p.events);
  const reporter: Reporter = { ...(parts.find((p) => p.reporter)?.reporter ?? {}), ...(ctx.reporter ?? {}) };
  const formats = [...new Set(parts.map((p) => p.format))];
  const result: ParseResult = {
    format: formats.length === 1 ? formats[0]! : formats.join("+"),
    reporter,
    events,
    missing: missingOf({ reporter, events, description: true }),
  };
  if (ctx.messageId) result.messageId = ctx.messageId;
  const informational = parts.find((p) => p.informational)?.informational;
  if (events.length === 0 && informational) result.informational = informational;
  const all = [...warnings, ...parts.flatMap((p) => p.warnings)];
  if (all.length) result.warnings = all.slice(0, 100);
  return result;
}

/** A structured file (plain, gzip or zip) read on its own. */
export function parseStructuredFile(data: Uint8Array, name: string, ctx: DocumentContext): ParseResult {
  const files = unpack(data, name);
  if (files.length === 0) throw new ReportFormatError(`${ctx.foundIn} holds no CSV, JSON or XML file`);
  const parts: DocumentPart[] = [];
  const problems: string[] = [];
  for (const f of files) {
    try {
      parts.push(readFileOf(f, ctx, files.length > 1));
    } catch (e) {
      if (!(e instanceof ReportFormatError)) throw e;
      problems.push(e.message);
    }
  }
  if (parts.length === 0) throw new ReportFormatError(problems[0] ?? `${ctx.foundIn} holds nothing readable`);
  return combine(parts, ctx, problems);
}

function readFileOf(f: UnpackedFile, ctx: DocumentContext, several: boolean) {
  const text = decodeText(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  const foundIn =
    several || f.name !== ""
      ? `${ctx.foundIn}${f.name && !ctx.foundIn.includes(f.name) ? ` (${f.name})` : ""}`
      : ctx.foundIn;
  return readDocument(text, f.name, { ...ctx, foundIn });
}

/** Attachments a structured reader may understand, by type or name. */
function isStructuredPart(p: MimePart): boolean {
  const name = p.filename ?? "";
  if (/\.(csv|tsv|xml|json)(\.gz|\.zip)?$|\.(zip|gz)$/i.test(name)) return true;
  if (/^(text\/csv|application\/(json|xml|zip|gzip|x-gzip|x-zip-compressed)|text\/xml)$/.test(p.contentType))
    return true;
  return isZip(p.body) || isGzip(p.body);
}

/**
 * The structured attachments of a mail (and an XML or JSON body), read into one result; undefined when the
 * mail has none we can read.
 */
export function structuredPartsOf(
  mail: Mail,
  text: { subjectLine: string; body: string },
): ParseResult | undefined {
  const category = classifyText(text.subjectLine, text.body);
  const reporter = reporterOfMail(mail);
  const base = { category, reporter, messageId: mail.messageId, subjectLine: mail.subject };
  const parts: DocumentPart[] = [];
  const problems: string[] = [];
  for (const p of mail.leaves) {
    if (!isStructuredPart(p)) continue;
    const foundIn = `attachment ${p.filename ?? p.contentType}`;
    try {
      const r = parseStructuredFile(p.body, p.filename ?? "", { ...base, foundIn });
      parts.push({
        format: r.format,
        events: r.events,
        warnings: r.warnings ?? [],
        reporter: r.reporter,
        informational: r.informational,
      });
    } catch (e) {
      if (!(e instanceof ReportFormatError)) throw e;
      problems.push(e.message);
    }
  }
  if (parts.length === 0) {
    // XML or JSON pasted as the body itself (some safe-browsing and API senders).
    const body = text.body.trimStart();
    if (/^(<\?xml|<[A-Za-z])/.test(body) || /^[{[]\s*["{[]/.test(body)) {
      try {
        parts.push(readDocument(body, "", { ...base, foundIn: "body" }));
      } catch (e) {
        if (!(e instanceof ReportFormatError)) throw e;
      }
    }
  }
  if (parts.length === 0) return undefined;
  return combine(parts, { ...base, reporter, foundIn: "attachments" }, problems);
}
