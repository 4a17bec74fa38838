/**
 * Intake through a door that waits for the outcome (API, `abusedesk ingest`): store durably, then process
 * at once. When processing fails the report stays stored in state 'processing' and a worker retries it;
 * the caller is still told it was received.
 */

import { type BrandScope, EVERY_BRAND } from "../auth/scope.ts";
import { brandTimeZone } from "../brands.ts";
import type { DB } from "../db/index.ts";
import { eventSummaryOfReports, eventsOfReports } from "../events/event.store.ts";
import type { EventRow } from "../events/present.ts";
import { parseReport } from "../parsers/index.ts";
import type { Services } from "../server.ts";
import { mailHeadersOf } from "./envelope.ts";
import { hintOf, type ProcessOptions, processReport } from "./process.ts";
import {
  getReport,
  listReports,
  type NewReport,
  type ReportFilter,
  type ReportRow,
  recordFailure,
  storeReport,
} from "./report.store.ts";

/** A report with (the first of) its events, as the report routes present it. */
export interface ReportDetail {
  row: ReportRow;
  duplicate: boolean;
  events: EventRow[];
  eventCount: number;
  cases: number[];
}

/** How many events a report answer carries; the rest are at GET /api/v1/events?report_id=. */
export const EVENTS_IN_REPORT = 1000;

export async function reportDetail(
  db: DB,
  id: number,
  duplicate = false,
  eventLimit = EVENTS_IN_REPORT,
  /** The event count and cases, when the caller has just processed the report (not counted again). */
  known?: { count: number; cases: number[] },
  /** The reader's brands: a report outside them is not found, and its events outside them are left out. */
  scope: BrandScope = EVERY_BRAND,
): Promise<ReportDetail | undefined> {
  const row = await getReport(db, id, scope);
  if (!row) return undefined;
  const [events, summary] = await Promise.all([
    eventsOfReports(db, [id], eventLimit, scope),
    known && scope === EVERY_BRAND ? new Map([[id, known]]) : eventSummaryOfReports(db, [id], scope),
  ]);
  const s = summary.get(id);
  return { row, duplicate, events, eventCount: s?.count ?? 0, cases: s?.cases ?? [] };
}

/** Stores the report and processes it; the answer is its state afterwards (see ReportDetail). */
export async function submitReport(
  services: Services,
  input: NewReport,
  opts: ProcessOptions & { eventLimit?: number } = {},
): Promise<ReportDetail> {
  const headers = mailHeadersOf(input.raw, input.contentType);
  const storing = storeReport(services.db, {
    ...input,
    messageId: input.messageId ?? headers.messageId ?? null,
    subject: input.subject ?? headers.subject ?? null,
  });
  // Parse while PostgreSQL stores the bytes: one turn of the event loop hands the insert to its socket;
  // the parse pauses between slices of a large file, and the rest of the bytes go out in those pauses.
  // A duplicate's parse is thrown away; a failed store throws below as it would have (the catch here
  // only keeps a quick failure from counting as unhandled while the parse runs).
  storing.catch(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  const hint = hintOf({
    filename: input.filename ?? null,
    content_type: input.contentType ?? null,
    parse_hint: input.hint ?? {},
  });
  // The same hint processReport makes: times people write without a zone are read in the brand's.
  const zone = await brandTimeZone(services.db, input.brandId ?? null);
  if (zone) hint.timeZone = zone;
  const parsed = { hint, outcome: parseReport(input.raw, hint, services.parsing) };
  const ref = await storing;
  let known: { count: number; cases: number[] } | undefined;
  if (!ref.duplicate) {
    try {
      const outcome = await processReport(services, ref.id, { ...opts, raw: input.raw, parsed });
      if (outcome.processedNow) known = { count: outcome.events, cases: outcome.cases.sort((a, b) => a - b) };
    } catch (err) {
      // Stored is stored: a worker takes it again. The submitter sees state "processing".
      services.log.error(
        { err, report: ref.id },
        "processing a submitted report failed; a worker will retry",
      );
      await recordFailure(services.db, ref.id, (err as Error).message ?? String(err), {
        maxAttempts: WORKER.maxAttempts,
        retryAfterSeconds: WORKER.retryAfterSeconds,
      }).catch((e) => services.log.error({ err: e, report: ref.id }, "could not record the failure"));
    }
  }
  const detail = await reportDetail(services.db, ref.id, ref.duplicate, opts.eventLimit, known);
  if (!detail) throw new Error(`report ${ref.id} vanished after it was stored`);
  return detail;
}

/** How workers retry. */
export const WORKER = {
  /** After a failure, wait this long before the next attempt. */
  retryAfterSeconds: 30,
  /** Then it goes to triage with the last error. */
  maxAttempts: 5,
};

/** A page of reports with their first events (lists show a few; the report page shows more). */
export async function findReports(
  db: DB,
  filter: ReportFilter,
  eventsPerReport = 10,
): Promise<{ items: ReportDetail[]; total: number }> {
  const { rows, total } = await listReports(db, filter);
  const ids = rows.map((r) => r.id);
  const [events, summary] = await Promise.all([
    eventsOfReports(db, ids, eventsPerReport, filter.scope ?? EVERY_BRAND),
    eventSummaryOfReports(db, ids, filter.scope ?? EVERY_BRAND),
  ]);
  const byReport = new Map<number, EventRow[]>();
  for (const e of events) {
    const list = byReport.get(e.report_id);
    if (list) list.push(e);
    else byReport.set(e.report_id, [e]);
  }
  const items = rows.map((row) => ({
    row,
    duplicate: false,
    events: byReport.get(row.id) ?? [],
    eventCount: summary.get(row.id)?.count ?? 0,
    cases: summary.get(row.id)?.cases ?? [],
  }));
  return { items, total };
}
