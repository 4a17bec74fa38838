/**
 * Processing a stored report: parse it, store its reporter and events, resolve and group them, and set its
 * state, all in one transaction that holds the report's row lock. A crash halfway leaves nothing behind, so
 * the report is simply processed again; a report processed already is left as it is.
 */

import type { Transaction } from "kysely";
import { brandTimeZone } from "../brands.ts";
import { classifyParsed } from "../classification/intake.ts";
import type { Database } from "../db/schema.ts";
import { insertEvents, unstorableReason } from "../events/event.store.ts";
import { recogniseConversation } from "../messages/inbound.ts";
import { noticeFromMail } from "../ntd/notices.ts";
import { isParseFailure, type ParseHint, type ParseOutcome, parseReport } from "../parsers/index.ts";
import { settleTimes } from "../parsers/times.ts";
import type { ParsedEvent } from "../parsers/types.ts";
import type { PendingEvent } from "../pipeline.ts";
import type { Services } from "../server.ts";
import { mailHeadersOf } from "./envelope.ts";
import { processStreamed } from "./feeds.ts";
import {
  claimReport,
  countAttempt,
  finishReport,
  lockReport,
  type ReportToProcess,
  upsertReporter,
} from "./report.store.ts";

/**
 * More events than `config.maxEventsPerReport` (default 500,000) in one report goes to triage unprocessed:
 * one transaction of millions of rows would hold the desk for minutes. Split such a file, or raise
 * ABUSEDESK_MAX_EVENTS_PER_REPORT.
 */

export interface ProcessOutcome {
  id: number;
  state: "parsed" | "triage" | "processing" | "error";
  /** False when another worker (or an earlier attempt) had processed it already. */
  processedNow: boolean;
  events: number;
  cases: number[];
  triageReason: string | null;
}

export interface ProcessOptions {
  /** Progress of storing a large report's events. */
  onProgress?: (stored: number, total: number) => void;
  /** The report's bytes, when the caller stored them itself just now (they are not read back). */
  raw?: Buffer;
  /**
   * The caller's parse of those bytes, begun while they were being stored (a large feed's parse then costs
   * no time of its own). Used only when its hint is the one the stored report gives; else parsed again.
   */
  parsed?: { hint: ParseHint; outcome: Promise<ParseOutcome> };
}

/** Processes report `id` if it still waits; idempotent and safe to run from several processes at once. */
export async function processReport(
  services: Services,
  id: number,
  opts: ProcessOptions = {},
): Promise<ProcessOutcome> {
  return services.db.transaction().execute(async (trx) => {
    const report = await lockReport(trx, id, opts.raw);
    if (!report) throw new Error(`report ${id} does not exist`);
    return processLocked(services, trx, report, opts);
  });
}

