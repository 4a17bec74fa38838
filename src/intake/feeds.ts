/**
 * Feeds of any size (issue 10): a large Shadowserver CSV (plain or gzip) is stored as it comes, in chunks
 * of at most CHUNK_BYTES (`report_chunks`), and is acknowledged only when its last chunk is stored; it is
 * then parsed as a stream and its events stored in batches of `streamBatchRows` rows, each batch one
 * transaction that also moves the report's progress on (`report_progress`). Memory stays flat whatever the
 * size; a crash resumes after the last committed batch, so every row is stored once. The report shows
 * `processing` with its progress until the last batch, then its totals.
 *
 * While a worker processes a streamed report it holds the report row FOR NO KEY UPDATE (other workers skip
 * it; the batches' events may still reference it) in a transaction that finishes the report at the end.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse as csvParse } from "csv-parse";
import { sql, type Transaction } from "kysely";
import { classifyParsed } from "../classification/intake.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { insertEvents, unstorableReason } from "../events/event.store.ts";
import { ReportFormatError } from "../parsers/common.ts";
import { reportTypeFromFilename, shadowserverRowMapper } from "../parsers/shadowserver.ts";
import { reportTypeFromSubject } from "../parsers/shadowserver-types.ts";
import { MAX_ROW_BYTES } from "../parsers/table.ts";
import { settleTimes } from "../parsers/times.ts";
import type { ParsedEvent, ParseResult } from "../parsers/types.ts";
import type { PendingEvent } from "../pipeline.ts";
import type { Services } from "../server.ts";
import type { Channel, ParseHintStored, ReportOutcome, ReportToProcess } from "./report.store.ts";
import { finishReport, REPORT_CHANNEL, upsertReporter } from "./report.store.ts";

/** Bytes per stored chunk. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
/** A streamed upload that never finished is removed after this long. */
export const ABANDONED_UPLOAD_HOURS = 24;
/** Warnings kept on a streamed report (a broken 5,000,000-row file would otherwise flood). */
const MAX_WARNINGS = 20;

export interface FeedLimits {
  /** Most bytes a feed may have as received (and, gunzipped, 8 times that). */
  maxBytes: number;
  /** Most rows a feed may have. */
  maxRows: number;
  /** Rows per batch (one transaction each). */
  batchRows: number;
}

export function feedLimits(config: Services["config"]): FeedLimits {
  return { maxBytes: config.maxFeedBytes, maxRows: config.maxFeedRows, batchRows: config.streamBatchRows };
}

/** Whether a file should be streamed: large, and a CSV (plain or gzip) by its name or its first bytes. */
export function isStreamable(name: string, head: Buffer, size: number, threshold: number): boolean {
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  // A gzipped CSV is always read as a stream: its size says nothing about what it holds.
  if (gzip && /\.csv\.gz$/i.test(name)) return true;
  if (size <= threshold) return false;
  return gzip || /\.csv(\.gz)?$/i.test(name) || /^\uFEFF?"?timestamp"?,/i.test(head.toString("utf8", 0, 64));
}

// ---------------------------------------------------------------------------------------------------
// Storing

export interface StreamedMeta {
  channel: Channel;
  filename: string;
  brandId: string | null;
  hint: ParseHintStored;
  contentType?: string;
  subject?: string | null;
}

/**
 * Stores a feed as it comes: the report row first (invisible to workers), then each chunk, then the
 * digest and size, which make it visible (and wake the workers when `wake`). The same bytes stored before
 * make it a duplicate of that report (this upload is removed).
 */
