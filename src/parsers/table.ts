/**
 * CSV tables that are not one of the named standards: a national CERT's netflow excerpt in a zip, a
 * provider's export with `source_ip;datetime;port`, a spreadsheet saved as CSV. A table is read when its
 * header names an address column (`ip`, `src_ip`, `source_ip`, `source`, ...) or a URL column; times come
 * from a time column (or a date and a time column). Delimiters `,` `;` tab and `|` are recognised.
 * What each row is comes from a label column (`type`, `category`, `infection`, ...), else from the words of
 * the mail it came with, else it is `other` with the label kept.
 */
import { parse as parseCsv } from "csv-parse/sync";
import type { Category } from "../taxonomy.ts";
import { makeEvent, normalizeIp, normalizePort, parseDate, ReportFormatError } from "./common.ts";
import { categoryOfLabel } from "./labels.ts";
import type { ParsedEvent, Subject } from "./types.ts";

/** Rows read from one table (intake refuses a report with more events than ABUSEDESK_MAX_EVENTS_PER_REPORT). */
export const MAX_TABLE_ROWS = 500_000;
/** Lines searched for the header row (some exports start with a title or comments). */
export const HEADER_SEARCH_LINES = 30;
/** Longest row; a longer one is not a row of a report. */
export const MAX_ROW_BYTES = 64 * 1024;

