/**
 * Shadowserver CSV reports, plain or zipped, by file name ("2022-02-24-event4_sinkhole_http-org-asn.csv")
 * or an explicit type. One row is one event. Which column is "our" host depends on the report: `ip` in scan
 * reports, `src_ip` in the 2021+ event reports, `http_referer_ip` in referer reports; in amplification
 * reports `src_ip` is the victim. A report type we do not know is an error, never a silent "other".
 * The row loop is a hand-written splitter that builds events in the same pass: measured (bench/parsers.ts) at
 * about 80,000 rows/s including event building, the speed csv-parse reaches for bare arrays.
 */
import { Unzip, UnzipInflate } from "fflate";
import type { Category } from "../taxonomy.ts";
import { normalizeIp, normalizePort, ReportFormatError, setField } from "./common.ts";
import {
  classifyShadowserverType,
  reportTypeFromColumns,
  reportTypeFromSubject,
} from "./shadowserver-types.ts";
import type { ParsedEvent, ParseResult, Reporter } from "./types.ts";

/** The category of a report type (the table in shadowserver-types.ts, else its family); never throws. */
export function shadowserverCategory(type: string): Category {
  return classifyShadowserverType(type).category;
}

/**
 * The report type from a file name: "<date>-<type>-<org>-<asn|geo|ip|cidr>.csv[.zip]"; failing that, the
 * longest known report name that ends the base name ("intelmq_scan_dns.csv" → scan_dns).
 */
export function reportTypeFromFilename(filename: string): string | undefined {
  const base = (filename.split(/[\\/]/).pop() ?? "").toLowerCase().replace(/(\.csv)?(\.zip)?$/, "");
  const m = /^\d{4}-\d{2}-\d{2}-([a-z0-9_]+)(?:-|$)/.exec(base);
  if (m && classifyShadowserverType(m[1]!).basis !== "unknown") return m[1];
  const words = base.split(/[^a-z0-9]+/).join("_");
  const pieces = words.split("_");
  for (let i = 0; i < pieces.length; i++) {
    const candidate = pieces.slice(i).join("_");
    if (candidate && classifyShadowserverType(candidate).basis !== "unknown") return candidate;
  }
  return m?.[1];
}

export const ZIP_LIMITS = {
  /** Never inflate more than this in total. */
  maxBytes: 512 * 1024 * 1024,
  /** Above `ratioFloor` bytes, more than this many output bytes per input byte is a bomb, not a CSV. */
  maxRatio: 200,
  ratioFloor: 16 * 1024 * 1024,
  maxEntries: 64,
};

export interface CsvFile {
  name: string;
  data: Uint8Array;
}

/**
 * Inflates the CSV files of a zip (or the files whose names `accept` matches), counting real output (the
 * sizes in the zip headers can lie).
 */
export function unzipCsv(zip: Uint8Array, limits = ZIP_LIMITS, accept = /\.(csv|txt)$/i): CsvFile[] {
  const files: CsvFile[] = [];
  let total = 0;
  let entries = 0;
  let failure: string | undefined;
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (++entries > limits.maxEntries) {
      failure = `zip has more than ${limits.maxEntries} entries`;
      return;
    }
    if (!accept.test(file.name)) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = `zip entry ${file.name} is corrupt: ${err.message}`;
        return;
      }
      total += chunk.length;
      if (total > limits.maxBytes || (total > limits.ratioFloor && total > zip.length * limits.maxRatio)) {
        failure = `zip expands past the limit (more than ${Math.round(total / 1024 / 1024)} MB from ${Math.round(zip.length / 1024)} kB): refused as a zip bomb`;
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) files.push({ name: file.name, data: concat(chunks) });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    // Push in slices so that the limit check runs between inflate steps, not after a huge one.
    const step = 4 * 1024;
    for (let i = 0; i < zip.length && !failure; i += step) {
      unzip.push(zip.subarray(i, Math.min(zip.length, i + step)), i + step >= zip.length);
    }
  } catch (e) {
    if (!failure) failure = `zip is unreadable: ${(e as Error).message}`;
  }
  if (failure) throw new ReportFormatError(failure);
  return files;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Splits one CSV line (RFC 4180 quoting, unquoted fields allowed). Returns null for an unterminated quote. */