export async function storeStreamedReport(
  db: DB,
  source: AsyncIterable<Buffer | Uint8Array>,
  meta: StreamedMeta,
  limits: Pick<FeedLimits, "maxBytes">,
  opts: { wake?: boolean } = {},
): Promise<{ id: number; duplicate: boolean; size: number }> {
  const placeholder = randomBytes(32).toString("hex");
  const { id, received_at } = await db
    .insertInto("reports")
    .values({
      channel: meta.channel,
      sha256: placeholder,
      raw: Buffer.alloc(0),
      size: 0,
      content_type: meta.contentType ?? "text/csv",
      filename: meta.filename.slice(0, 500),
      brand_id: meta.brandId,
      subject: meta.subject?.slice(0, 1000) ?? null,
      parse_hint: JSON.stringify(meta.hint),
      streamed: true,
      // Not for the workers until the last byte is stored.
      next_attempt_at: sql<Date>`'infinity'::timestamptz`,
    })
    .returning(["id", "received_at"])
    .executeTakeFirstOrThrow();
  const hash = createHash("sha256");
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await db.insertInto("report_chunks").values({ report_id: id, seq: seq++, data, received_at }).execute();
  };
  try {
    for await (const piece of source) {
      const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
      size += buf.length;
      if (size > limits.maxBytes)
        throw new ReportFormatError(
          `the feed is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MB (ABUSEDESK_MAX_FEED_BYTES); split it`,
        );
      hash.update(buf);
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
  } catch (err) {
    await db.deleteFrom("reports").where("id", "=", id).execute();
    throw err;
  }
  const sha256 = hash.digest("hex");
  const duplicateOf = async () => {
    const known = await db.selectFrom("reports").select("id").where("sha256", "=", sha256).executeTakeFirst();
    if (!known) return undefined;
    await db.deleteFrom("reports").where("id", "=", id).execute();
    return { id: known.id, duplicate: true, size };
  };
  const before = await duplicateOf();
  if (before) return before;
  try {
    await sql`
      with done as (
        update reports set sha256 = ${sha256}, size = ${size}, next_attempt_at = null where id = ${id} returning id)
      select ${opts.wake ? sql`pg_notify(${REPORT_CHANNEL}, id::text)` : sql`null`} from done`.execute(db);
  } catch (err) {
    // The same bytes, uploaded at the same time, finished first: this upload is a duplicate of that one.
    if ((err as { code?: string }).code === "23505") {
      const meanwhile = await duplicateOf();
      if (meanwhile) return meanwhile;
    }
    await db.deleteFrom("reports").where("id", "=", id).execute();
    throw err;
  }
  return { id, duplicate: false, size };
}

/** Streams a file from disk into storeStreamedReport. */
export function fileSource(file: string): AsyncIterable<Buffer> {
  return createReadStream(file, { highWaterMark: 1024 * 1024 });
}

/** Removes streamed uploads that never finished (the process died while receiving). */
export async function removeAbandonedUploads(db: DB): Promise<number> {
  const res = await sql`delete from reports where streamed and next_attempt_at = 'infinity'
    and received_at < now() - make_interval(hours => ${ABANDONED_UPLOAD_HOURS})`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Processing

/** The stored chunks of a report, one at a time (at most CHUNK_BYTES in memory). */
export async function* chunksOf(db: DB, reportId: number): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom("report_chunks")
      .select("data")
      .where("report_id", "=", reportId)
      .where("seq", "=", seq)
      .executeTakeFirst();
    if (!row) return;
    yield Buffer.from(row.data);
  }
}