const norm = (h: string) =>
  h
    .trim()
    .replace(/^\uFEFF/, "")
    .replace(/^["']|["']$/g, "")
    .toLowerCase()
    .replace(/[\s./-]+/g, "_");

/** Header names of "the host this is about", in order of preference. */
const ADDRESS_COLUMNS = [
  "src_ip",
  "source_ip",
  "sourceip",
  "srcip",
  "ip",
  "ip_address",
  "ipaddress",
  "ip_addr",
  "src_addr",
  "source_address",
  "src",
  "source",
  "client_ip",
  "attacker_ip",
  "offender_ip",
  "remote_ip",
  "remote_addr",
  "host_ip",
  "saddr",
  "address",
  "addr",
  "host",
];
const URL_COLUMNS = ["url", "uri", "src_url", "link", "malicious_url", "phishing_url", "full_url"];
const DOMAIN_COLUMNS = ["domain", "fqdn", "hostname", "host_name", "http_host"];
const PORT_COLUMNS = ["src_port", "source_port", "sport", "srcport", "port"];
const TIME_COLUMNS = [
  "timestamp",
  "datetime",
  "date_time",
  "time",
  "event_time",
  "first_seen",
  "firstseen",
  "start_time",
  "starttime",
  "seen",
  "last_seen",
  "ts",
  "date",
  "utc",
];
const LABEL_COLUMNS = [
  "type",
  "category",
  "classification",
  "report_type",
  "event_type",
  "threat",
  "infection",
  "malware",
  "attack",
  "attack_type",
  "reason",
  "tag",
  "tags",
];

export interface TableHeader {
  line: number;
  delimiter: string;
  columns: string[];
}

function splitSimple(line: string, delimiter: string): string[] {
  return line.split(delimiter).map(norm);
}

/** The header row of a table: the first line with an address or URL column and at least two columns. */
export function findTableHeader(text: string): TableHeader | undefined {
  const lines = text.slice(0, 256 * 1024).split(/\r?\n/, HEADER_SEARCH_LINES);
  for (const [i, line] of lines.entries()) {
    if (!line.trim() || line.startsWith("#") || line.length > MAX_ROW_BYTES) continue;
    let best: TableHeader | undefined;
    for (const delimiter of [",", ";", "\t", "|"]) {
      const columns = splitSimple(line, delimiter);
      if (columns.length < 2) continue;
      const hasSubject = columns.some((c) => ADDRESS_COLUMNS.includes(c) || URL_COLUMNS.includes(c));
      if (hasSubject && (!best || columns.length > best.columns.length))
        best = { line: i, delimiter, columns };
    }
    if (best) return best;
  }
  return undefined;
}

function firstIndex(columns: readonly string[], names: readonly string[]): number {
  for (const n of names) {
    const i = columns.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/** An address cell: "192.0.2.1", "192.0.2.1:8080", "[2001:db8::1]:443", "2001:db8::1". */
function addressOf(cell: string | undefined): { ip?: string; port?: number } {
  if (!cell) return {};
  const v = cell.trim();
  const ip = normalizeIp(v);
  if (ip) return { ip };
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(v) ?? /^\[([0-9a-f:.]+)\]:(\d{1,5})$/i.exec(v);
  if (m) {
    const withPort = normalizeIp(m[1]);
    const port = normalizePort(m[2]);
    if (withPort) return port !== undefined ? { ip: withPort, port } : { ip: withPort };
  }
  return {};
}

/** Keys a detail object never takes from a stranger's header. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface TableContext {
  /** Where the table was found, for `details.found_in` ("attachment netflow.csv", "table in the body"). */
  foundIn: string;
  /** The category the surrounding mail's words give, used for rows without a label of their own. */
  category?: Category | undefined;
}

/**
 * Events from a table's rows. Throws ReportFormatError when the text has no table header or none of its
 * rows holds an address or URL.
 */
export function parseTable(
  text: string,
  context: TableContext,
): { events: ParsedEvent[]; warnings: string[] } {
  const header = findTableHeader(text);
  if (!header) throw new ReportFormatError("table without a header that names an address or URL column");
  const { columns, delimiter } = header;
  const ipCol = firstIndex(columns, ADDRESS_COLUMNS);
  const urlCol = firstIndex(columns, URL_COLUMNS);
  const domainCol = firstIndex(columns, DOMAIN_COLUMNS);
  const portCol = firstIndex(columns, PORT_COLUMNS);
  const timeCol = firstIndex(columns, TIME_COLUMNS);
  const dateCol = columns.indexOf("date");
  const clockCol = columns.indexOf("time");
  const labelCol = firstIndex(columns, LABEL_COLUMNS);
  const body = text.split(/\r?\n/).slice(header.line).join("\n");
  let rows: string[][];
  try {
    rows = parseCsv(body, {
      delimiter,
      from_line: 2,
      to_line: MAX_TABLE_ROWS + 1,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: MAX_ROW_BYTES,
      comment: "#",
    }) as string[][];
  } catch (e) {
    throw new ReportFormatError(`table is not readable CSV: ${(e as Error).message.slice(0, 160)}`);
  }
  const events: ParsedEvent[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  for (const [i, row] of rows.entries()) {
    const address = ipCol >= 0 ? addressOf(row[ipCol]) : {};
    const url = urlCol >= 0 && /^(https?|ftp):\/\/\S+$/i.test(row[urlCol] ?? "") ? row[urlCol] : undefined;
    const domainCell = domainCol >= 0 ? row[domainCol]?.trim().toLowerCase() : undefined;
    const domain =
      domainCell && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domainCell) && !normalizeIp(domainCell)
        ? domainCell
        : undefined;
    if (!address.ip && !url) {
      if (++skipped <= 5) warnings.push(`row ${i + 2} of the table has no address or URL; skipped`);
      continue;
    }
    const subject: Subject = {};
    if (address.ip) subject.ip = address.ip;
    const port = address.port ?? (portCol >= 0 ? normalizePort(row[portCol]) : undefined);
    if (port !== undefined && subject.ip) subject.port = port;
    if (url) subject.url = url;
    if (domain && !url) subject.domain = domain;
    const occurredAt =
      (timeCol >= 0 ? parseDate(row[timeCol]) : null) ??
      (dateCol >= 0 && clockCol >= 0 ? parseDate(`${row[dateCol]} ${row[clockCol]}`) : null);
    const label = labelCol >= 0 ? row[labelCol]?.trim() || undefined : undefined;
    const category = categoryOfLabel(label) ?? context.category ?? "other";
    const details: Record<string, unknown> = Object.create(null);
    for (const [k, name] of columns.slice(0, 60).entries()) {
      const v = row[k];
      if (v && !UNSAFE_KEYS.has(name) && k !== ipCol) details[name] = v.slice(0, 500);
    }
    details.found_in = context.foundIn;
    details.row = i + 1;
    if (category === "other" && label) details.source_category = label.slice(0, 200);
    events.push(makeEvent(category, subject, occurredAt, details));
  }
  if (skipped > 5) warnings.push(`${skipped} rows of the table had no address or URL`);
  if (events.length === 0)
    throw new ReportFormatError(`table (${context.foundIn}) has no row with an address or URL`);
  return { events, warnings };
}
