/**
 * The SQL of conversation: the outbox and inbound messages, the facts a message is composed from, the
 * sender's queue (SKIP LOCKED), acknowledgement decisions on reports, and portal links. Only SQL here;
 * the decisions are in outbox.ts, inbound.ts and policy.ts.
 */

import type { Selectable } from "kysely";
import { type Kysely, sql, type Transaction } from "kysely";
import { type BrandScope, inBrandScope } from "../auth/scope.ts";
import type { Database, MessageFailure, MessageParty, MessageState, MessagesTable } from "../db/schema.ts";
import { pgJson, pgText } from "../db/text.ts";

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

export interface NewMessage {
  direction: "out" | "in";
  party: MessageParty;
  brandId: string | null;
  caseId: number | null;
  reportId?: number | null;
  actionId?: number | null;
  reporterId?: number | null;
  template: string | null;
  language: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  body: string | null;
  messageId: string;
  inReplyTo?: string | null;
  refs?: string[];
  state: MessageState;
  context?: Record<string, unknown>;
  composed: boolean;
  meets?: string[];
  actor: string;
  failure?: MessageFailure | null;
  lastError?: string | null;
}

/** Writes a message; undefined when the same decision wrote it already (one per step, one per report). */
export async function insertMessage(trx: Db, m: NewMessage): Promise<number | undefined> {
  const res = await trx
    .insertInto("messages")
    .values({
      direction: m.direction,
      party: m.party,
      brand_id: m.brandId,
      case_id: m.caseId,
      report_id: m.reportId ?? null,
      action_id: m.actionId ?? null,
      reporter_id: m.reporterId ?? null,
      template: m.template,
      language: m.language,
      from_address: pgText(m.from)?.slice(0, 500) ?? null,
      to_addresses: m.to.map((a) => pgText(a).slice(0, 320)),
      subject: pgText(m.subject)?.slice(0, 1000) ?? null,
      body: pgText(m.body),
      message_id: pgText(m.messageId).slice(0, 250),
      in_reply_to: pgText(m.inReplyTo ?? null)?.slice(0, 250) ?? null,
      refs: (m.refs ?? []).map((r) => pgText(r).slice(0, 250)),
      state: m.state,
      context: pgJson(m.context ?? {}),
      composed_at: m.composed ? new Date() : null,
      meets: m.meets ?? [],
      actor: m.actor,
      failure: m.failure ?? null,
      last_error: pgText(m.lastError ?? null),
      failed_at: m.state === "failed" ? new Date() : null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return res?.id;
}

/** A message as its table holds it. */
export type MessageRow = Selectable<MessagesTable>;

/** Queued messages not yet composed, locked (composing happens in a transaction of its own). */
export async function lockUncomposed(trx: Trx, limit: number) {
  return trx
    .selectFrom("messages")
    .selectAll()
    .where("state", "=", "queued")
    .where("composed_at", "is", null)
    .orderBy("id")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * Composed messages due to be sent that nobody else is sending, locked for the rest of the transaction,
 * with what sending needs (the brand's name, whether the case is gagged now). A process that dies while
 * sending releases them at once; the next sends the very same messages again.
 */
export async function lockDueBatch(trx: Trx, limit: number) {
  return trx
    .selectFrom("messages as m")
    .leftJoin("cases as c", "c.id", "m.case_id")
    .leftJoin("brands as b", "b.id", "m.brand_id")
    .selectAll("m")
    .select(["c.gag as case_gag", "b.name as brand_name"])
    .where("m.state", "=", "queued")
    .where("m.composed_at", "is not", null)
    .where("m.next_attempt_at", "<=", sql<Date>`now()`)
    .orderBy("m.next_attempt_at")
    .orderBy("m.id")
    .limit(limit)
    .forUpdate("m")
    .skipLocked()
    .execute();
}
export type DueMessage = Awaited<ReturnType<typeof lockDueBatch>>[number];

/** The outcome of many sends, written with one statement. */
export async function writeOutcomes(
  trx: Db,
  rows: readonly {
    id: number;
    state: MessageState;
    failure: MessageFailure | null;
    error: string | null;
    response: string | null;
    attempts: number;
    nextAttemptAt: Date;
    body: string | null;
  }[],
) {
  if (rows.length === 0) return;
  await sql`
    update messages m set state = v.state, failure = v.failure, last_error = v.last_error,
      relay_response = coalesce(v.relay_response, m.relay_response), attempts = v.attempts,
      next_attempt_at = v.next_attempt_at, body = coalesce(v.body, m.body),
      sent_at = case when v.state = 'sent' then now() else m.sent_at end,
      failed_at = case when v.state = 'failed' then now() else m.failed_at end
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.state)}::text[],
      ${rows.map((r) => r.failure)}::text[], ${rows.map((r) => (r.error === null ? null : pgText(r.error).slice(0, 2000)))}::text[],
      ${rows.map((r) => (r.response === null ? null : pgText(r.response).slice(0, 1000)))}::text[],
      ${rows.map((r) => r.attempts)}::int[], ${rows.map((r) => r.nextAttemptAt.toISOString())}::timestamptz[],
      ${rows.map((r) => (r.body === null ? null : pgText(r.body)))}::text[])
      as v(id, state, failure, last_error, relay_response, attempts, next_attempt_at, body)
    where m.id = v.id`.execute(trx);
}

export async function setState(
  trx: Db,
  id: number,
  change: {
    state: MessageState;
    failure?: MessageFailure | null;
    error?: string | null;
    response?: string | null;
    attempts?: number;
    nextAttemptAt?: Date;
    body?: string;
  },
) {
  const now = new Date();
  await trx
    .updateTable("messages")
    .set({
      state: change.state,
      failure: change.state === "failed" ? (change.failure ?? "gave_up") : null,
      last_error: change.error === undefined ? undefined : pgText(change.error)?.slice(0, 2000),
      relay_response: change.response === undefined ? undefined : pgText(change.response)?.slice(0, 1000),
      ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
      ...(change.nextAttemptAt ? { next_attempt_at: change.nextAttemptAt } : {}),
      ...(change.state === "sent" ? { sent_at: now } : {}),
      ...(change.state === "failed" ? { failed_at: now } : {}),
      ...(change.body !== undefined ? { body: pgText(change.body) } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** Held messages become due now; answers how many. */
export async function releaseHeld(db: Db, ids?: readonly number[]): Promise<number> {
  let q = db
    .updateTable("messages")
    .set({ state: "queued", next_attempt_at: new Date(), attempts: 0 })
    .where("state", "=", "held");
  if (ids) q = q.where("id", "in", ids.length ? [...ids] : [0]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------------
// Facts for composing

export async function brandRow(db: Db, brandId: string) {
  const brand = await db.selectFrom("brands").selectAll().where("id", "=", brandId).executeTakeFirst();
  if (!brand) return undefined;
  const addresses = await db
    .selectFrom("brand_addresses")
    .select(["address", "purpose"])
    .where("brand_id", "=", brandId)
    .orderBy("address")
    .execute();
  // The abuse address people write to: abuse@ first, then any address for abuse.
  const abuse =
    addresses.find((a) => a.purpose === "abuse" && a.address.startsWith("abuse@")) ??
    addresses.find((a) => a.purpose === "abuse") ??
    addresses[0];
  return { ...brand, abuse_address: abuse?.address ?? null };
}

export async function caseRow(db: Db, caseId: number) {
  return db
    .selectFrom("cases as c")
    .leftJoin("customers as cu", "cu.id", "c.customer_id")
    .select([
      "c.id",
      "c.brand_id",
      "c.customer_id",
      "c.category",
      "c.kind",
      "c.state",
      "c.opened_at",
      "c.gag",
      "c.event_count",
      "c.subject_count",
      "cu.name as customer_name",
      "cu.contact_emails",
      "cu.language as customer_language",
    ])
    .where("c.id", "=", caseId)
    .executeTakeFirst();
}

export async function caseEvents(db: Db, caseId: number, limit: number) {
  return db
    .selectFrom("events")
    .select([
      "category",
      "occurred_at",
      "received_at",
      "subject_ip",
      "subject_port",
      "subject_url",
      "subject_domain",
      "subject_email",
      "subject_phone",
      "details",
      "report_id",
    ])
    .where("case_id", "=", caseId)
    .orderBy("occurred_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * The reporters of a case's reports (scanning at most `scan` events), with their report and whether they
 * got an acknowledgement (people we talk to).
 */
export async function caseReporters(db: Db, caseId: number, scan = 5000) {
  const { rows } = await sql<{
    report_id: number;
    reporter_id: number | null;
    email: string | null;
    name: string | null;
    org: string | null;
    kind: string | null;
    received_at: Date;
    subject: string | null;
    acknowledgement: string | null;
    message_id: string | null;
  }>`
    select r.id as report_id, r.reporter_id, p.email, p.name, p.org, p.kind, r.received_at, r.subject,
      r.acknowledgement, r.message_id
    from (select distinct report_id from (select report_id from events where case_id = ${caseId} limit ${scan}) e) e
    join reports r on r.id = e.report_id
    left join reporters p on p.id = r.reporter_id
    order by r.id`.execute(db);
  return rows;
}

export async function actionRow(db: Db, actionId: number) {
  return db.selectFrom("actions").selectAll().where("id", "=", actionId).executeTakeFirst();
}

export async function openDeadline(db: Db, caseId: number, names: readonly string[]) {
  if (names.length === 0) return undefined;
  return db
    .selectFrom("case_deadlines")
    .select(["name", "due_at", "source"])
    .where("case_id", "=", caseId)
    .where("name", "in", [...names])
    .where("met_at", "is", null)
    .orderBy("due_at")
    .limit(1)
    .executeTakeFirst();
}

/** Earlier messages with this party on this case, newest first (for In-Reply-To and References). */
export async function threadOf(db: Db, caseId: number, party: MessageParty, limit = 10) {
  return db
    .selectFrom("messages")
    .select(["message_id", "direction", "party"])
    .where("case_id", "=", caseId)
    .where("party", "=", party)
    .where("state", "!=", "failed")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Marks clocks met (only those still running), and keeps the cases' queue order right. */
export async function meetDeadlines(trx: Db, caseIds: readonly number[], names: readonly string[]) {
  if (caseIds.length === 0 || names.length === 0) return;
  await sql`update case_deadlines set met_at = now()
    where case_id = any(${[...caseIds]}::bigint[]) and name = any(${[...names]}::text[]) and met_at is null`.execute(
    trx,
  );
}

/** Users who get supervisor escalations: supervisors (and admins), not disabled. */
export async function supervisorAddresses(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom("users")
    .select("email")
    .where("role", "in", ["supervisor", "admin"])
    .where("disabled_at", "is", null)
    .orderBy("id")
    .limit(50)
    .execute();
  return rows.map((r) => r.email);
}

// ---------------------------------------------------------------------------------------------------
// Acknowledgements

/** Reports whose acknowledgement is still to be decided (processed, not being processed), locked. */
export async function lockReportsToAcknowledge(trx: Trx, limit: number) {
  return trx
    .selectFrom("reports as r")
    .leftJoin("reporters as p", "p.id", "r.reporter_id")
    .select([
      "r.id",
      "r.channel",
      "r.state",
      "r.format",
      "r.brand_id",
      "r.received_at",
      "r.subject",
      "r.message_id",
      "r.missing",
      "r.mail_from",
      "r.rcpt_to",
      "r.reporter_id",
      "p.email as reporter_email",
      "p.name as reporter_name",
      "p.org as reporter_org",
      "p.kind as reporter_kind",
      sql<Buffer>`substring(r.raw from 1 for 65536)`.as("head"),
    ])
    .where("r.acknowledgement", "is", null)
    .where("r.state", "!=", "processing")
    .orderBy("r.id")
    .limit(limit)
    .forUpdate("r")
    .skipLocked()
    .execute();
}

export async function setAcknowledgement(
  trx: Db,
  reportId: number,
  value: "written" | "not_needed" | "inbound",
) {
  await trx.updateTable("reports").set({ acknowledgement: value }).where("id", "=", reportId).execute();
}

/** The cases a report's events went to, and the subjects it named (bounded). */
export async function casesOfReport(db: Db, reportId: number) {
  const { rows } = await sql<{ case_id: number | null; subject: string | null }>`
    select case_id, coalesce(subject_url, host(subject_ip), subject_domain, subject_email, subject_phone) as subject
    from events where report_id = ${reportId} order by id limit 1000`.execute(db);
  const cases: number[] = [];
  const subjects: string[] = [];
  for (const r of rows) {
    if (r.case_id !== null && !cases.includes(r.case_id)) cases.push(r.case_id);
    if (r.subject && !subjects.includes(r.subject) && subjects.length < 50) subjects.push(r.subject);
  }
  return { cases, subjects };
}

export async function upsertReporterByEmail(trx: Trx, email: string, name: string | null): Promise<number> {
  const res = await sql<{ id: number }>`
    insert into reporters (email, name) values (${pgText(email).toLowerCase().slice(0, 320)}, ${pgText(name)?.slice(0, 300) ?? null})
    on conflict (email) where email is not null do update set name = coalesce(reporters.name, excluded.name)
    returning id`.execute(trx);
  return res.rows[0]!.id;
}

// ---------------------------------------------------------------------------------------------------
// Inbound

/** Our messages (and earlier replies) by Message-ID. */
export async function messagesByMessageId(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom("messages")
    .select([
      "id",
      "case_id",
      "party",
      "direction",
      "brand_id",
      "message_id",
      "reporter_id",
      "state",
      "report_id",
    ])
    .where("message_id", "in", [...ids])
    .execute();
}

/** The addresses a case's parties write from: whoever we wrote to on it, and the customer's contacts. */
export async function knownAddressesOf(db: Db, caseId: number) {
  const sent = await db
    .selectFrom("messages")
    .select(["party", "to_addresses", "reporter_id"])
    .where("case_id", "=", caseId)
    .where("direction", "=", "out")
    .limit(500)
    .execute();
  return sent;
}

/** Moves a case waiting for this party to in_review; answers the state it left, if it moved. */
export async function releaseWaitingCase(
  trx: Trx,
  caseId: number,
  from: "waiting_customer" | "waiting_reporter",
) {
  const res = await trx
    .updateTable("cases")
    .set({ state: "in_review", updated_at: new Date() })
    .where("id", "=", caseId)
    .where("state", "=", from)
    .returning("id")
    .executeTakeFirst();
  return res !== undefined;
}

export async function lockCaseRow(trx: Trx, caseId: number) {
  return trx
    .selectFrom("cases")
    .select(["id", "state", "brand_id", "customer_id", "gag"])
    .where("id", "=", caseId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertAttachment(
  trx: Db,
  a: { messageId: number; filename: string; declaredType: string | null; data: Buffer; sha256: string },
): Promise<number> {
  const row = await trx
    .insertInto("message_attachments")
    .values({
      message_id: a.messageId,
      filename: pgText(a.filename).slice(0, 255) || "upload",
      declared_type: pgText(a.declaredType)?.slice(0, 200) ?? null,
      size: a.data.length,
      sha256: a.sha256,
      data: a.data,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---------------------------------------------------------------------------------------------------
// Reading for the API

const SUMMARY = [
  "m.id",
  "m.direction",
  "m.party",
  "m.brand_id",
  "m.case_id",
  "m.report_id",
  "m.template",
  "m.language",
  "m.from_address",
  "m.to_addresses",
  "m.subject",
  "m.state",
  "m.failure",
  "m.last_error",
  "m.attempts",
  "m.message_id",
  "m.created_at",
  "m.sent_at",
  "m.composed_at",
] as const;

export async function caseMessages(db: Db, caseId: number, limit = 500) {
  return db
    .selectFrom("messages as m")
    .select(SUMMARY)
    .where("m.case_id", "=", caseId)
    .orderBy("m.id")
    .limit(limit)
    .execute();
}
export type MessageSummaryRow = Awaited<ReturnType<typeof caseMessages>>[number];

export interface MessageFilter {
  state?: MessageState;
  caseId?: number;
  party?: MessageParty;
  brand?: string;
  before?: number;
  limit: number;
  /** The reader's brands (src/auth/scope.ts). */
  scope: BrandScope;
}

export async function listMessages(db: Db, f: MessageFilter) {
  let q = db.selectFrom("messages as m").where(inBrandScope(f.scope, "m.brand_id"));
  if (f.state) q = q.where("m.state", "=", f.state);
  if (f.caseId !== undefined) q = q.where("m.case_id", "=", f.caseId);
  if (f.party) q = q.where("m.party", "=", f.party);
  if (f.brand) q = q.where("m.brand_id", "=", f.brand);
  const total = q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  let page = q.select(SUMMARY);
  if (f.before !== undefined) page = page.where("m.id", "<", f.before);
  const [rows, count] = await Promise.all([
    page
      .orderBy("m.id", "desc")
      .limit(f.limit + 1)
      .execute(),
    total,
  ]);
  return { rows, total: Number(count.n) };
}

export async function getMessage(db: Db, id: number, scope: BrandScope) {
  const m = await db
    .selectFrom("messages as m")
    .select([...SUMMARY, "m.body", "m.in_reply_to", "m.refs", "m.meets", "m.relay_response", "m.actor"])
    .where("m.id", "=", id)
    .where(inBrandScope(scope, "m.brand_id"))
    .executeTakeFirst();
  if (!m) return undefined;
  const attachments = await db
    .selectFrom("message_attachments")
    .select(["id", "filename", "size", "sha256", "declared_type", "created_at"])
    .where("message_id", "=", id)
    .orderBy("id")
    .execute();
  return { ...m, attachments };
}
export type MessageDetailRow = NonNullable<Awaited<ReturnType<typeof getMessage>>>;

export async function getAttachment(db: Db, messageId: number, attachmentId: number, scope: BrandScope) {
  return db
    .selectFrom("message_attachments as a")
    .innerJoin("messages as m", "m.id", "a.message_id")
    .select(["a.filename", "a.data", "a.size", "a.sha256"])
    .where("a.id", "=", attachmentId)
    .where("a.message_id", "=", messageId)
    .where(inBrandScope(scope, "m.brand_id"))
    .executeTakeFirst();
}

export interface CaseBundle {
  id: number;
  brand_id: string;
  customer_id: string | null;
  category: string;
  kind: string;
  state: string;
  opened_at: Date;
  gag: boolean;
  event_count: number;
  customer_name: string | null;
  contact_emails: string[] | null;
  customer_language: string | null;
  events: {
    category: string;
    occurred_at: string | null;
    received_at: string;
    ip: string | null;
    port: number | null;
    url: string | null;
    domain: string | null;
    email: string | null;
    phone: string | null;
    details: Record<string, unknown> | null;
  }[];
  subjects: string[];
  reporters: {
    report_id: number;
    reporter_id: number | null;
    email: string | null;
    name: string | null;
    org: string | null;
    acknowledgement: string | null;
  }[];
  deadlines: { name: string; due_at: string; source: string }[];
  thread: { message_id: string; direction: "in" | "out"; party: MessageParty }[];
}

/**
 * Everything a message about a case is composed from, in one round trip: the case and its customer, its
 * first events, its subjects, its reporters (from at most `scan` events), its running clocks and its last
 * messages.
 */
export async function caseBundle(
  db: Db,
  caseId: number,
  limits: { events: number; subjects: number; scan?: number },
): Promise<CaseBundle | undefined> {
  const { rows } = await sql<CaseBundle>`
    select c.id, c.brand_id, c.customer_id, c.category, c.kind, c.state, c.opened_at, c.gag, c.event_count,
      cu.name as customer_name, cu.contact_emails, cu.language as customer_language,
      coalesce((select json_agg(e) from (
        select category, occurred_at, received_at, host(subject_ip) as ip, subject_port as port,
          subject_url as url, subject_domain as domain, subject_email as email, subject_phone as phone, details
        from events where case_id = c.id order by occurred_at, id limit ${limits.events}) e), '[]') as events,
      coalesce((select json_agg(s.value) from (
        select value from case_subjects where case_id = c.id order by event_count desc, value
        limit ${limits.subjects}) s), '[]') as subjects,
      coalesce((select json_agg(r) from (
        select r.id as report_id, r.reporter_id, p.email, p.name, p.org, r.acknowledgement
        from (select distinct report_id from (select report_id from events where case_id = c.id
          limit ${limits.scan ?? 5000}) x) e
        join reports r on r.id = e.report_id left join reporters p on p.id = r.reporter_id
        order by r.id) r), '[]') as reporters,
      coalesce((select json_agg(d) from (
        select name, due_at, source from case_deadlines where case_id = c.id and met_at is null
        order by due_at) d), '[]') as deadlines,
      coalesce((select json_agg(m) from (
        select message_id, direction, party from messages where case_id = c.id and state <> 'failed'
        order by id desc limit 30) m), '[]') as thread
    from cases c left join customers cu on cu.id = c.customer_id
    where c.id = ${caseId}`.execute(db);
  return rows[0];
}

/** Writes what a batch composed: subjects, bodies and headers, in one statement. */
export async function writeComposed(
  trx: Db,
  rows: readonly {
    id: number;
    subject: string;
    body: string;
    to: string[];
    from: string;
    language: string;
    template: string;
    meets: string[];
    inReplyTo: string | null;
    refs: string[];
  }[],
) {
  if (rows.length === 0) return;
  await sql`
    update messages m set subject = v.subject, body = v.body, from_address = v.from_address,
      language = v.language, template = v.template, in_reply_to = v.in_reply_to, composed_at = now(),
      to_addresses = array(select jsonb_array_elements_text(v.to_json)),
      meets = array(select jsonb_array_elements_text(v.meets_json)),
      refs = array(select jsonb_array_elements_text(v.refs_json))
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => pgText(r.subject).slice(0, 1000))}::text[],
      ${rows.map((r) => pgText(r.body))}::text[], ${rows.map((r) => r.from)}::text[],
      ${rows.map((r) => r.language)}::text[], ${rows.map((r) => r.template)}::text[],
      ${rows.map((r) => r.inReplyTo)}::text[], ${rows.map((r) => pgJson(r.to))}::jsonb[],
      ${rows.map((r) => pgJson(r.meets))}::jsonb[], ${rows.map((r) => pgJson(r.refs))}::jsonb[])
      as v(id, subject, body, from_address, language, template, in_reply_to, to_json, meets_json, refs_json)
    where m.id = v.id`.execute(trx);
}
