/**
 * The durable report store: a report is one row holding the raw bytes and their SHA-256, committed before
 * any door acknowledges it. The same bytes are one report; the queue of reports still to be processed is
 * the table itself (state 'processing'), taken with SKIP LOCKED under a lease so no two workers process one.
 */
import { createHash } from "node:crypto";
import { type Expression, type ExpressionBuilder, type SqlBool, sql, type Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";
import type { Reporter } from "../parsers/types.ts";

/** Woken by every stored report that a worker should process. */
export const REPORT_CHANNEL = "abusedesk_report";

export type Channel = "smtp" | "imap" | "file" | "api" | "form" | "authority" | "collector";

export interface ParseHintStored {
  format?: string;
  type?: string;
}

export interface NewReport {
  raw: Buffer;
  channel: Channel;
  receivedAt?: Date;
  mailFrom?: string | null;
  rcptTo?: string[];
  brandId?: string | null;
  contentType?: string | null;
  filename?: string | null;
  messageId?: string | null;
  subject?: string | null;
  hint?: ParseHintStored;
  /** Tell the workers at once (the door does not process it itself). */
  wake?: boolean;
  /** Who backfilled it with an explicit received_at: written to the audit log. */
  backfilledBy?: Actor;
}

export interface StoredReportRef {
  id: number;
  duplicate: boolean;
}

export function sha256Hex(raw: Buffer): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** Commits the report (or finds the one with the same bytes). Only after this returns may a door say yes. */
export async function storeReport(db: DB, r: NewReport): Promise<StoredReportRef> {
  const sha256 = sha256Hex(r.raw);
  const values = {
    channel: r.channel,
    received_at: r.receivedAt ?? new Date(),
    sha256,
    raw: r.raw,
    size: r.raw.length,
    content_type: pgText(r.contentType ?? null)?.slice(0, 200) ?? null,
    filename: pgText(r.filename ?? null)?.slice(0, 500) ?? null,
    mail_from: pgText(r.mailFrom ?? null)?.slice(0, 500) ?? null,
    rcpt_to: (r.rcptTo ?? []).map((a) => pgText(a).slice(0, 500)),
    brand_id: r.brandId ?? null,
    message_id: pgText(r.messageId ?? null)?.slice(0, 500) ?? null,
    subject: pgText(r.subject ?? null)?.slice(0, 1000) ?? null,
    parse_hint: pgJson(r.hint ?? {}),
  };
  const insert = async (q: DB | Transaction<Database>) => {
    // One statement: the insert and the wake-up commit together (NOTIFY is delivered on commit).
    const res = await sql<{ id: number }>`
      with ins as (
        insert into reports (channel, received_at, sha256, raw, size, content_type, filename, mail_from,
          rcpt_to, brand_id, message_id, subject, parse_hint)
        values (${values.channel}, ${values.received_at}, ${values.sha256}, ${values.raw}, ${values.size},
          ${values.content_type}, ${values.filename}, ${values.mail_from}, ${values.rcpt_to}::text[],
          ${values.brand_id}, ${values.message_id}, ${values.subject}, ${values.parse_hint}::jsonb)
        on conflict (sha256) do nothing
        returning id)
      select id, ${r.wake ? sql`pg_notify(${REPORT_CHANNEL}, id::text)` : sql`null`} as notified from ins`.execute(
      q,
    );
    return res.rows[0]?.id;
  };
  let id: number | undefined;
  if (r.backfilledBy) {
    const by = r.backfilledBy;
    id = await db.transaction().execute(async (trx) => {
      const made = await insert(trx);
      if (made !== undefined) {
        await appendAudit(trx, {
          actor: by.name,
          action: "report.backfill",
          subjectType: "report",
          subjectId: made,
          details: { received_at: values.received_at.toISOString(), sha256 },
        });
      }
      return made;
    });
  } else {
    id = await insert(db);
  }
  if (id !== undefined) return { id, duplicate: false };
  // The same bytes were stored before (or by a concurrent door that has committed by now).
  const existing = await db
    .selectFrom("reports")
    .select("id")
    .where("sha256", "=", sha256)
    .executeTakeFirst();
  if (!existing) throw new Error("report with this SHA-256 neither inserted nor found");
  return { id: existing.id, duplicate: true };
}

/** What processing needs of a report. */
export interface ReportToProcess {
  id: number;
  raw: Buffer;
  state: "processing" | "parsed" | "triage" | "error";
  channel: Channel;
  brand_id: string | null;
  received_at: Date;
  content_type: string | null;
  filename: string | null;
  message_id: string | null;
  subject: string | null;
  parse_hint: unknown;
  /** The bytes are in report_chunks (src/intake/feeds.ts). */
  streamed: boolean;
}

function selectToProcess(trx: Transaction<Database>, withRaw = true) {
  return trx
    .selectFrom("reports")
    .$if(withRaw, (q) => q.select("raw"))
    .select([
      "id",
      "state",
      "channel",
      "brand_id",
      "received_at",
      "content_type",
      "filename",
      "message_id",
      "subject",
      "parse_hint",
      "streamed",
    ]);
}

/**
 * Locks the report row for the rest of the transaction, waiting for whoever holds it. A caller that has
 * the raw bytes in hand (it stored them just now) passes them, sparing a read of many megabytes.
 */
export async function lockReport(
  trx: Transaction<Database>,
  id: number,
  raw?: Buffer,
): Promise<ReportToProcess | undefined> {
  const row = await selectToProcess(trx, raw === undefined)
    .where("id", "=", id)
    // FOR NO KEY UPDATE: a streamed feed's batches insert events that reference the row meanwhile.
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) return undefined;
  return (raw === undefined ? row : { ...row, raw }) as ReportToProcess;
}

