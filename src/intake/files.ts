/**
 * File import (`abusedesk ingest`): a file becomes one report, or one per message of an mbox. Each is
 * stored and processed like a report from the API; what became of it is returned for the command to print.
 */
import { open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Services } from "../server.ts";
import { fileKindOf, splitMbox } from "./envelope.ts";
import { isStreamable, storeFeedFile } from "./feeds.ts";
import { reportDetail, submitReport } from "./ingest.ts";
import { processReport } from "./process.ts";
import type { ParseHintStored } from "./report.store.ts";

/** Larger files are refused: split them (a 100,000-row Shadowserver CSV is ~30 MB). */
export const FILE_MAX_BYTES = 256 * 1024 * 1024;

export interface ReportResult {
  id: number;
  duplicate: boolean;
  state: "processing" | "parsed" | "triage" | "error";
  events: number;
  cases: number[];
  triageReason: string | null;
}

export interface FileResult {
  file: string;
  kind: string;
  reports: ReportResult[];
  /** Why the file could not be read or stored (nothing of it was stored then). */
  error?: string;
}

export interface IngestOptions {
  type?: string;
  format?: string;
  brand?: string;
  /** Progress within one file: events stored of a large report, or messages of an mbox. */
  onProgress?: (done: number, total: number, unit: "events" | "messages") => void;
}

export async function ingestFile(
  services: Services,
  file: string,
  opts: IngestOptions = {},
): Promise<FileResult> {
  const name = path.basename(file);
  let raw: Buffer;
  try {
    const st = await stat(file);
    if (st.isDirectory())
      return { file, kind: "folder", reports: [], error: "is a folder; name the files in it" };
    // A large feed goes in chunks and is processed in batches: no size in memory, resumable.
    if (isStreamable(name, await headOf(file), st.size, services.config.streamThreshold))
      return await ingestFeed(services, file, name, opts);
    if (st.size > FILE_MAX_BYTES) {
      return {
        file,
        kind: "file",
        reports: [],
        error: `is ${Math.round(st.size / 1024 / 1024)} MB, more than the ${FILE_MAX_BYTES / 1024 / 1024} MB one file may be; split it`,
      };
    }
    raw = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES"
          ? "cannot be read (permission denied)"
          : (err as Error).message;
    return { file, kind: "file", reports: [], error: why };
  }
  if (raw.length === 0) return { file, kind: "file", reports: [], error: "is empty" };

  const kind = fileKindOf(name, raw);
  const hint: ParseHintStored = {};
  if (opts.type) hint.type = opts.type;
  if (opts.format) hint.format = opts.format;
  const contentType =
    kind === "mail" || kind === "mbox"
      ? "message/rfc822"
      : kind === "csv"
        ? "text/csv"
        : kind === "zip"
          ? "application/zip"
          : kind === "json"
            ? "application/json"
            : null;
  const messages = kind === "mbox" ? splitMbox(raw) : [raw];
  if (kind === "mbox" && messages.length === 0) {
    return { file, kind, reports: [], error: 'holds no messages (no line starting with "From ")' };
  }
  const reports: ReportResult[] = [];
  try {
    for (const [i, msg] of messages.entries()) {
      const detail = await submitReport(
        services,
        {
          raw: msg,
          channel: "file",
          contentType,
          filename: kind === "mbox" ? `${name}#${i + 1}` : name,
          brandId: opts.brand ?? null,
          hint,
        },
        {
          eventLimit: 0,
          ...(opts.onProgress && kind !== "mbox"
            ? { onProgress: (done: number, total: number) => opts.onProgress?.(done, total, "events") }
            : {}),
        },
      );
      reports.push({
        id: detail.row.id,
        duplicate: detail.duplicate,
        state: detail.row.state,
        events: detail.eventCount,
        cases: detail.cases,
        triageReason: detail.row.triage_reason,
      });
      if (kind === "mbox") opts.onProgress?.(i + 1, messages.length, "messages");
    }
  } catch (err) {
    return { file, kind, reports, error: `could not be stored: ${(err as Error).message}` };
  }
  return { file, kind, reports };
}

