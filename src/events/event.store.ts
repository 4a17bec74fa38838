/**
 * Storage of events: the bulk insert of a report's events (one statement per batch of many thousand rows,
 * arrays unnested on the server, so a 100,000-row feed is a handful of round trips), and the queries the
 * routes present.
 */
import { isIP } from "node:net";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import type { ParsedEvent } from "../parsers/types.ts";
import type { StoredEvent } from "../pipeline.ts";
import type { Category, Kind } from "../taxonomy.ts";
import type { EventRow } from "./present.ts";

/** Rows per INSERT: large enough to amortise the round trip, small enough to keep one statement's memory modest. */
const BATCH = 20_000;

/** Text PostgreSQL accepts: no NUL character, no lone surrogate (both are refused by text and jsonb). */
export function pgText(s: string): string;
export function pgText(s: string | undefined | null): string | null;
export function pgText(s: string | undefined | null): string | null {
  if (s === undefined || s === null) return null;
  const out = (s.includes("\0") ? s.replaceAll("\0", "") : s) as string & WellFormed;
  return out.isWellFormed() ? out : out.toWellFormed();
}

/** ES2024 string methods (Node 20 has them; the project's lib is ES2023). */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** JSON that jsonb accepts: JSON.stringify writes NUL and lone surrogates as escapes jsonb refuses. */
export function pgJson(value: unknown): string {
  const s = JSON.stringify(value) ?? "{}";
  if (!/\\u(0000|d[89a-f])/i.test(s)) return s;
  return JSON.stringify(value, (_k, v) => (typeof v === "string" ? pgText(v) : v)) ?? "{}";
}

export interface EventInsertContext {
  reportId: number;
  brandId: string | null;
  receivedAt: Date;
  /** Called after each batch with the number of events stored so far. */
  onProgress?: (stored: number, total: number) => void;
}

/** Why an event cannot be stored as it is (the table's checks would refuse the whole report). */
export function unstorableReason(e: ParsedEvent): string | undefined {
  const s = e.subject;
  if (!s.ip && !s.url && !s.domain && !s.email && !s.phone)
    return "it has no subject (ip, url, domain, e-mail or phone)";
  if (s.ip && !isIP(s.ip)) return `"${s.ip.slice(0, 60)}" is not an IP address`;
  if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 0 && s.port <= 65535))
    return `port ${String(s.port).slice(0, 20)} is out of range`;
  if (e.occurredAt && Number.isNaN(e.occurredAt.getTime())) return "its time is not a valid date";
  return undefined;
}

/** Inserts the events of one report in batches; returns them as the pipeline wants them, in order. */
export async function insertEvents(
  trx: Transaction<Database>,
  ctx: EventInsertContext,
  events: ParsedEvent[],
): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (let start = 0; start < events.length; start += BATCH) {
    const batch = events.slice(start, start + BATCH);
    const n = batch.length;
    // One JSON document per batch: JSON.stringify is native and json_to_recordset is the cheapest way in
    // we measured (cheaper than unnest of ten arrays, whose literals pg must escape element by element).
    const rows = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = batch[i]!;
      const s = e.subject;
      rows[i] = {
        c: e.category,
        k: e.kind,
        ip: s.ip ?? null,
        p: s.port ?? null,
        u: s.url ?? null,
        d: s.domain ?? null,
        e: s.email ?? null,
        ph: s.phone ?? null,
        o: e.occurredAt ? e.occurredAt.toISOString() : null,
        x: e.details,
      };
    }
    const doc = pgJson(rows);
    // The ids come back in insert order: `with ordinality` + `order by` makes that order the batch's.
    const res = await sql<{ id: number }>`
      insert into events (report_id, brand_id, received_at, category, kind, subject_ip, subject_port,
        subject_url, subject_domain, subject_email, subject_phone, occurred_at, details)
      select ${ctx.reportId}::bigint, ${ctx.brandId}::text, ${ctx.receivedAt.toISOString()}::timestamptz,
        r.c, r.k, r.ip::inet, r.p, r.u, r.d, r.e, r.ph, r.o, coalesce(r.x, '{}')
      from rows from (json_to_recordset(${doc}::json) as (c text, k text, ip text, p integer, u text, d text,
        e text, ph text, o timestamptz, x jsonb)) with ordinality as r(c, k, ip, p, u, d, e, ph, o, x, n)
      order by r.n
      returning id`.execute(trx);
    if (res.rows.length !== n) throw new Error(`stored ${res.rows.length} of ${n} events`);
    for (let i = 0; i < n; i++) {
      const e = batch[i]!;
      stored.push({
        id: res.rows[i]!.id,
        report_id: ctx.reportId,
        brand_id: ctx.brandId,
        category: e.category as Category,
        kind: e.kind as Kind,
        subject: e.subject,
        occurred_at: e.occurredAt,
        received_at: ctx.receivedAt,
      });
    }
    ctx.onProgress?.(stored.length, events.length);
  }
  // A single-batch order guarantee is not a multi-row one: check the ids rise, as the order by makes them.
  for (let i = 1; i < stored.length; i++) {
    if (stored[i]!.id <= stored[i - 1]!.id) throw new Error("event ids came back out of order");
  }
  return stored;
}

