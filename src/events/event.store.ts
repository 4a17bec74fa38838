/**
 * Storage of events: a report's events stored with one COPY (a 100,000-row feed in about a second), and
 * the queries the routes present.
 */
import { isIP } from "node:net";
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
  sql,
  type Transaction,
} from "kysely";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import { copyField, copyInto } from "../db/copy.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";
import type { ParsedEvent, Subject } from "../parsers/types.ts";
import type { Resolved, StoredEvent } from "../pipeline.ts";
import type { Category } from "../taxonomy.ts";
import type { EventRow } from "./present.ts";

/** Rows per chunk of COPY text: encoded while PostgreSQL stores the chunk before. */
const CHUNK = 1_000;

export interface EventInsertContext {
  reportId: number;
  receivedAt: Date;
  /** Called after each batch with the number of events stored so far. */
  onProgress?: (stored: number, total: number) => void;
}

/** A JSON value as a COPY field: JSON escapes every control character, so only its backslashes need doubling. */
function copyJson(value: unknown): string {
  const json = pgJson(value);
  return json.includes("\\") ? json.replaceAll("\\", "\\\\") : json;
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

/** What the pipeline decided for each event, in the events' order. */
export interface EventOutcomes {
  resolved: readonly (Resolved & { brand_id: string | null })[];
  caseIds: readonly (number | null)[];
}

/** The columns insertEvents writes, in the order of its COPY rows. */
const EVENT_COLUMNS = `report_id, received_at, category, kind, subject_ip, subject_port, subject_url, subject_domain,
  subject_email, subject_phone, occurred_at, details, brand_id, customer_id, resolution, resolution_detail, case_id`;

/**
 * Stores the events of one report, complete with their customer and case, with one COPY; answers how many
 * were stored. Ids rise in the events' order (one COPY inserts its rows in order).
 */
export async function insertEvents(
  trx: Transaction<Database>,
  ctx: EventInsertContext,
  events: readonly ParsedEvent[],
  outcomes: EventOutcomes,
): Promise<number> {
  const report = copyField(ctx.reportId);
  const received = copyField(ctx.receivedAt.toISOString());
  // Events of one match share their snapshot object (see the resolver): serialised once.
  const snapshots = new Map<object, string>();
  const snapshot = (detail: Record<string, unknown>) => {
    let json = snapshots.get(detail);
    if (json === undefined) {
      json = copyJson(detail);
      snapshots.set(detail, json);
    }
    return json;
  };
  const line = (i: number): string => {
    const e = events[i]!;
    const r = outcomes.resolved[i]!;
    const s = e.subject;
    return [
      report,
      received,
      e.category,
      e.kind,
      copyField(s.ip),
      copyField(s.port),
      copyField(pgText(s.url)),
      copyField(pgText(s.domain)),
      copyField(pgText(s.email)),
      copyField(pgText(s.phone)),
      copyField(e.occurredAt ? e.occurredAt.toISOString() : null),
      copyJson(e.details ?? {}),
      copyField(r.brand_id),
      copyField(r.customer_id),
      r.resolution,
      snapshot(r.resolution_detail),
      copyField(outcomes.caseIds[i] ?? null),
    ].join("\t");
  };
  function* chunks() {
    for (let start = 0; start < events.length; start += CHUNK) {
      if (start > 0) ctx.onProgress?.(start, events.length);
      const end = Math.min(start + CHUNK, events.length);
      let text = "";
      for (let i = start; i < end; i++) text += `${line(i)}\n`;
      yield text;
    }
  }
  const stored = await copyInto(trx, `copy events (${EVENT_COLUMNS}) from stdin`, chunks());
  if (stored !== events.length) throw new Error(`stored ${stored} of ${events.length} events`);
  ctx.onProgress?.(stored, events.length);
  return stored;
}

/**
 * Writes the pipeline's outcome onto events stored earlier (re-resolution): customer, resolution,
 * snapshot, brand and case, in one statement. A case id of null leaves the event's case as it is.
 */
export async function writeEventOutcomes(
  trx: Transaction<Database>,
  events: readonly (Resolved & { id?: number; brand_id: string | null })[],
  caseIds: readonly (number | null)[],
): Promise<void> {
  const stored = events.flatMap((e, i) =>
    e.id === undefined ? [] : [{ e, id: e.id, caseId: caseIds[i] ?? null }],
  );
  if (stored.length === 0) return;
  await sql`
    update events ev set
      customer_id = v.customer_id,
      resolution = v.resolution,
      resolution_detail = v.detail,
      brand_id = coalesce(v.brand_id, ev.brand_id),
      case_id = coalesce(v.case_id, ev.case_id)
    from unnest(${stored.map((s) => s.id)}::bigint[], ${stored.map((s) => s.e.customer_id)}::text[],
      ${stored.map((s) => s.e.resolution)}::text[], ${stored.map((s) => pgJson(s.e.resolution_detail))}::json[],
      ${stored.map((s) => s.e.brand_id)}::text[], ${stored.map((s) => s.caseId)}::bigint[])
      as v(id, customer_id, resolution, detail, brand_id, case_id)
    where ev.id = v.id`.execute(trx);
}

/** The columns of an event the pipeline works on (re-resolution reads events back with these). */
export const STORED_EVENT_COLUMNS = sql`e.id, e.report_id, e.brand_id, e.category, e.kind,
  host(e.subject_ip) as subject_ip, e.subject_port, e.subject_url, e.subject_domain, e.subject_email,
  e.subject_phone, e.occurred_at, e.received_at`;

export type StoredEventRow = Omit<
  EventRow,
  "customer_id" | "customer_name" | "resolution" | "case_id" | "details"
>;

/** A row of STORED_EVENT_COLUMNS as the pipeline's StoredEvent. */
export function storedEventOf(r: StoredEventRow): StoredEvent {
  const subject: Subject = {};
  if (r.subject_ip !== null) subject.ip = r.subject_ip;
  if (r.subject_port !== null) subject.port = r.subject_port;
  if (r.subject_url !== null) subject.url = r.subject_url;
  if (r.subject_domain !== null) subject.domain = r.subject_domain;
  if (r.subject_email !== null) subject.email = r.subject_email;
  if (r.subject_phone !== null) subject.phone = r.subject_phone;
  return {
    id: Number(r.id),
    report_id: Number(r.report_id),
    brand_id: r.brand_id,
    category: r.category as Category,
    kind: r.kind,
    subject,
    occurred_at: r.occurred_at,
    received_at: r.received_at,
  };
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
  /** Only events of these brands (the reader's scope); undefined: every brand. */
  scope?: BrandScope;
}

export async function listEvents(db: DB, f: EventFilter): Promise<{ rows: EventRow[]; total: number }> {
  // One set of conditions for the page and for the total.
  const matching = (eb: ExpressionBuilder<Database & { e: Database["events"] }, "e">) => {
    const c: Expression<SqlBool>[] = [inBrandScope(f.scope ?? EVERY_BRAND, "e.brand_id")];
    if (f.reportId !== undefined) c.push(eb("e.report_id", "=", f.reportId));
    if (f.caseId !== undefined) c.push(eb("e.case_id", "=", f.caseId));
    if (f.customer !== undefined) c.push(eb("e.customer_id", "=", f.customer));
    if (f.category !== undefined) c.push(eb("e.category", "=", f.category));
    return eb.and(c);
  };
  let q = selectEvents(db, true).where(matching);
  if (f.before !== undefined) q = q.where("e.id", "<", f.before);
  const count = db
    .selectFrom("events as e")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(matching);
  const [rows, total] = await Promise.all([
    q.orderBy("e.id", "desc").limit(f.limit).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as EventRow[], total: Number(total.n) };
}

/** The first `perReport` events of each report, in order; for report pages and lists. */
export async function eventsOfReports(
  db: DB,
  reportIds: number[],
  perReport: number,
  scope: BrandScope = EVERY_BRAND,
): Promise<EventRow[]> {
  if (reportIds.length === 0) return [];
  // Per report, the first events straight from the index (report_id, id): a feed has 100,000.
  const rows = await db
    .selectFrom(sql<{ r: number }>`unnest(${reportIds}::bigint[])`.as("r"))
    .innerJoinLateral(
      (eb) =>
        selectEvents(eb as unknown as Kysely<Database>, true)
          .where(sql<SqlBool>`e.report_id = r.r`) // the column of `unnest(…) as r` is r
          .where(inBrandScope(scope, "e.brand_id"))
          .orderBy("e.id")
          .limit(perReport)
          .as("x"),
      (join) => join.onTrue(),
    )
    .selectAll("x")
    .orderBy("x.report_id")
    .orderBy("x.id")
    .execute();
  return rows as unknown as EventRow[];
}

/** Event counts and the cases touched, per report. */
export async function eventSummaryOfReports(
  db: DB,
  reportIds: number[],
  scope: BrandScope = EVERY_BRAND,
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
    .where(inBrandScope(scope, "events.brand_id"))
    .groupBy("report_id")
    .execute();
  for (const r of rows) out.set(r.report_id, { count: Number(r.n), cases: r.cases.map(Number) });
  return out;
}