/**
 * Takes the oldest report waiting to be processed that no one is processing now, and locks it for the
 * rest of the transaction: a report being processed is skipped by every other worker, and a crash releases
 * it at once.
 */
export async function claimReport(trx: Transaction<Database>): Promise<ReportToProcess | undefined> {
  return (await selectToProcess(trx)
    .where("state", "=", "processing")
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", sql<Date>`now()`)]))
    .orderBy("id")
    .limit(1)
    .forNoKeyUpdate()
    .skipLocked()
    .executeTakeFirst()) as ReportToProcess | undefined;
}

/**
 * Counts an attempt to process a report, committed at once on its own connection (the processing
 * transaction may be rolled back by a crash): a report that kills its process every time is noticed.
 */
export async function countAttempt(db: DB, id: number): Promise<number> {
  const res = await sql<{ attempts: number }>`
    insert into report_attempts (report_id, attempts) values (${id}, 1)
    on conflict (report_id) do update set attempts = report_attempts.attempts + 1, last_started_at = now()
    returning attempts`.execute(db);
  return res.rows[0]!.attempts;
}

/** Processing failed (the transaction is gone): retry later, or give it to a person after `maxAttempts`. */
export async function recordFailure(
  db: DB,
  id: number,
  message: string,
  opts: { maxAttempts: number; retryAfterSeconds: number },
): Promise<"retry" | "triage"> {
  const error = pgText(message).slice(0, 2000);
  const res = await sql<{ state: string }>`
    update reports r set
      last_error = ${error},
      next_attempt_at = now() + make_interval(secs => ${opts.retryAfterSeconds} * coalesce(a.attempts, 1)),
      state = case when a.attempts >= ${opts.maxAttempts} then 'triage' else r.state end,
      triage_reason = case when a.attempts >= ${opts.maxAttempts}
        then ${`processing failed ${opts.maxAttempts} times; the last error: ${error}`} else r.triage_reason end
    from (select ${id}::bigint as id) x
    left join report_attempts a on a.report_id = x.id
    where r.id = x.id and r.state = 'processing'
    returning r.state`.execute(db);
  return res.rows[0]?.state === "triage" ? "triage" : "retry";
}

/** Finds or makes the reporter: by e-mail address, else by organisation. */
export async function upsertReporter(trx: Transaction<Database>, r: Reporter): Promise<number | null> {
  const email = pgText(r.email)?.toLowerCase().slice(0, 320) ?? null;
  const name = pgText(r.name)?.slice(0, 300) ?? null;
  const org = pgText(r.org)?.slice(0, 300) ?? null;
  if (email) {
    const res = await sql<{ id: number }>`
      insert into reporters (email, name, org) values (${email}, ${name}, ${org})
      on conflict (email) where email is not null
      do update set name = coalesce(reporters.name, excluded.name), org = coalesce(reporters.org, excluded.org)
      returning id`.execute(trx);
    return res.rows[0]!.id;
  }
  if (org) {
    const res = await sql<{ id: number }>`
      insert into reporters (email, name, org) values (null, ${name}, ${org})
      on conflict (org) where email is null and org is not null
      do update set name = coalesce(reporters.name, excluded.name)
      returning id`.execute(trx);
    return res.rows[0]!.id;
  }
  return null;
}

export interface ReportOutcome {
  state: "parsed" | "triage";
  triageReason: string | null;
  format: string | null;
  reporterId: number | null;
  messageId: string | null;
  subject: string | null;
  missing: string[];
  warnings: string[];
}

export async function finishReport(trx: Transaction<Database>, id: number, o: ReportOutcome): Promise<void> {
  await trx
    .updateTable("reports")
    .set({
      state: o.state,
      triage_reason: o.state === "triage" ? pgText(o.triageReason ?? "no reason given").slice(0, 2000) : null,
      format: o.format,
      reporter_id: o.reporterId,
      message_id: pgText(o.messageId)?.slice(0, 500) ?? null,
      subject: pgText(o.subject)?.slice(0, 1000) ?? null,
      missing: o.missing.map((m) => pgText(m)),
      warnings: o.warnings.slice(0, 100).map((w) => pgText(w).slice(0, 500)),
      next_attempt_at: null,
      last_error: null,
      processed_at: new Date(),
    })
    .where("id", "=", id)
    .execute();
}