/** Counts gunzipped bytes and refuses a stream that inflates past the feed ceiling. */
async function* inflate(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  const input = Readable.from(source);
  const gunzip = createGunzip();
  input.on("error", (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  let total = 0;
  for await (const piece of gunzip as AsyncIterable<Buffer>) {
    total += piece.length;
    if (total > maxBytes) {
      gunzip.destroy();
      throw new ReportFormatError(
        `the gzip feed expands past ${Math.round(maxBytes / 1024 / 1024)} MB: refused as a bomb`,
      );
    }
    yield piece;
  }
}

/** The rows of a stored feed as CSV records, header first; bounded row size. */
async function* recordsOf(db: DB, reportId: number, maxBytes: number): AsyncGenerator<string[]> {
  const chunks = chunksOf(db, reportId);
  const first = await chunks.next();
  if (first.done) throw new ReportFormatError("the feed is empty");
  async function* all() {
    yield first.value as Buffer;
    yield* chunks;
  }
  const gzip = first.value[0] === 0x1f && first.value[1] === 0x8b;
  const bytes = gzip ? inflate(all(), maxBytes * 8) : all();
  const parser = Readable.from(bytes).pipe(
    csvParse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_ROW_BYTES }),
  );
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (err) {
    if (err instanceof ReportFormatError) throw err;
    throw new ReportFormatError(`the feed is not a readable CSV: ${(err as Error).message}`);
  }
}

async function progressOf(db: DB, reportId: number) {
  const row = await db
    .selectFrom("report_progress")
    .selectAll()
    .where("report_id", "=", reportId)
    .executeTakeFirst();
  return {
    rows: Number(row?.rows_done ?? 0),
    events: Number(row?.events ?? 0),
    rejected: Number(row?.rejected ?? 0),
  };
}

export interface StreamOutcome {
  state: "parsed" | "triage";
  events: number;
  cases: number[];
  triageReason: string | null;
}

/**
 * Processes a streamed report held by `trx` (FOR NO KEY UPDATE): resumes after the rows already done,
 * stores each batch in its own transaction with the progress, and finishes the report in `trx`.
 */
export async function processStreamed(
  services: Services,
  trx: Transaction<Database>,
  report: ReportToProcess,
  onProgress?: (rows: number) => void,
): Promise<StreamOutcome> {
  const { db } = services;
  const limits = feedLimits(services.config);
  const hint = (report.parse_hint ?? {}) as ParseHintStored;
  const type =
    hint.type ??
    reportTypeFromFilename(report.filename ?? "") ??
    reportTypeFromSubject(report.subject ?? undefined) ??
    "";
  const done = await progressOf(db, report.id);
  /** The failure of the batch in flight, if it failed. */
  const failed: { err?: unknown } = {};
  let inflight: Promise<void> = Promise.resolve();
  const warnings: string[] = [];
  const cases = new Set<number>();
  let events = done.events;
  let rejected = done.rejected;
  const reporterId = await upsertReporter(trx, { org: "The Shadowserver Foundation" });
  const finish = async (o: Pick<ReportOutcome, "state" | "triageReason">, format: string | null) => {
    await finishReport(trx, report.id, {
      ...o,
      format,
      reporterId: format ? reporterId : null,
      messageId: report.message_id,
      subject: report.subject,
      missing: [],
      warnings,
    });
  };
  try {
    const records = recordsOf(db, report.id, limits.maxBytes);
    const header = await records.next();
    if (header.done) throw new ReportFormatError("the feed is empty");
    const mapper = shadowserverRowMapper(header.value, type);
    let line = 1;
    let batch: ParsedEvent[] = [];
    let batchEnd = done.rows;
    let batchRejected = 0;
    // One batch is stored while the next is parsed (the database and the parser each keep a core busy);
    // a batch starts only when the one before it has committed, so progress moves on in order and a crash
    // resumes after the last committed batch. The failure of a batch in flight is kept and thrown at the
    // next await, never left as an unhandled rejection.
    const settle = async () => {
      await inflight;
      if (failed.err !== undefined) throw failed.err;
    };
    const store = async () => {
      await settle();
      const taken = { events: batch, rowsDone: batchEnd, rejected: batchRejected };
      batch = [];
      batchRejected = 0;
      inflight = storeBatch(services, report, taken.events, taken).then(
        (stored) => {
          for (const c of stored.cases) cases.add(c);
          events += stored.events;
          rejected += taken.rejected;
          onProgress?.(taken.rowsDone);
        },
        (err: unknown) => {
          failed.err = err ?? new Error("a batch failed");
        },
      );
    };
    for await (const row of records) {
      line++;
      const rowIndex = line - 1; // data rows counted from 1
      if (rowIndex <= done.rows) continue; // stored before a crash
      if (rowIndex > limits.maxRows)
        throw new ReportFormatError(
          `the feed has more than ${limits.maxRows.toLocaleString("en")} rows (ABUSEDESK_MAX_FEED_ROWS); split it`,
        );
      const out = mapper.map(row, line);
      if (typeof out === "string") {
        batchRejected++;
        if (warnings.length < MAX_WARNINGS) warnings.push(out);
      } else batch.push(out);
      batchEnd = rowIndex;
      if (batch.length + batchRejected >= limits.batchRows) await store();
    }
    if (batch.length + batchRejected > 0) await store();
    await settle();
    if (events === 0)
      throw new ReportFormatError(
        rejected > 0
          ? `Shadowserver ${mapper.reportType} CSV: none of its ${rejected} rows is usable`
          : "the feed has a header and no rows",
      );
    if (rejected > MAX_WARNINGS) warnings.push(`${rejected} rows skipped in total`);
    await finish({ state: "parsed", triageReason: null }, "shadowserver");
    return { state: "parsed", events, cases: [...cases].sort((a, b) => a - b), triageReason: null };
  } catch (err) {
    // A batch still in flight commits (or fails) before the report is finished; its failure wins.
    await inflight;
    const cause = failed.err ?? err;
    if (!(cause instanceof ReportFormatError)) throw cause;
    const reason =
      events > 0
        ? `${cause.message} (after ${events.toLocaleString("en")} events were stored)`
        : cause.message;
    await finish({ state: "triage", triageReason: reason }, events > 0 ? "shadowserver" : null);
    return { state: "triage", events, cases: [...cases], triageReason: reason };
  }
}