function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i <= n) {
    if (line.charCodeAt(i) === 34) {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      const comma = line.indexOf(",", i);
      if (comma < 0) break;
      i = comma + 1;
      if (i === n) out.push("");
    } else {
      const comma = line.indexOf(",", i);
      if (comma < 0) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, comma));
      i = comma + 1;
      if (i === n) out.push("");
    }
  }
  return out;
}

/** Iterates rows as arrays; a quoted field may span lines. */
function* csvRows(text: string): Generator<string[]> {
  let pos = 0;
  const n = text.length;
  let pending = "";
  while (pos < n) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = n;
    let line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (pending) line = `${pending}\n${line}`;
    if (!pending && line.length === 0) continue;
    const row = splitCsvLine(line);
    if (row === null) {
      if (line.length > 1_000_000) throw new ReportFormatError("CSV has an unterminated quoted field");
      pending = line;
      continue;
    }
    pending = "";
    yield row;
  }
  if (pending) throw new ReportFormatError("CSV ends inside a quoted field");
}

/** Columns that are "the host this is about", in order of preference, per kind of report. */
function hostColumns(type: string, columns: string[]): { ip: number; port: number } {
  const idx = (names: string[]) => {
    for (const name of names) {
      const i = columns.indexOf(name);
      if (i >= 0) return i;
    }
    return -1;
  };
  if (/sinkhole6?_http_referer/.test(type)) {
    return {
      ip: idx(["http_referer_ip", "src_ip", "ip"]),
      port: idx(["http_referer_port", "src_port", "port"]),
    };
  }
  if (/^(spam_url|phish_url|malware_url)$/.test(type))
    return { ip: idx(["ip", "src_ip"]), port: idx(["port"]) };
  return { ip: idx(["ip", "src_ip"]), port: idx(["port", "src_port"]) };
}

const WEB_TYPES = /compromised_website|phish_url|malware_url|spam_url|http_referer/;

export interface ShadowserverOptions {
  reporter?: Reporter;
  messageId?: string;
  /** Stop collecting warnings after this many (a broken 100k-row file would otherwise flood). */
  maxWarnings?: number;
  /** The subject of the mail it came with: it names the report ("Open SNMP Report") when the file does not. */
  subject?: string;
}

/** Columns that describe where a network is and what it does, not what happened. */
const DESCRIPTIVE_COLUMN = /^(src_|dst_)?(geo|region|city|naics|sector|sic)$/;

/**
 * Fast path for large reports: one pass, no per-row library calls beyond address validation.
 * A type we do not know keeps its rows (see shadowserver-types.ts); ReportFormatError for a file that is
 * not CSV.
 */
export function parseShadowserverCsv(
  data: Buffer | Uint8Array | string,
  type: string,
  options: ShadowserverOptions = {},
): ParseResult {
  return finish(shadowserverCsvSteps(data, type, options));
}

/** Rows parsed between two pauses of a step-wise parse (a few milliseconds of work). */
const ROWS_PER_STEP = 2_000;

/**
 * Runs a step-wise parse to its end without pausing. A step-wise parse (a generator that yields between
 * slices of its work and returns the result) lets an async caller give the event loop a turn at every
 * pause: a 100,000-row file then does not stop the process's other work (other connections, sending the
 * report's bytes to the database) for a second.
 */
