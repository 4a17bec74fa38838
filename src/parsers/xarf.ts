/**
 * XARF JSON: version 4 (xarf/xarf-spec) and version 3 (abusix/xarf, deprecated; and the "3.0.0" variant
 * with Source{URL,Type} shown in the v4 spec repository). Alone or as a mail attachment.
 * Wrong types are refused with the path of the first bad field, so that triage can tell the sender.
 */
import { getDomain } from "tldts";
import { z } from "zod";
import { type Category, categoryOrOther } from "../taxonomy.ts";
import { explainZodError } from "../validation.ts";
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
import type { Mail } from "./mail.ts";
import { partText } from "./mime.ts";
import type { ParseResult, Reporter, Subject } from "./types.ts";

/** v4 "category/type" → category. README's "open" and the schema's "open_service" both appear. */
const V4_TYPES: Record<string, Category> = {
  "messaging/spam": "spam",
  "messaging/bulk_messaging": "spam",
  "connection/login_attack": "brute_force",
  "connection/port_scan": "port_scan",
  "connection/ddos": "ddos",
  "connection/infected_host": "botnet",
  "connection/reconnaissance": "port_scan",
  "connection/scraping": "excessive_use",
  "connection/sql_injection": "port_scan",
  "connection/vulnerability_scan": "port_scan",
  "content/phishing": "phishing",
  "content/malware": "malware",
  "content/csam": "csam",
  "content/csem": "csam",
  "content/exposed_data": "privacy",
  "content/brand_infringement": "trademark",
  "content/fraud": "fraud",
  "content/remote_compromise": "compromised_server",
  "content/suspicious_registration": "fraud",
  "copyright/copyright": "copyright",
  "copyright/p2p": "copyright",
  "copyright/cyberlocker": "copyright",
  "copyright/ugc_platform": "copyright",
  "copyright/link_site": "copyright",
  "copyright/usenet": "copyright",
  "vulnerability/cve": "open_service",
  "vulnerability/open_service": "open_service",
  "vulnerability/open": "open_service",
  "vulnerability/misconfiguration": "open_service",
  "infrastructure/botnet": "botnet",
  "infrastructure/compromised_server": "compromised_server",
  "reputation/blocklist": "blocklist",
  "reputation/threat_intelligence": "blocklist",
};

/** v3 ReportType (case-insensitive) → category. */
const V3_TYPES: Record<string, Category> = {
  spam: "spam",
  dos: "ddos",
  ddos: "ddos",
  portscan: "port_scan",
  loginattack: "brute_force",
  exploit: "port_scan",
  harassment: "harassment",
  potentiallycompromisedaccount: "compromised_server",
  webcrawler: "excessive_use",
  malware: "malware",
  phishing: "phishing",
  botnet: "botnet",
  childabuse: "csam",
  copyright: "copyright",
  trademark: "trademark",
  openservice: "open_service",
};

const str = z.string().max(10_000);
const V4 = z.looseObject({
  xarf_version: str.regex(/^4\.\d+\.\d+$/, "must look like 4.x.y"),
  report_id: str.optional(),
  timestamp: str,
  reporter: z.looseObject({ org: str.optional(), contact: str, domain: str.optional() }),
  sender: z.looseObject({ org: str.optional(), contact: str.optional(), domain: str.optional() }).optional(),
  source_identifier: str,
  source_port: z.union([z.number().int(), str]).optional(),
  category: str,
  type: str,
  url: str.optional(),
  infringing_url: str.optional(),
  domain: str.optional(),
  smtp_from: str.optional(),
  description: str.optional(),
  evidence: z.array(z.looseObject({})).max(50).optional(),
  tags: z.array(str).max(20).optional(),
});

const V3 = z.looseObject({
  Version: z.union([str, z.number()]),
  ReporterInfo: z.looseObject({
    ReporterOrg: str.optional(),
    ReporterOrgDomain: str.optional(),
    ReporterOrgEmail: str.optional(),
    ReporterContactEmail: str.optional(),
    ReporterContactName: str.optional(),
    ReporterType: str.optional(),
  }),
  OnBehalfOf: z.looseObject({}).optional(),
  Disclosure: z.boolean().optional(),
  Report: z.looseObject({
    ReportClass: str.optional(),
    ReportType: str,
    ReportSubType: str.optional(),
    Date: str,
    FirstSeen: str.optional(),
    SourceIp: str.optional(),
    SourcePort: z.union([z.number().int(), str]).optional(),
    SourceUrl: str.optional(),
    Source: z.looseObject({ URL: str.optional(), IP: str.optional(), Type: str.optional() }).optional(),
    ReporterNotes: str.optional(),
  }),
});