/** A report as the API shows it (without its events and raw bytes). */
export interface ReportRow {
  id: number;
  channel: Channel;
  received_at: Date;
  sha256: string;
  size: number;
  content_type: string | null;
  filename: string | null;
  mail_from: string | null;
  rcpt_to: string[];
  brand_id: string | null;
  message_id: string | null;
  subject: string | null;
  format: string | null;
  state: "processing" | "parsed" | "triage" | "error";
  triage_reason: string | null;
  missing: string[];
  warnings: string[];
  attempts: number;
  /** A feed stored in chunks (src/intake/feeds.ts), and the rows its batches have done. */
  streamed: boolean;
  rows_done: number | null;
  last_error: string | null;
  processed_at: Date | null;
  reporter_id: number | null;
  reporter_email: string | null;
  reporter_name: string | null;
  reporter_org: string | null;
}

function selectReports(db: DB) {
  return db
    .selectFrom("reports as r")
    .leftJoin("reporters as p", "p.id", "r.reporter_id")
    .leftJoin("report_attempts as a", "a.report_id", "r.id")
    .leftJoin("report_progress as g", "g.report_id", "r.id")
    .select([
      "r.id",
      "r.channel",
      "r.received_at",
      "r.sha256",
      "r.size",
      "r.content_type",
      "r.filename",
      "r.mail_from",
      "r.rcpt_to",
      "r.brand_id",
      "r.message_id",
      "r.subject",
      "r.format",
      "r.state",
      "r.triage_reason",
      "r.missing",
      "r.warnings",
      sql<number>`coalesce(a.attempts, 0)`.as("attempts"),
      "r.streamed",
      sql<number | null>`g.rows_done::float8`.as("rows_done"),
      "r.last_error",
      "r.processed_at",
      "r.reporter_id",
      "p.email as reporter_email",
      "p.name as reporter_name",
      "p.org as reporter_org",
    ]);
}

/** One report; undefined when there is none, or none within the reader's brands. */
export async function getReport(
  db: DB,
  id: number,
  scope: BrandScope = EVERY_BRAND,
): Promise<ReportRow | undefined> {
  return (await selectReports(db)
    .where("r.id", "=", id)
    .where(inBrandScope(scope, "r.brand_id"))
    .executeTakeFirst()) as ReportRow | undefined;
}

export interface ReportFilter {
  state?: ReportRow["state"];
  messageId?: string;
  brand?: string;
  channel?: Channel;
  before?: number;
  limit: number;
  /** Only reports to these brands (the reader's scope); undefined: every brand. */
  scope?: BrandScope;
}

export async function listReports(db: DB, f: ReportFilter): Promise<{ rows: ReportRow[]; total: number }> {
  // One set of conditions for the page and for the total.
  const matching = (eb: ExpressionBuilder<Database & { r: Database["reports"] }, "r">) => {
    const c: Expression<SqlBool>[] = [inBrandScope(f.scope ?? EVERY_BRAND, "r.brand_id")];
    if (f.state) c.push(eb("r.state", "=", f.state));
    if (f.messageId) c.push(eb("r.message_id", "=", f.messageId));
    if (f.brand) c.push(eb("r.brand_id", "=", f.brand));
    if (f.channel) c.push(eb("r.channel", "=", f.channel));
    return eb.and(c);
  };
  let q = selectReports(db).where(matching);
  if (f.before !== undefined) q = q.where("r.id", "<", f.before);
  const count = db
    .selectFrom("reports as r")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(matching);
  const [rows, total] = await Promise.all([
    q.orderBy("r.id", "desc").limit(f.limit).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as ReportRow[], total: Number(total.n) };
}

export async function getRaw(
  db: DB,
  id: number,
  scope: BrandScope = EVERY_BRAND,
): Promise<{ raw: Buffer; filename: string | null; sha256: string; streamed: boolean } | undefined> {
  return db
    .selectFrom("reports")
    .select(["raw", "filename", "sha256", "streamed"])
    .where("id", "=", id)
    .where(inBrandScope(scope, "reports.brand_id"))
    .executeTakeFirst();
}

/** The brand whose abuse address this is, if any. */
export async function brandOfAddress(db: DB, address: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("brand_addresses")
    .select("brand_id")
    .where("address", "=", address.toLowerCase())
    .executeTakeFirst();
  return row?.brand_id;
}

export async function brandExists(db: DB, id: string): Promise<boolean> {
  return Boolean(await db.selectFrom("brands").select("id").where("id", "=", id).executeTakeFirst());
}
