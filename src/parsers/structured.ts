/**
 * JSON and XML that are not a named standard, in a body or an attachment: a safe-browsing service's list of
 * URLs with their IPs, a provider's API export, a threat feed's entries. Every object (XML element) with a
 * recognisable address or URL field is one event, its time and label from the same object or the nearest
 * one around it. Objects that describe the other end (destination, target, victim, sensor, reporter) are
 * not subjects. The walk is bounded in depth and in nodes.
 */
import type { Category } from "../taxonomy.ts";
import { makeEvent, normalizeIp, normalizePort, parseDate, ReportFormatError } from "./common.ts";
import { categoryOfLabel } from "./labels.ts";
import type { ParsedEvent, Subject } from "./types.ts";
import { readXml } from "./xml.ts";

/** Nodes visited in one document; a larger one is cut (with a warning), never walked without end. */
export const MAX_STRUCTURE_NODES = 200_000;
/** Events taken from one document. */
export const MAX_STRUCTURE_EVENTS = 100_000;
const MAX_DEPTH = 16;

const key = (k: string) =>
  k
    .replace(/^@/, "")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[\s.-]+/g, "_");

const ADDRESS_KEYS = new Set([
  "src_ip",
  "source_ip",
  "sourceip",
  "srcip",
  "ip",
  "ip_address",
  "ipaddress",
  "ip_addr",
  "ipv4",
  "ipv6",
  "address",
  "client_ip",
  "attacker_ip",
  "offender_ip",
  "remote_ip",
  "host_ip",
  "origin_ip",
]);
const URL_KEYS = new Set([
  "url",
  "uri",
  "link",
  "href",
  "src_url",
  "malicious_url",
  "phishing_url",
  "full_url",
]);
const DOMAIN_KEYS = new Set(["domain", "fqdn", "hostname", "host"]);
const PORT_KEYS = new Set(["port", "src_port", "source_port", "sport"]);
const TIME_KEYS = new Set([
  "timestamp",
  "time",
  "datetime",
  "date",
  "date_time",
  "event_time",
  "first_seen",
  "firstseen",
  "detected",
  "detection_time",
  "seen",
  "reported_at",
  "created_at",
  "observed",
  "last_seen",
]);
const LABEL_KEYS = new Set([
  "category",
  "type",
  "threat",
  "threat_type",
  "classification",
  "report_type",
  "attack",
  "attack_type",
  "infection",
  "malware",
  "tag",
  "reason",
]);
/** Objects about the other end of an event: never the subject. */
const OTHER_END =
  /^(dst|dest|destination|target|victim|sensor|honeypot|reporter|sender|contact|recipient|to)(_|$)/;

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim() || undefined;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (v && typeof v === "object" && "#text" in v) return text((v as Record<string, unknown>)["#text"]);
  return undefined;
}

interface Found {
  subject: Subject;
  time?: string | undefined;
  label?: string | undefined;
  path: string;
}

interface Inherited {
  time?: string | undefined;
  label?: string | undefined;
}

/** What an object says about itself: subject, time, label (keys compared in snake case). */
function readObject(obj: Record<string, unknown>): { subject: Subject; time?: string; label?: string } {
  const subject: Subject = {};
  let time: string | undefined;
  let label: string | undefined;
  for (const [k, v] of Object.entries(obj)) {
    const name = key(k);
    const value = text(v);
    if (value === undefined) continue;
    if (!subject.ip && ADDRESS_KEYS.has(name)) {
      const ip = normalizeIp(value);
      if (ip) subject.ip = ip;
    } else if (!subject.url && URL_KEYS.has(name) && /^(https?|ftp):\/\/\S+$/i.test(value)) {
      subject.url = value.slice(0, 4000);
    } else if (!subject.domain && DOMAIN_KEYS.has(name) && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) {
      if (!normalizeIp(value)) subject.domain = value.toLowerCase();
    } else if (subject.port === undefined && PORT_KEYS.has(name)) {
      const port = normalizePort(value);
      if (port !== undefined) subject.port = port;
    } else if (!time && TIME_KEYS.has(name)) time = value;
    else if (!label && LABEL_KEYS.has(name)) label = value.slice(0, 200);
  }
  return { subject, ...(time ? { time } : {}), ...(label ? { label } : {}) };
}

/** Every subject-bearing object in a document, depth first. */
export function findSubjects(doc: unknown): { found: Found[]; truncated: boolean } {
  const found: Found[] = [];
  let nodes = 0;
  let truncated = false;
  const walk = (node: unknown, path: string, depth: number, inherited: Inherited) => {
    if (truncated) return;
    if (++nodes > MAX_STRUCTURE_NODES || found.length >= MAX_STRUCTURE_EVENTS || depth > MAX_DEPTH) {
      truncated = true;
      return;
    }
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`, depth + 1, inherited);
      return;
    }
    if (!node || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    const own = readObject(obj);
    const here: Inherited = { time: own.time ?? inherited.time, label: own.label ?? inherited.label };
    const s = own.subject;
    if (s.ip || s.url) {
      const subject: Subject = {};
      if (s.ip) subject.ip = s.ip;
      if (s.port !== undefined && s.ip) subject.port = s.port;
      if (s.url) subject.url = s.url;
      if (s.domain && !s.url) subject.domain = s.domain;
      found.push({ subject, time: here.time, label: here.label, path: path || "(root)" });
    }
    for (const [k, v] of Object.entries(obj)) {
      if (!v || typeof v !== "object") continue;
      if (OTHER_END.test(key(k))) continue;
      walk(v, path ? `${path}.${k}` : k, depth + 1, here);
    }
  };
  walk(doc, "", 0, {});
  return { found, truncated };
}

export interface StructuredContext {
  /** "JSON body", "XML attachment list.xml", ... */
  foundIn: string;
  /** The category the mail's words give, for entries without a label of their own. */
  category?: Category | undefined;
}

/** Events of a parsed JSON/XML document; throws ReportFormatError when it holds no address or URL. */
export function eventsOfDocument(
  doc: unknown,
  context: StructuredContext,
): { events: ParsedEvent[]; warnings: string[] } {
  const { found, truncated } = findSubjects(doc);
  if (found.length === 0)
    throw new ReportFormatError(`${context.foundIn} holds no field with an IP address or URL we recognise`);
  const events = found.map((f) => {
    const category = categoryOfLabel(f.label) ?? context.category ?? "other";
    return makeEvent(category, f.subject, parseDate(f.time), {
      found_in: context.foundIn,
      path: f.path.slice(0, 200),
      label: f.label,
      source_category: category === "other" ? f.label : undefined,
    });
  });
  const warnings = truncated
    ? [
        `${context.foundIn} is larger or deeper than we read; only its first ${events.length} entries were taken`,
      ]
    : [];
  return { events, warnings };
}

/** Parses JSON text with the size bound of the XARF reader. */
export function readJson(textValue: string): unknown {
  if (textValue.length > 16 * 1024 * 1024) throw new ReportFormatError("JSON larger than 16 MB");
  try {
    return JSON.parse(textValue.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new ReportFormatError(`not valid JSON: ${(e as Error).message.slice(0, 120)}`);
  }
}

/** An XML document as a tree (no DOCTYPE, no entities: see xml.ts). */
export function readXmlTree(textValue: string): unknown {
  return readXml(textValue);
}