export function isXarfJson(doc: unknown): boolean {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return false;
  return "xarf_version" in doc || ("Version" in doc && ("Report" in doc || "ReporterInfo" in doc));
}

/** What is wrong with the document, in sentences that name the field (src/validation.ts). */
function issues(error: z.ZodError, schema: z.ZodType, doc: unknown): string {
  return explainZodError(error, { place: "body", schema, data: doc });
}

/** A source_identifier is an IP, a URL or a domain; says which. */
function subjectFromIdentifier(value: string): Subject {
  const ip = normalizeIp(value);
  if (ip) return { ip };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { url: value };
  const host = value.trim().toLowerCase();
  return getDomain(host) ? { domain: host } : {};
}

export function parseXarfDocument(doc: unknown, messageId?: string): ParseResult {
  if (doc && typeof doc === "object" && "xarf_version" in doc) return parseV4(doc, messageId);
  return parseV3(doc, messageId);
}

function parseV4(doc: unknown, messageId?: string): ParseResult {
  const parsed = V4.safeParse(doc);
  if (!parsed.success)
    throw new ReportFormatError(`XARF v4 document is invalid: ${issues(parsed.error, V4, doc)}`);
  const r = parsed.data;
  const key = `${r.category}/${r.type}`.toLowerCase();
  const { category: typed, unknownLabel } = categoryOrOther(V4_TYPES, key);
  // An open service that is a mail relay is an open relay: its own category, with its own measures.
  const service = typeof r.service === "string" ? r.service : "";
  const category = typed === "open_service" && /relay/i.test(service) ? "open_relay" : typed;
  const subject: Subject = subjectFromIdentifier(r.source_identifier);
  subject.port = normalizePort(r.source_port);
  const url = r.url ?? r.infringing_url;
  if (url && !subject.url) subject.url = url;
  if (r.domain && !subject.domain) subject.domain = r.domain.toLowerCase();
  if (category === "spam" && r.smtp_from) subject.email = emailOf(r.smtp_from);
  if (!subject.ip && !subject.url && !subject.domain) {
    throw new ReportFormatError(
      `XARF v4 source_identifier "${oneLine(r.source_identifier, 80)}" is not an IP, URL or domain`,
    );
  }
  const occurredAt = parseDate(r.timestamp);
  if (!occurredAt)
    throw new ReportFormatError(`XARF v4 timestamp "${oneLine(r.timestamp, 60)}" is not a date`);
  const { xarf_version, reporter: rep, sender, evidence, ...rest } = r;
  const details = {
    xarfVersion: xarf_version,
    xarfCategory: r.category,
    xarfType: r.type,
    source_category: unknownLabel,
    sender,
    evidence: evidence?.map((e) => ({
      ...e,
      payload: undefined,
      payloadBytes: String(e.payload ?? "").length,
    })),
    p2p: r.type === "p2p" || undefined,
    ...rest,
  };
  const event = makeEvent(category, subject, occurredAt, details);
  const reporter: Reporter = {};
  if (rep.org) reporter.org = oneLine(rep.org, 200);
  const contact = emailOf(rep.contact);
  if (contact) reporter.email = contact;
  return {
    format: "xarf-v4",
    reporter,
    events: [event],
    missing: missingOf({ reporter, events: [event], description: true }),
    messageId,
  };
}