export function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** parseShadowserverCsv, step-wise (see `finish`). */
export function* shadowserverCsvSteps(
  data: Buffer | Uint8Array | string,
  type: string,
  options: ShadowserverOptions = {},
): Generator<void, ParseResult> {
  const text =
    typeof data === "string"
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
  const rows = csvRows(text.replace(/^\uFEFF/, ""));
  const header = rows.next();
  if (header.done) throw new ReportFormatError("Shadowserver CSV is empty");
  const mapper = shadowserverRowMapper(header.value, type);
  const reportType = mapper.reportType;
  const events: ParsedEvent[] = [];
  const warnings: string[] = [];
  let rejected = 0;
  const maxWarnings = options.maxWarnings ?? 20;
  let line = 1;
  for (const row of rows) {
    line++;
    if (line % ROWS_PER_STEP === 0) yield;
    const out = mapper.map(row, line);
    if (typeof out === "string") {
      rejected++;
      if (warnings.length < maxWarnings) warnings.push(out);
      continue;
    }
    events.push(out);
  }
  if (rejected > maxWarnings) warnings.push(`${rejected} rows skipped in total`);
  if (events.length === 0 && rejected > 0)
    throw new ReportFormatError(`Shadowserver ${reportType} CSV: none of its ${rejected} rows is usable`);
  const reporter: Reporter = options.reporter ?? { org: "The Shadowserver Foundation" };
  if (!reporter.org) reporter.org = "The Shadowserver Foundation";
  const result: ParseResult = {
    format: "shadowserver",
    reporter,
    events,
    // An automated feed: complete by construction, except a contact when it came without a mail.
    missing: reporter.email ? [] : ["reporter_contact"],
  };
  if (options.messageId) result.messageId = options.messageId;
  if (warnings.length) result.warnings = warnings;
  return result;
}

/** Turns one data row of a Shadowserver CSV into an event, or says why it was skipped. */
export interface RowMapper {
  reportType: string;
  map(row: readonly string[], line: number): ParsedEvent | string;
}

/**
 * The row mapping of a Shadowserver CSV with these header columns (the type from the caller, the file name
 * or the subject; else the columns decide). Shared by the in-memory parse and the streamed one
 * (src/intake/feeds.ts). ReportFormatError for a header that is not Shadowserver's.
 */