async function headOf(file: string): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A large CSV feed: stored as it is read, then processed in batches here (a worker resumes it if we die). */
async function ingestFeed(
  services: Services,
  file: string,
  name: string,
  opts: IngestOptions,
): Promise<FileResult> {
  const hint: ParseHintStored = { format: "shadowserver" };
  if (opts.type) hint.type = opts.type;
  let stored: { id: number; duplicate: boolean };
  try {
    stored = await storeFeedFile(services, file, {
      channel: "file",
      filename: name,
      brandId: opts.brand ?? null,
      hint,
      contentType: /\.gz$/i.test(name) ? "application/gzip" : "text/csv",
    });
  } catch (err) {
    return { file, kind: "feed", reports: [], error: `could not be stored: ${(err as Error).message}` };
  }
  let known: { count: number; cases: number[] } | undefined;
  if (!stored.duplicate) {
    const outcome = await processReport(services, stored.id, {
      onProgress: (done) => opts.onProgress?.(done, 0, "events"),
    });
    if (outcome.processedNow) known = { count: outcome.events, cases: outcome.cases };
  }
  const detail = await reportDetail(services.db, stored.id, stored.duplicate, 0, known);
  if (!detail) return { file, kind: "feed", reports: [], error: "vanished after it was stored" };
  return {
    file,
    kind: "feed",
    reports: [
      {
        id: detail.row.id,
        duplicate: detail.duplicate,
        state: detail.row.state,
        events: detail.eventCount,
        cases: detail.cases,
        triageReason: detail.row.triage_reason,
      },
    ],
  };
}

/** One line saying what became of a file. */
export function describeFileResult(r: FileResult): string {
  if (r.error && r.reports.length === 0) return `${r.file}: error: ${r.error}`;
  if (r.reports.length === 1 && !r.error) {
    const p = r.reports[0]!;
    return `${r.file}: ${describeReport(p)}`;
  }
  const n = (k: (p: ReportResult) => boolean) => r.reports.filter(k).length;
  const fresh = r.reports.filter((p) => !p.duplicate);
  const events = fresh.reduce((s, p) => s + p.events, 0);
  const cases = new Set(fresh.flatMap((p) => p.cases));
  const parts = [
    `${n((p) => !p.duplicate && p.state === "parsed")} parsed (${events.toLocaleString("en")} events in ${cases.size.toLocaleString("en")} cases)`,
    `${n((p) => !p.duplicate && p.state === "triage")} in triage`,
    `${n((p) => p.duplicate)} duplicate`,
  ];
  const processing = n((p) => !p.duplicate && p.state === "processing");
  if (processing) parts.push(`${processing} stored, processing failed (a worker retries)`);
  return `${r.file}: ${r.reports.length} messages: ${parts.join(", ")}${r.error ? `; then error: ${r.error}` : ""}`;
}

/** A report's cases: their numbers when a few, else how many (a feed fills hundreds). */
const CASE_IDS_SHOWN = 5;

function describeReport(p: ReportResult): string {
  const n = (k: number) => k.toLocaleString("en");
  const cases =
    p.cases.length === 0
      ? ", no case"
      : p.cases.length <= CASE_IDS_SHOWN
        ? `, ${p.cases.length === 1 ? "case" : "cases"} ${p.cases.join(", ")}`
        : ` in ${n(p.cases.length)} cases`;
  if (p.duplicate) return `duplicate of report ${p.id} (${p.state}, ${p.events} events)`;
  if (p.state === "triage") return `report ${p.id}: triage: ${p.triageReason}`;
  if (p.state === "processing")
    return `report ${p.id}: stored, but processing failed; a worker will retry it`;
  return `report ${p.id}: ${n(p.events)} ${p.events === 1 ? "event" : "events"}${cases}`;
}