/** One batch: resolved, grouped and stored with the report's progress, in one transaction. */
async function storeBatch(
  services: Services,
  report: ReportToProcess,
  parsed: ParsedEvent[],
  progress: { rowsDone: number; rejected: number },
): Promise<{ events: number; cases: number[] }> {
  settleTimes(parsed, { sentAt: undefined, receivedAt: report.received_at });
  const events = parsed.filter((e) => unstorableReason(e) === undefined);
  return services.db.transaction().execute(async (trx) => {
    const result: ParseResult = {
      format: "shadowserver",
      reporter: { org: "The Shadowserver Foundation" },
      events,
      missing: [],
    };
    await classifyParsed(trx, services.metrics, result);
    const pending: PendingEvent[] = events.map((e) => ({
      report_id: report.id,
      brand_id: report.brand_id,
      category: e.category,
      kind: e.kind,
      subject: e.subject,
      occurred_at: e.occurredAt,
      received_at: report.received_at,
    }));
    const resolved = await services.pipeline.resolve(trx, pending);
    const caseIds = await services.pipeline.group(trx, resolved);
    const stored = await insertEvents(trx, { reportId: report.id, receivedAt: report.received_at }, events, {
      resolved,
      caseIds,
    });
    await sql`
      insert into report_progress (report_id, rows_done, events, rejected) values
        (${report.id}, ${progress.rowsDone}, ${stored}, ${progress.rejected})
      on conflict (report_id) do update set rows_done = excluded.rows_done,
        events = report_progress.events + excluded.events,
        rejected = report_progress.rejected + excluded.rejected, updated_at = now()`.execute(trx);
    return { events: stored, cases: [...new Set(caseIds.filter((c): c is number => c !== null))] };
  });
}

/** Streams a file on disk into a report (see storeStreamedReport). */
export async function storeFeedFile(
  services: Services,
  file: string,
  meta: StreamedMeta,
  opts: { wake?: boolean } = {},
) {
  return storeStreamedReport(services.db, fileSource(file), meta, feedLimits(services.config), opts);
}