export function shadowserverRowMapper(header: readonly string[], type: string): RowMapper {
  const columns = header.map((c) => c.trim().toLowerCase());
  // No type from the caller, the file name or the subject: the columns say what they can.
  const reportType = type.trim().toLowerCase() || reportTypeFromColumns(columns) || "unknown";
  const typed = classifyShadowserverType(reportType, columns);
  const unknownType = typed.basis === "unknown" ? reportType : undefined;
  if (!columns.includes("timestamp"))
    throw new ReportFormatError("Shadowserver CSV without a timestamp column");
  const { ip: ipCol, port: portCol } = hostColumns(reportType, columns);
  const col = (name: string) => columns.indexOf(name);
  const tsCol = col("timestamp");
  // In referer reports the customer's site is the referring page, not the sinkholed host it linked to.
  const referer = /http_referer/.test(reportType);
  const urlCol = referer ? col("http_referer") : col("url");
  const hostCol = referer
    ? col("http_referer_hostname")
    : col("http_host") >= 0
      ? col("http_host")
      : col("host");
  const hostnameCol = WEB_TYPES.test(reportType) ? col("hostname") : -1;
  if (ipCol < 0 && urlCol < 0)
    throw new ReportFormatError(`Shadowserver ${reportType} CSV has no ip, src_ip or url column`);
  const descriptive = columns.map((c) => DESCRIPTIVE_COLUMN.test(c));
  const kind = "abuse" as const;
  return {
    reportType,
    map(row, line) {
      const rawIp = ipCol >= 0 ? (row[ipCol] ?? "") : "";
      const ip = rawIp ? normalizeIp(rawIp) : undefined;
      let url = urlCol >= 0 ? row[urlCol] || undefined : undefined;
      const host =
        (hostCol >= 0 ? row[hostCol] : undefined) ||
        (hostnameCol >= 0 ? row[hostnameCol] : undefined) ||
        undefined;
      if (url?.startsWith("/") && host) url = `http://${host}${url}`;
      if (url && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = undefined;
      if ((rawIp && !ip) || (!ip && !url))
        return `line ${line}: ${rawIp ? `"${rawIp.slice(0, 60)}" is not an IP address` : "no ip or url"}; row skipped`;
      const ts = row[tsCol] ?? "";
      // The line finds the row in the stored original; descriptive columns (where a network is, its
      // industry) stay there too: a hundred thousand copies of "NOORD-HOLLAND" help no one.
      const details: Record<string, unknown> = { reportType, line };
      if (unknownType) details.source_category = unknownType;
      for (let i = 0; i < columns.length; i++) {
        const v = row[i];
        if (v !== undefined && v !== "" && i !== ipCol && i !== tsCol && !descriptive[i])
          setField(details, columns[i]!, v);
      }
      const subject: { ip?: string; port?: number; url?: string; domain?: string } = {};
      if (ip) subject.ip = ip;
      const port = portCol >= 0 ? normalizePort(row[portCol]) : undefined;
      if (port !== undefined) subject.port = port;
      if (url) subject.url = url;
      if (host && WEB_TYPES.test(reportType) && !normalizeIp(host)) subject.domain = host.toLowerCase();
      const category = typed.perRow ? typed.perRow(row as string[]) : typed.category;
      return { category, kind, subject, occurredAt: shadowserverTime(ts), details };
    },
  };
}

/** "2021-03-04 00:00:00" (always UTC at Shadowserver), parsed without regex per row for speed. */
function shadowserverTime(ts: string): Date | null {
  if (ts.length >= 19 && ts.charCodeAt(4) === 45 && ts.charCodeAt(10) === 32) {
    const t = Date.UTC(
      +ts.slice(0, 4),
      +ts.slice(5, 7) - 1,
      +ts.slice(8, 10),
      +ts.slice(11, 13),
      +ts.slice(14, 16),
      +ts.slice(17, 19),
    );
    return Number.isNaN(t) ? null : new Date(t);
  }
  if (!ts) return null;
  const t = Date.parse(ts.includes("T") || /[zZ]|[+-]\d\d:?\d\d$/.test(ts) ? ts : `${ts.replace(" ", "T")}Z`);
  return Number.isNaN(t) ? null : new Date(t);
}

/** A Shadowserver CSV or zip (bytes, or the text of a CSV) with a type from the caller or the file name. */
export function parseShadowserverFile(
  data: Uint8Array | string,
  hint: { filename?: string; type?: string },
  options: ShadowserverOptions = {},
): ParseResult {
  return finish(shadowserverFileSteps(data, hint, options));
}

/** parseShadowserverFile, step-wise (see `finish`). */
export function* shadowserverFileSteps(
  data: Uint8Array | string,
  hint: { filename?: string; type?: string },
  options: ShadowserverOptions = {},
): Generator<void, ParseResult> {
  const isZip =
    typeof data !== "string" && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  const files: { name: string; data: Uint8Array | string }[] = isZip
    ? unzipCsv(data)
    : [{ name: hint.filename ?? "", data }];
  if (files.length === 0) throw new ReportFormatError("zip holds no CSV file");
  const results: ParseResult[] = [];
  for (const f of files) {
    const type =
      hint.type ??
      reportTypeFromFilename(f.name) ??
      (hint.filename ? reportTypeFromFilename(hint.filename) : undefined) ??
      reportTypeFromSubject(options.subject) ??
      ""; // the columns decide (shadowserverCsvSteps)
    results.push(yield* shadowserverCsvSteps(f.data, type, options));
  }
  const first = results[0]!;
  if (results.length === 1) return first;
  return {
    ...first,
    events: results.flatMap((r) => r.events),
    warnings: results.flatMap((r) => r.warnings ?? []),
  };
}