function parseV3(doc: unknown, messageId?: string): ParseResult {
  const parsed = V3.safeParse(doc);
  if (!parsed.success)
    throw new ReportFormatError(`XARF v3 document is invalid: ${issues(parsed.error, V3, doc)}`);
  const { ReporterInfo: info, Report: rep, OnBehalfOf } = parsed.data;
  if (!/^3(\.\d+)*$/.test(String(parsed.data.Version))) {
    throw new ReportFormatError(
      `XARF Version "${oneLine(String(parsed.data.Version), 20)}" is not supported (3 or 4)`,
    );
  }
  const { category, unknownLabel } = categoryOrOther(V3_TYPES, rep.ReportType.toLowerCase());
  const subject: Subject = {};
  const ip = normalizeIp(rep.SourceIp ?? rep.Source?.IP);
  if ((rep.SourceIp ?? rep.Source?.IP) && !ip) {
    throw new ReportFormatError(
      `XARF v3 SourceIp "${oneLine(String(rep.SourceIp ?? rep.Source?.IP), 60)}" is not an IP`,
    );
  }
  if (ip) subject.ip = ip;
  subject.port = normalizePort(rep.SourcePort);
  const url = rep.SourceUrl ?? rep.Source?.URL;
  if (url) subject.url = url;
  if (category === "spam" && typeof rep.SmtpMailFromAddress === "string")
    subject.email = emailOf(rep.SmtpMailFromAddress);
  if (!subject.ip && !subject.url)
    throw new ReportFormatError("XARF v3 report without SourceIp or SourceUrl");
  const occurredAt = parseDate(rep.Date);
  if (!occurredAt) throw new ReportFormatError(`XARF v3 Date "${oneLine(rep.Date, 60)}" is not a date`);
  const { Samples, Attachment, ...rest } = rep as Record<string, unknown>;
  const samples = (Array.isArray(Samples) ? Samples : Array.isArray(Attachment) ? Attachment : []) as Record<
    string,
    unknown
  >[];
  const details = {
    xarfVersion: String(parsed.data.Version),
    source_category: unknownLabel,
    ...rest,
    onBehalfOf: OnBehalfOf,
    samples: samples.map((s) => ({ ...s, Payload: undefined, Data: undefined })),
    p2p: /bittorrent|p2p/i.test(String(rep.ReportSubType ?? "")) || undefined,
  };
  const event = makeEvent(category, subject, occurredAt, details);
  const reporter: Reporter = {};
  if (info.ReporterOrg) reporter.org = oneLine(info.ReporterOrg, 200);
  if (info.ReporterContactName) reporter.name = oneLine(info.ReporterContactName, 200);
  const email = emailOf(info.ReporterContactEmail ?? info.ReporterOrgEmail);
  if (email) reporter.email = email;
  const described =
    Boolean(rep.ReporterNotes) ||
    ["InfringedMaterial", "TrademarkedMaterial", "HarassmentDescription", "ServiceName"].some(
      (k) => k in rep,
    ) ||
    samples.length > 0 ||
    category !== "other";
  return {
    format: "xarf-v3",
    reporter,
    events: [event],
    missing: missingOf({ reporter, events: [event], description: described }),
    messageId,
  };
}

/** Parses JSON text safely (size-bounded) and hands it to the XARF reader. */
export function parseXarfJson(text: string, messageId?: string): ParseResult {
  if (text.length > 16 * 1024 * 1024) throw new ReportFormatError("XARF JSON larger than 16 MB");
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new ReportFormatError(`not valid JSON: ${(e as Error).message.slice(0, 120)}`);
  }
  if (!isXarfJson(doc)) throw new ReportFormatError(describeForeignJson(doc));
  return parseXarfDocument(doc, messageId);
}

/** Says what a JSON document that is not XARF looks like, so that the triage reason helps. */
export function describeForeignJson(doc: unknown): string {
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    const keys = Object.keys(doc);
    if (keys.some((k) => k.startsWith("decision_")) || "puid" in doc) {
      return "JSON is a DSA statement of reasons (Transparency Database), not an abuse report";
    }
    return `JSON document is not XARF (no xarf_version or Version/Report); keys: ${keys.slice(0, 8).join(", ")}`;
  }
  return "JSON document is not XARF (not an object)";
}

export function findXarfAttachment(mail: Mail): string | undefined {
  for (const p of mail.leaves) {
    const jsonish = p.contentType === "application/json" || /\.json$/i.test(p.filename ?? "");
    if (!jsonish) continue;
    const text = partText(p).trim();
    if (/"xarf_version"|"ReporterInfo"/.test(text.slice(0, 65536))) return text;
  }
  return undefined;
}