/** Processing of report `reportId` failed; its transaction was rolled back. */
export class ReportProcessingError extends Error {
  constructor(
    readonly reportId: number,
    override readonly cause: unknown,
  ) {
    super(`processing report ${reportId} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "ReportProcessingError";
  }
}

/**
 * A worker's step: takes the oldest waiting report no one else is processing and processes it. Undefined
 * when there is none. A report whose earlier attempts never finished (the process died each time) goes to
 * triage after `maxAttempts`.
 */
export async function processNextReport(
  services: Services,
  opts: { maxAttempts: number },
): Promise<ProcessOutcome | undefined> {
  let claimed: number | undefined;
  try {
    return await services.db.transaction().execute(async (trx) => {
      const report = await claimReport(trx);
      if (!report) return undefined;
      claimed = report.id;
      const attempts = await countAttempt(services.db, report.id);
      if (attempts > opts.maxAttempts) {
        const reason = `processing was cut off ${attempts - 1} times (the process stopped while working on it); a person should look at it`;
        await finishReport(trx, report.id, {
          state: "triage",
          triageReason: reason,
          format: null,
          reporterId: null,
          messageId: report.message_id,
          subject: report.subject,
          missing: [],
          warnings: [],
        });
        return {
          id: report.id,
          state: "triage",
          processedNow: true,
          events: 0,
          cases: [],
          triageReason: reason,
        };
      }
      return processLocked(services, trx, report, {});
    });
  } catch (err) {
    if (claimed !== undefined) throw new ReportProcessingError(claimed, err);
    throw err;
  }
}

async function processLocked(
  services: Services,
  trx: Transaction<Database>,
  report: ReportToProcess,
  opts: ProcessOptions,
): Promise<ProcessOutcome> {
  const id = report.id;
  if (report.state !== "processing") {
    return { id, state: report.state, processedNow: false, events: 0, cases: [], triageReason: null };
  }
  // A large feed stored in chunks: parsed as a stream, stored in batches (src/intake/feeds.ts).
  if (report.streamed) {
    const o = await processStreamed(services, trx, report, (rows) => opts.onProgress?.(rows, 0));
    return {
      id,
      state: o.state,
      processedNow: true,
      events: o.events,
      cases: o.cases,
      triageReason: o.triageReason,
    };
  }
  const conversation = await recogniseConversation(services, trx, report);
  if (conversation) return conversation;
  const headers = mailHeadersOf(report.raw, report.content_type);
  const base = {
    messageId: report.message_id ?? headers.messageId ?? null,
    subject: report.subject ?? headers.subject ?? null,
  };
  const triage = async (reason: string, format: string | null = null, warnings: string[] = []) => {
    await finishReport(trx, id, {
      state: "triage",
      triageReason: reason,
      format,
      reporterId: null,
      missing: [],
      warnings,
      ...base,
    });
    return { id, state: "triage" as const, processedNow: true, events: 0, cases: [], triageReason: reason };
  };

  const limit = services.config.maxEventsPerReport;
  const tooMany = rowsOverLimit(report, limit);
  if (tooMany) return triage(tooMany);

  const hint = hintOf(report);
  const zone = await brandTimeZone(trx, report.brand_id);
  if (zone) hint.timeZone = zone;
  const parsed =
    opts.parsed && sameHint(opts.parsed.hint, hint)
      ? await opts.parsed.outcome
      : await parseReport(report.raw, hint, services.parsing);
  if (isParseFailure(parsed)) return triage(parsed.reason);
  // Mapping rules give sender labels we do not know their category; the rest are counted in /metrics.
  await classifyParsed(trx, services.metrics, parsed);

  // Where each event's time came from, and no time after the receipt (details.time_source).
  const timeWarnings = settleTimes(parsed.events, { sentAt: parsed.sentAt, receivedAt: report.received_at });
  const warnings = [...(parsed.warnings ?? []), ...timeWarnings];
  const events: ParsedEvent[] = [];
  let dropped = 0;
  for (const e of parsed.events) {
    const why = unstorableReason(e);
    if (why === undefined) events.push(e);
    else if (++dropped <= 20) warnings.push(`event ${events.length + dropped} skipped: ${why}`);
  }
  if (dropped > 20) warnings.push(`${dropped} events skipped in total`);
  if (events.length === 0 && dropped === 0 && parsed.informational) {
    // Understood, and nothing to act on by its nature (a DMARC report in which every source passed):
    // parsed, with the reason as its warning; no person needs to look at it.
    await finishReport(trx, id, {
      state: "parsed",
      triageReason: null,
      format: parsed.format,
      reporterId: await upsertReporter(trx, parsed.reporter),
      missing: [],
      warnings: [parsed.informational, ...warnings],
      messageId: report.message_id ?? parsed.messageId ?? headers.messageId ?? null,
      subject: base.subject,
    });
    return { id, state: "parsed", processedNow: true, events: 0, cases: [], triageReason: null };
  }
  if (events.length === 0) {
    return triage(
      `understood as ${parsed.format}, but it holds nothing to act on (no event with an address, URL, domain, e-mail or phone)`,
      parsed.format,
      warnings,
    );
  }
  if (events.length > limit) {
    return triage(tooManyMessage(events.length, limit), parsed.format, warnings);
  }

  const reporterId = await upsertReporter(trx, parsed.reporter);
  // The report is complete before its events are grouped: grouping reads its format and reporter.
  await finishReport(trx, id, {
    state: "parsed",
    triageReason: null,
    format: parsed.format,
    reporterId,
    missing: parsed.missing,
    warnings,
    messageId: report.message_id ?? parsed.messageId ?? headers.messageId ?? null,
    subject: base.subject,
  });
  // Resolve and group first, so that each event is written once, complete.
  const pending: PendingEvent[] = events.map((e) => ({
    report_id: id,
    brand_id: report.brand_id,
    category: e.category,
    kind: e.kind,
    subject: e.subject,
    occurred_at: e.occurredAt,
    received_at: report.received_at,
  }));
  const resolved = await services.pipeline.resolve(trx, pending);
  const caseIds = await services.pipeline.group(trx, resolved);
  const stored = await insertEvents(
    trx,
    {
      reportId: id,
      receivedAt: report.received_at,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    },
    events,
    { resolved, caseIds },
  );
  // A notice about content enters the NTD procedure in this transaction (src/ntd/notices.ts).
  if (events.some((e) => e.kind === "ntd"))
    await noticeFromMail(
      trx,
      { policies: services.policies, messages: services.messages },
      {
        reportId: id,
        channel: report.channel,
        brand: report.brand_id,
        receivedAt: report.received_at,
        reporterId,
        reporter: parsed.reporter,
        events,
        caseIds,
      },
    );
  const cases = caseIds.filter((c): c is number => c !== null);
  return {
    id,
    state: "parsed",
    processedNow: true,
    events: stored,
    cases: [...new Set(cases)],
    triageReason: null,
  };
}

function sameHint(a: ParseHint, b: ParseHint): boolean {
  return (
    a.filename === b.filename &&
    a.contentType === b.contentType &&
    a.format === b.format &&
    a.type === b.type &&
    a.timeZone === b.timeZone
  );
}

/** How a stored report is parsed: its file name, content type and the hint it was submitted with. */
export function hintOf(report: Pick<ReportToProcess, "filename" | "content_type" | "parse_hint">): ParseHint {
  const stored = (report.parse_hint ?? {}) as { format?: unknown; type?: unknown };
  const hint: ParseHint = {};
  if (report.filename) hint.filename = report.filename;
  if (report.content_type) hint.contentType = report.content_type;
  if (typeof stored.format === "string") hint.format = stored.format;
  if (typeof stored.type === "string") hint.type = stored.type;
  return hint;
}

function tooManyMessage(n: number, limit: number): string {
  return `the report has ${n.toLocaleString("en")} rows, more than the ${limit.toLocaleString("en")} one report may hold; split the file into smaller ones and submit those, import it with \`abusedesk ingest FILE\` (which stores and processes a feed of any size in batches), or raise ABUSEDESK_MAX_EVENTS_PER_REPORT`;
}

/** A CSV with more lines than the limit is refused before it is parsed (its events would not fit in memory). */
function rowsOverLimit(report: ReportToProcess, limit: number): string | undefined {
  const raw = report.raw;
  const isZip = raw[0] === 0x50 && raw[1] === 0x4b;
  if (isZip || raw.length < limit * 8) return undefined;
  const hint = (report.parse_hint ?? {}) as { format?: string; type?: string };
  const csv =
    /csv/i.test(report.content_type ?? "") ||
    /\.csv$/i.test(report.filename ?? "") ||
    hint.format === "shadowserver" ||
    hint.type !== undefined;
  if (!csv) return undefined;
  let lines = 0;
  for (let i = raw.indexOf(10); i >= 0; i = raw.indexOf(10, i + 1)) lines++;
  // The header row is not an event.
  return lines - 1 > limit ? tooManyMessage(lines - 1, limit) : undefined;
}
