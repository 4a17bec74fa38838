/**
 * The SQL of the privacy export: everything held about one person or customer, found by an e-mail
 * address, a name or a customer id, within the reader's brands. Each kind is read up to a bound; the
 * export says when a bound was reached.
 */
import { sql, type Transaction } from "kysely";
import { type BrandScope, inBrandScope } from "../auth/scope.ts";
import { FINISHED_CASE_STATES, FINISHED_STATES_SQL } from "../db/case-states.ts";
import type { DB } from "../db/index.ts";
import { EVENT_KEPT, holdOverEvent } from "../db/partitions.ts";
import type { Database } from "../db/schema.ts";

/** At most this many rows of each kind go into one export (it says when there were more). */
export const MAX_EXPORT_ROWS_PER_KIND = 5_000;
/** At most this many raw reports (their bytes) go into one export. */
export const MAX_EXPORT_RAW_REPORTS = 500;
/** At most this many bytes of raw reports go into one export (the ZIP is built in memory). */
export const MAX_EXPORT_RAW_BYTES = 128 * 1024 * 1024;

const lower = (s: string) => s.trim().toLowerCase();

export async function reportersAbout(db: DB, subject: string) {
  const s = lower(subject);
  return db
    .selectFrom("reporters")
    .selectAll()
    .where((eb) =>
      eb.or([eb(sql`lower(email)`, "=", s), eb(sql`lower(name)`, "=", s), eb(sql`lower(org)`, "=", s)]),
    )
    .orderBy("id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

export async function customersAbout(db: DB, subject: string, scope: BrandScope) {
  const s = lower(subject);
  return db
    .selectFrom("customers as c")
    .selectAll("c")
    .where(inBrandScope(scope, "c.brand_id"))
    .where((eb) =>
      eb.or([
        eb("c.id", "=", subject.trim()),
        eb(sql`lower(c.name)`, "=", s),
        eb(sql<boolean>`${s} = any(select lower(x) from unnest(c.contact_emails) x)`, "=", true),
      ]),
    )
    .orderBy("c.id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

export async function reportsOf(db: DB, reporterIds: readonly number[], subject: string, scope: BrandScope) {
  const s = lower(subject);
  return db
    .selectFrom("reports as r")
    .select([
      "r.id",
      "r.channel",
      "r.received_at",
      "r.sha256",
      "r.size",
      "r.mail_from",
      "r.rcpt_to",
      "r.brand_id",
      "r.message_id",
      "r.subject",
      "r.reporter_id",
      "r.format",
      "r.state",
    ])
    .where(inBrandScope(scope, "r.brand_id"))
    .where((eb) =>
      eb.or([
        eb("r.reporter_id", "=", sql<number>`any(${[...reporterIds]}::bigint[])`),
        eb(sql`lower(r.mail_from)`, "=", s),
      ]),
    )
    .orderBy("r.id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

/** The raw bytes of these reports as received (a feed's from its chunks, in order). */
export async function rawOf(db: DB, reportIds: readonly number[]) {
  if (reportIds.length === 0) return [];
  const { rows } = await sql<{ id: number; raw: Buffer }>`
    select r.id, case when r.streamed then coalesce(
        (select string_agg(k.data, ''::bytea order by k.seq) from report_chunks k where k.report_id = r.id),
        r.raw) else r.raw end as raw
    from reports r
    where r.id = any(${[...reportIds]}::bigint[])
    order by r.id`.execute(db);
  return rows;
}

export async function casesOf(db: DB, customerIds: readonly string[], scope: BrandScope) {
  return db
    .selectFrom("cases as c")
    .select([
      "c.id",
      "c.brand_id",
      "c.customer_id",
      "c.category",
      "c.kind",
      "c.state",
      "c.opened_at",
      "c.closed_at",
      "c.facts",
    ])
    .where(inBrandScope(scope, "c.brand_id"))
    .where("c.customer_id", "=", sql<string>`any(${[...customerIds]}::text[])`)
    .orderBy("c.id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

export async function eventsAbout(
  db: DB,
  subject: string,
  customerIds: readonly string[],
  reportIds: readonly number[],
  scope: BrandScope,
) {
  const s = lower(subject);
  return db
    .selectFrom("events as e")
    .select([
      "e.id",
      "e.report_id",
      "e.brand_id",
      "e.category",
      "e.subject_ip",
      "e.subject_url",
      "e.subject_domain",
      "e.subject_email",
      "e.subject_phone",
      "e.occurred_at",
      "e.received_at",
      "e.customer_id",
      "e.case_id",
    ])
    .where(inBrandScope(scope, "e.brand_id"))
    .where((eb) =>
      eb.or([
        eb(sql`lower(e.subject_email)`, "=", s),
        eb("e.customer_id", "=", sql<string>`any(${[...customerIds]}::text[])`),
        eb("e.report_id", "=", sql<number>`any(${[...reportIds]}::bigint[])`),
      ]),
    )
    .orderBy("e.id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

export async function messagesAbout(
  db: DB,
  subject: string,
  reporterIds: readonly number[],
  customerIds: readonly string[],
  scope: BrandScope,
) {
  const s = lower(subject);
  return db
    .selectFrom("messages as m")
    .leftJoin("cases as c", "c.id", "m.case_id")
    .select([
      "m.id",
      "m.direction",
      "m.party",
      "m.brand_id",
      "m.case_id",
      "m.template",
      "m.language",
      "m.from_address",
      "m.to_addresses",
      "m.subject",
      "m.body",
      "m.message_id",
      "m.state",
      "m.created_at",
      "m.sent_at",
    ])
    .where(inBrandScope(scope, "m.brand_id"))
    .where((eb) =>
      eb.or([
        eb(sql`lower(m.from_address)`, "=", s),
        eb(sql<boolean>`${s} = any(select lower(x) from unnest(m.to_addresses) x)`, "=", true),
        eb("m.reporter_id", "=", sql<number>`any(${[...reporterIds]}::bigint[])`),
        eb.and([
          eb("m.party", "=", "customer"),
          eb("c.customer_id", "=", sql<string>`any(${[...customerIds]}::text[])`),
        ]),
      ]),
    )
    .orderBy("m.id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Erasure

type Trx = Transaction<Database>;

/** Reports of these reporters (or with this envelope sender) that are evidence in a case still open. */
export async function openCasesOfReports(trx: Trx, reportIds: readonly number[]) {
  if (reportIds.length === 0) return [];
  return trx
    .selectFrom("events as e")
    .innerJoin("cases as c", "c.id", "e.case_id")
    .select(["e.report_id", "c.id as case_id"])
    .where("e.report_id", "=", sql<number>`any(${[...reportIds]}::bigint[])`)
    .where("c.state", "not in", FINISHED_CASE_STATES)
    .distinct()
    .limit(20)
    .execute();
}

const HOLD_OVER_EVENT = holdOverEvent("e");

/** Active holds over an event of these reports. */
export async function holdsOverReports(trx: Trx, reportIds: readonly number[]) {
  if (reportIds.length === 0) return [];
  const res = await sql<{ id: number; order_id: number | null; legal_basis: string }>`
    select distinct h.id, h.order_id, h.legal_basis
    from data_holds h join events e on ${HOLD_OVER_EVENT}
    where e.report_id = any(${[...reportIds]}::bigint[])
    limit 20`.execute(trx);
  return res.rows;
}

/** Replaces the raw bytes of reports by a tombstone; the SHA-256 and size of what was received stay. */
export async function tombstoneReports(trx: Trx, reportIds: readonly number[], tombstone: Buffer) {
  if (reportIds.length === 0) return 0;
  await trx
    .deleteFrom("report_chunks")
    .where("report_id", "=", sql<number>`any(${[...reportIds]}::bigint[])`)
    .execute();
  const res = await trx
    .updateTable("reports")
    .set({ raw: tombstone, mail_from: null, subject: null })
    .where("id", "=", sql<number>`any(${[...reportIds]}::bigint[])`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** The reporter records lose name, address and organisation; their kind and the reports' links stay. */
export async function anonymiseReporters(trx: Trx, reporterIds: readonly number[]) {
  if (reporterIds.length === 0) return 0;
  const res = await trx
    .updateTable("reporters")
    .set({ email: null, name: null, org: null })
    .where("id", "=", sql<number>`any(${[...reporterIds]}::bigint[])`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Messages to or from the address, or to those reporters: text and addresses replaced. */
export async function redactMessages(
  trx: Trx,
  subject: string,
  reporterIds: readonly number[],
  note: string,
) {
  const s = lower(subject);
  const res = await trx
    .updateTable("messages")
    .set({ body: note, subject: "[erased]", from_address: null, to_addresses: [] })
    .where((eb) =>
      eb.or([
        eb(sql`lower(from_address)`, "=", s),
        eb(sql<boolean>`${s} = any(select lower(x) from unnest(to_addresses) x)`, "=", true),
        eb("reporter_id", "=", sql<number>`any(${[...reporterIds]}::bigint[])`),
      ]),
    )
    .where("state", "in", ["sent", "failed", "received"])
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------------
// Retention purge: bounded batches; each batch one statement; a row already purged is not touched again.

/** Rows one purge statement takes at most. */
export const PURGE_BATCH = 1_000;

/**
 * Raw reports received before `cutoff` (of the brands named, or of every brand but `except` when `brands`
 * is null), not yet purged, not evidence in an open case and not under an authority's hold: their bytes
 * become the tombstone; SHA-256 and size stay. Returns how many.
 */
export async function purgeRawReports(
  db: DB,
  f: { cutoff: Date; brands: readonly string[] | null; except: readonly string[]; tombstone: Buffer },
) {
  const res = await sql<{ n: number }>`
    with picked as (
      select r.id from reports r
      where r.received_at < ${f.cutoff}
        and ((octet_length(r.raw) = r.size and r.size > 0)
          or (r.streamed and exists (select 1 from report_chunks k where k.report_id = r.id)))
        and ${f.brands === null ? sql`(r.brand_id is null or not (r.brand_id = any(${[...f.except]}::text[])))` : sql`r.brand_id = any(${[...f.brands]}::text[])`}
        and not exists (
          select 1 from events e join cases c on c.id = e.case_id
          where e.report_id = r.id and c.state not in ${FINISHED_STATES_SQL})
        and not exists (
          select 1 from events e join data_holds h on ${HOLD_OVER_EVENT}
          where e.report_id = r.id)
      order by r.id
      limit ${PURGE_BATCH}
      for update of r skip locked),
    -- A feed stored in chunks (src/intake/feeds.ts) loses its chunks.
    chunks as (delete from report_chunks where report_id in (select id from picked))
    update reports set raw = ${f.tombstone}, mail_from = null, subject = null
    where id in (select id from picked)
    returning 1 as n`.execute(db);
  return res.rows.length;
}

/**
 * Events received before `cutoff` that no month partition took with it (those in the default partition,
 * those of a brand with a shorter term than the longest, those stored before the partitions): deleted in a
 * batch, never what EVENT_KEPT keeps. Whole months go by dropPartition (src/db/partitions.ts).
 */
export async function purgeEvents(
  db: DB,
  f: { cutoff: Date; brands: readonly string[] | null; except: readonly string[] },
) {
  const res = await sql<{ n: number }>`
    with picked as (
      select e.id, e.received_at from events e
      where e.received_at < ${f.cutoff}
        and ${f.brands === null ? sql`(e.brand_id is null or not (e.brand_id = any(${[...f.except]}::text[])))` : sql`e.brand_id = any(${[...f.brands]}::text[])`}
        and not ${EVENT_KEPT}
      limit ${PURGE_BATCH})
    delete from events d using picked
    where d.id = picked.id and d.received_at = picked.received_at
    returning 1 as n`.execute(db);
  return res.rows.length;
}

/**
 * The feeds whose chunks were in a month that is being dropped (`partition`, detached) and that have none
 * left (none was kept): their reports become tombstones, as purgeRawReports makes them. Returns how many.
 */
export async function tombstoneDroppedFeeds(trx: DB, partition: string, tombstone: Buffer) {
  const res = await sql`
    update reports r set raw = ${tombstone}, mail_from = null, subject = null
    where r.id in (select distinct report_id from ${sql.id(partition)})
      and not exists (select 1 from report_chunks k where k.report_id = r.id)`.execute(trx);
  return Number(res.numAffectedRows ?? 0);
}

/** Messages finished before `cutoff` (sent, failed, received) lose their text and addresses. */
export async function purgeMessages(
  db: DB,
  f: { cutoff: Date; brands: readonly string[] | null; except: readonly string[]; note: string },
) {
  const res = await sql<{ n: number }>`
    with picked as (
      select m.id from messages m
      where m.created_at < ${f.cutoff}
        and m.state in ('sent', 'failed', 'received')
        and m.body is distinct from ${f.note}
        and ${f.brands === null ? sql`(m.brand_id is null or not (m.brand_id = any(${[...f.except]}::text[])))` : sql`m.brand_id = any(${[...f.brands]}::text[])`}
      order by m.id
      limit ${PURGE_BATCH}
      for update of m skip locked)
    update messages set body = ${f.note}, subject = '[purged]', from_address = null, to_addresses = '{}'
    where id in (select id from picked)
    returning 1 as n`.execute(db);
  return res.rows.length;
}

/** Reporters whose last report is older than `cutoff` lose name, address and organisation. */
export async function purgeReporters(db: DB, cutoff: Date) {
  const res = await sql<{ n: number }>`
    with picked as (
      select p.id from reporters p
      where (p.email is not null or p.name is not null or p.org is not null)
        and p.created_at < ${cutoff}
        and not exists (select 1 from reports r where r.reporter_id = p.id and r.received_at >= ${cutoff})
      order by p.id
      limit ${PURGE_BATCH}
      for update of p skip locked)
    update reporters set email = null, name = null, org = null
    where id in (select id from picked)
    returning 1 as n`.execute(db);
  return res.rows.length;
}

/** Notices a person sent (by their reporter record, address or name), within `scope`, without file bytes. */
export async function noticesAbout(
  db: DB,
  reporterIds: readonly number[],
  subject: string,
  scope: BrandScope,
) {
  const s = subject.trim().toLowerCase();
  return db
    .selectFrom("notices as n")
    .select([
      "n.id",
      "n.reference",
      "n.brand_id",
      "n.channel",
      "n.received_at",
      "n.notifier_name",
      "n.notifier_email",
      "n.notifier_role",
      "n.interest",
      "n.legal_ground",
      "n.category",
      "n.explanation",
      "n.locations",
      sql<unknown>`(select coalesce(json_agg(json_build_object('filename', f.filename, 'size', f.size, 'sha256', f.sha256)), '[]')
        from notice_files f where f.notice_id = n.id)`.as("files"),
    ])
    .where((eb) =>
      eb.or([
        eb("n.reporter_id", "=", sql<number>`any(${[...reporterIds]}::bigint[])`),
        eb(sql`lower(n.notifier_email)`, "=", s),
        eb(sql`lower(n.notifier_name)`, "=", s),
      ]),
    )
    .where(inBrandScope(scope, "n.brand_id"))
    .orderBy("n.id")
    .limit(MAX_EXPORT_ROWS_PER_KIND + 1)
    .execute();
}

/** A notifier's notices lose name, address, interest and explanation, and their files' bytes. */
export async function eraseNotices(trx: Trx, noticeIds: readonly number[], note: string) {
  if (noticeIds.length === 0) return 0;
  await sql`update notice_files set data = null where notice_id = any(${[...noticeIds]}::bigint[])`.execute(
    trx,
  );
  const res = await sql`update notices set notifier_name = null, notifier_email = null, interest = null,
      explanation = case when explanation is null then null else ${note}::text end
    where id = any(${[...noticeIds]}::bigint[])`.execute(trx);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * Notices received before `cutoff` whose procedures are all finished and under no hold lose the notifier's
 * data and their files' bytes (the reporters' term: docs/privacy.md).
 */
export async function purgeNotices(db: DB, cutoff: Date) {
  const res = await sql<{ n: number }>`
    with picked as (
      select n.id from notices n
      where n.received_at < ${cutoff}
        and (n.notifier_name is not null or n.notifier_email is not null or n.explanation is not null
          or exists (select 1 from notice_files f where f.notice_id = n.id and f.data is not null))
        and not exists (select 1 from ntd_procedures p join cases c on c.id = p.case_id
          where p.notice_id = n.id and c.state not in ${FINISHED_STATES_SQL})
        and not exists (select 1 from events e join data_holds h on ${HOLD_OVER_EVENT}
          where e.report_id = n.report_id)
      order by n.id
      limit ${PURGE_BATCH}
      for update of n skip locked),
    files as (update notice_files set data = null where notice_id in (select id from picked))
    update notices set notifier_name = null, notifier_email = null, interest = null,
      explanation = case when explanation is null then null else '[purged: its retention term ran out]' end
    where id in (select id from picked)
    returning 1 as n`.execute(db);
  return res.rows.length;
}
