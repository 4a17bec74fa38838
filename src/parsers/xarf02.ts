/**
 * X-ARF 0.1/0.2: a mail (header X-XARF: PLAIN|yes, or X-ARF: yes) whose second part, report.txt, is a
 * YAML document of "Key: value" lines. Senders are sloppy (empty Source-Type, duplicate keys, "http: //"),
 * so YAML is read leniently and, failing that, line by line. Schema-URL is a hint, never fetched.
 */
import { parse as parseYaml } from "yaml";
import { type Category, categoryOrOther } from "../taxonomy.ts";
import {
  emailOf,
  makeEvent,
  normalizeIp,
  normalizePort,
  oneLine,
  parseDate,
  ReportFormatError,
} from "./common.ts";
import { missingOf } from "./completeness.ts";
import { type Mail, reporterOfMail } from "./mail.ts";
import { type MimePart, parseHeaderBlock, partText } from "./mime.ts";
import type { ParseResult, Reporter } from "./types.ts";

/** Report-Type (X-ARF 0.2 schemas and what senders write) → category. */
const REPORT_TYPES: Record<string, Category> = {
  "login-attack": "brute_force",
  "brute-force": "brute_force",
  bruteforce: "brute_force",
  regbot: "spam",
  spam: "spam",
  harvesting: "spam",
  "malware-attack": "malware",
  malware: "malware",
  "dnsbl-listing": "blocklist",
  phishing: "phishing",
  fraud: "fraud",
  portscan: "port_scan",
  "port-scan": "port_scan",
  "hack-attack": "port_scan",
  ddos: "ddos",
  copyright: "copyright",
  "child-abuse": "csam",
};

export function isXarf02(mail: Mail): boolean {
  const h = mail.headers;
  return h.has("x-xarf") || /^yes$/i.test(h.get("x-arf") ?? "") || findReportPart(mail) !== undefined;
}

function findReportPart(mail: Mail): MimePart | undefined {
  return mail.leaves.find((p) => {
    if (!p.contentType.startsWith("text/")) return false;
    const named = /^report\.txt$/i.test(p.filename ?? "");
    const head = p.body.subarray(0, 4096).toString("latin1");
    return named || (/^(---\s*\n)?[\s\S]*^Report-Type:/im.test(head) && /^Reported-From:/im.test(head));
  });
}

/**
 * Largest report.txt read as YAML; a bigger one is read line by line. Real ones are a few hundred bytes,
 * and the YAML reader's cost grows faster than the text on hostile input (a long run of "[" or '"').
 */
export const XARF_YAML_MAX_BYTES = 16 * 1024;

/** Reads "Key: value" YAML leniently: duplicate keys allowed, aliases bounded; line-based when YAML fails. */
export function readKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let doc: unknown;
  if (text.length <= XARF_YAML_MAX_BYTES) {
    try {
      doc = parseYaml(text.replace(/^\uFEFF/, ""), {
        uniqueKeys: false,
        maxAliasCount: 10,
        prettyErrors: false,
      });
    } catch {
      doc = undefined;
    }
  }
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      if (v === null || v === undefined) out.set(k.toLowerCase(), "");
      else if (typeof v === "object") out.set(k.toLowerCase(), JSON.stringify(v));
      else out.set(k.toLowerCase(), String(v));
    }
    return out;
  }
  for (const f of parseHeaderBlock(text.replace(/^---\s*$/m, "")))
    if (!out.has(f.name)) out.set(f.name, f.value.trim());
  return out;
}

export function parseXarf02(mail: Mail): ParseResult {
  const part = findReportPart(mail);
  if (!part) throw new ReportFormatError("X-ARF mail without a report.txt part");
  const kv = readKeyValues(partText(part));
  const reportType = (kv.get("report-type") ?? "").trim().toLowerCase();
  if (!reportType) throw new ReportFormatError("X-ARF report.txt without Report-Type");
  const { category, unknownLabel } = categoryOrOther(REPORT_TYPES, reportType);

  const source = (kv.get("source") ?? "").trim();
  const sourceType = (kv.get("source-type") ?? "").trim().toLowerCase();
  const subject: { ip?: string; port?: number; url?: string; domain?: string } = {};
  const asUrl = source.replace(/^(https?|ftp):\s*\/\s*\//i, "$1://");
  if (/^(ipv4|ipv6|ip-address|ip)$/.test(sourceType) || (!sourceType && normalizeIp(source))) {
    subject.ip = normalizeIp(source);
    if (!subject.ip)
      throw new ReportFormatError(`X-ARF Source "${oneLine(source, 80)}" is not an IP address`);
  } else if (/^(uri|url)$/.test(sourceType) || /^(https?|ftp):\/\//i.test(asUrl)) {
    subject.url = asUrl;
  } else if (source) {
    subject.domain = source.toLowerCase();
  }
  subject.port = normalizePort(kv.get("port") ?? kv.get("ports") ?? kv.get("destination-port"));
  const download = (kv.get("download-link") ?? "").replace(/^(https?|ftp):\s*\/\s*\//i, "$1://");
  if (!subject.url && /^(https?|ftp):\/\//i.test(download)) subject.url = download;
  if (!subject.ip && !subject.url && !subject.domain)
    throw new ReportFormatError("X-ARF report without a Source");

  const event = makeEvent(category, subject, parseDate(kv.get("date")), {
    xarfVersion: kv.get("version"),
    xarfCategory: kv.get("category"),
    reportType,
    source_category: unknownLabel,
    service: kv.get("service"),
    sourceType: sourceType || undefined,
    reportId: kv.get("report-id"),
    userAgent: kv.get("user-agent"),
    schemaUrl: kv.get("schema-url"),
    downloadLink: kv.get("download-link"),
    dnsbl: kv.get("dnsbl"),
    evidence: evidenceOf(mail, part),
  });
  const fromMail = reporterOfMail(mail);
  const reporter: Reporter = { ...fromMail };
  const reportedFrom = emailOf(kv.get("reported-from"));
  if (reportedFrom) reporter.email = reportedFrom;
  return {
    format: "xarf-0.2",
    reporter,
    events: [event],
    missing: missingOf({ reporter, events: [event], description: true }),
    messageId: mail.messageId,
  };
}

/** The log attachment (third part), kept short: it is what the customer will want to see. */
function evidenceOf(mail: Mail, reportPart: MimePart): string | undefined {
  const idx = mail.leaves.indexOf(reportPart);
  const next = mail.leaves[idx + 1];
  if (!next?.contentType.startsWith("text/")) return undefined;
  return partText(next).slice(0, 16 * 1024);
}