/** The base query of every event list: events with their customer's name. */
export function selectEvents(db: Kysely<Database>, withDetails: boolean) {
  return db
    .selectFrom("events as e")
    .leftJoin("customers as c", "c.id", "e.customer_id")
    .select([
      "e.id",
      "e.report_id",
      "e.brand_id",
      "e.category",
      "e.kind",
      sql<string | null>`host(e.subject_ip)`.as("subject_ip"),
      "e.subject_port",
      "e.subject_url",
      "e.subject_domain",
      "e.subject_email",
      "e.subject_phone",
      "e.occurred_at",
      "e.received_at",
      "e.customer_id",
      "c.name as customer_name",
      "e.resolution",
      "e.case_id",
    ])
    .$if(withDetails, (q) => q.select("e.details"));
}

export interface EventFilter {
  reportId?: number;
  caseId?: number;
  customer?: string;
  category?: string;
  /** Only events with an id below this (the cursor: lists run newest first). */
  before?: number;
  limit: number;
}

export async function listEvents(db: DB, f: EventFilter): Promise<{ rows: EventRow[]; total: number }> {
  let q = selectEvents(db, true);
  let count = db.selectFrom("events as e").select((eb) => eb.fn.countAll<number>().as("n"));
  if (f.reportId !== undefined) {
    q = q.where("e.report_id", "=", f.reportId);
    count = count.where("e.report_id", "=", f.reportId);
  }
  if (f.caseId !== undefined) {
    q = q.where("e.case_id", "=", f.caseId);
    count = count.where("e.case_id", "=", f.caseId);
  }
  if (f.customer !== undefined) {
    q = q.where("e.customer_id", "=", f.customer);
    count = count.where("e.customer_id", "=", f.customer);
  }
  if (f.category !== undefined) {
    q = q.where("e.category", "=", f.category);
    count = count.where("e.category", "=", f.category);
  }
  if (f.before !== undefined) q = q.where("e.id", "<", f.before);
  const [rows, total] = await Promise.all([
    q.orderBy("e.id", "desc").limit(f.limit).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as EventRow[], total: Number(total.n) };
}

/** The first `perReport` events of each report, in order; for report pages and lists. */
export async function eventsOfReports(db: DB, reportIds: number[], perReport: number): Promise<EventRow[]> {
  if (reportIds.length === 0) return [];
  const rows = await db
    .selectFrom((eb) =>
      selectEvents(eb as unknown as Kysely<Database>, true)
        .select(sql<number>`row_number() over (partition by e.report_id order by e.id)`.as("rn"))
        .where("e.report_id", "in", reportIds)
        .as("x"),
    )
    .selectAll()
    .where("x.rn", "<=", perReport)
    .orderBy("x.report_id")
    .orderBy("x.id")
    .execute();
  return rows as unknown as EventRow[];
}

/** Event counts and the cases touched, per report. */
export async function eventSummaryOfReports(
  db: DB,
  reportIds: number[],
): Promise<Map<number, { count: number; cases: number[] }>> {
  const out = new Map<number, { count: number; cases: number[] }>();
  if (reportIds.length === 0) return out;
  const rows = await db
    .selectFrom("events")
    .select([
      "report_id",
      (eb) => eb.fn.countAll<number>().as("n"),
      sql<number[]>`coalesce(array_agg(distinct case_id) filter (where case_id is not null), '{}')`.as(
        "cases",
      ),
    ])
    .where("report_id", "in", reportIds)
    .groupBy("report_id")
    .execute();
  for (const r of rows) out.set(r.report_id, { count: Number(r.n), cases: r.cases.map(Number) });
  return out;
}
