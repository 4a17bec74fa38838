/**
 * Monthly partitions (issue 9, SPEC C16) of the two tables a large provider fills by the million: `events`
 * (migration 0018) and the chunks of feeds' raw bytes, `report_chunks` (migration 0019), both partitioned
 * by range of `received_at` (when the desk received the report, which is when a term starts). The
 * retention purge (src/privacy/purge.ts) drops a month whole (`drop table`: instant, no dead rows, no
 * vacuum) instead of deleting rows one by one.
 *
 * For each table T: `T_pYYYYMM` holds one calendar month (UTC), made PARTITION_MONTHS_AHEAD ahead;
 * `T_default` takes anything no month covers (a month not made yet, and what the purge keeps), so an insert
 * never fails for want of a partition; `T_legacy` holds the rows stored before the table was partitioned,
 * up to the end of their last month, without a copy.
 *
 * Dropping keeps what must stay: the rows that are evidence in a case that is not finished, or under an
 * authority's hold, are copied back into T first (they land in `T_default`, since their month has no
 * partition any more) and go when the row-level purge finds them free.
 */
import { type RawBuilder, sql } from "kysely";
import { FINISHED_STATES_SQL } from "./case-states.ts";
import type { DB } from "./index.ts";

/** Months made ahead of the current one, so that an insert never waits for a partition to be made. */
export const PARTITION_MONTHS_AHEAD = 2;
/** The advisory lock under which partitions are made. */
const PARTITION_LOCK = 0x70617274; // "part"
/** How long dropping a partition waits for its lock before it gives up until the next run. */
export const PARTITION_LOCK_TIMEOUT_MS = 5_000;

/**
 * Active holds (`h`: an authority's preservation, not released, not past `held_until`) over an event whose
 * alias is `ev`: they name its case, its customer, or its subject (address, URL, domain, e-mail). Shared by
 * the partitions' drop and the row-level purge and erasure (src/privacy/privacy.store.ts).
 */
export function holdOverEvent(ev: string) {
  const e = (column: string) => sql.ref(`${ev}.${column}`);
  return sql`h.released_at is null and (h.held_until is null or h.held_until > now())
    and (h.case_id = ${e("case_id")} or h.customer_id = ${e("customer_id")}
      or host(${e("subject_ip")}) = any(h.subjects) or ${e("subject_url")} = any(h.subjects)
      or ${e("subject_domain")} = any(h.subjects) or ${e("subject_email")} = any(h.subjects))`;
}

/** What keeps an event (`e`) from being purged: a case that is not finished, or an authority's hold. */
export const EVENT_KEPT = sql`(
  exists (select 1 from cases c where c.id = e.case_id and c.state not in ${FINISHED_STATES_SQL})
  or exists (select 1 from data_holds h where ${holdOverEvent("e")}))`;

/**
 * What keeps a feed's chunk (`e`) from being purged: the feed is still being processed, or one of its events
 * is evidence in a case that is not finished or under a hold (as purgeRawReports keeps a report's raw).
 */
export const CHUNK_KEPT = sql`(
  exists (select 1 from reports r where r.id = e.report_id and r.state = 'processing')
  or exists (select 1 from events ev join cases c on c.id = ev.case_id
    where ev.report_id = e.report_id and c.state not in ${FINISHED_STATES_SQL})
  or exists (select 1 from events ev join data_holds h on ${holdOverEvent("ev")}
    where ev.report_id = e.report_id))`;

export interface MonthlyTable {
  name: "events" | "report_chunks";
  /** What keeps a row (alias `e`) when its month is dropped. */
  kept: RawBuilder<unknown>;
  /** The table has an identity column (its kept rows go back with their own ids). */
  identity: boolean;
}

export const EVENTS: MonthlyTable = { name: "events", kept: EVENT_KEPT, identity: true };
export const REPORT_CHUNKS: MonthlyTable = { name: "report_chunks", kept: CHUNK_KEPT, identity: false };
export const MONTHLY_TABLES: readonly MonthlyTable[] = [EVENTS, REPORT_CHUNKS];

/** The first instant of the UTC month of `d`, `months` months on. */
export function monthStart(d: Date, months = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
}

/** The name of a table's partition of the month that starts at `start`. */
export function partitionName(start: Date, table: MonthlyTable = EVENTS): string {
  return `${table.name}_p${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
}

export interface Partition {
  name: string;
  kind: "month" | "legacy" | "default" | "other";
  /** The range [from, to); from null = from the beginning; both null for the default. */
  from: Date | null;
  to: Date | null;
}

/** The partitions of a table with their ranges (read from the catalogue). */
export async function partitionsOf(db: DB, table: MonthlyTable = EVENTS): Promise<Partition[]> {
  const { rows } = await sql<{ name: string; bound: string; from_at: Date | null; to_at: Date | null }>`
    select c.relname as name, b.bound,
      substring(b.bound from 'FROM \\(''([^'']+)''\\)')::timestamptz as from_at,
      substring(b.bound from 'TO \\(''([^'']+)''\\)')::timestamptz as to_at
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
    where i.inhparent = ${table.name}::regclass
    order by to_at nulls last, c.relname`.execute(db);
  const month = new RegExp(`^${table.name}_p\\d{6}$`);
  return rows.map((r) => ({
    name: r.name,
    kind:
      r.bound === "DEFAULT"
        ? "default"
        : month.test(r.name)
          ? "month"
          : r.name === `${table.name}_legacy`
            ? "legacy"
            : "other",
    from: r.from_at,
    to: r.to_at,
  }));
}

const overlaps = (p: Partition, from: Date, to: Date) =>
  p.kind !== "default" && (p.from === null || p.from < to) && (p.to === null || p.to > from);

/**
 * Makes a table's partitions of the month of `now` and the PARTITION_MONTHS_AHEAD after it where none
 * covers them. Rows of such a month that went into the default partition meanwhile move into the new one.
 * Returns the names made.
 */
export async function ensurePartitions(db: DB, table: MonthlyTable, now = new Date()): Promise<string[]> {
  const made: string[] = [];
  const existing = await partitionsOf(db, table);
  for (let m = 0; m <= PARTITION_MONTHS_AHEAD; m++) {
    const from = monthStart(now, m);
    const to = monthStart(now, m + 1);
    if (existing.some((p) => overlaps(p, from, to))) continue;
    const name = partitionName(from, table);
    const createdHere = await db.transaction().execute(async (trx) => {
      // Processes that start together all make the months: one at a time, and the others see it made.
      await sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`.execute(trx);
      if ((await partitionsOf(trx, table)).some((p) => overlaps(p, from, to))) return false;
      await sql`create table ${sql.id(name)} (like ${sql.id(table.name)} including defaults including constraints)`.execute(
        trx,
      );
      await sql`
        with moved as (
          delete from ${sql.id(`${table.name}_default`)} where received_at >= ${from} and received_at < ${to}
          returning *)
        insert into ${sql.id(name)} select * from moved`.execute(trx);
      await sql`alter table ${sql.id(table.name)} attach partition ${sql.id(name)}
        for values from (${sql.lit(from.toISOString())}) to (${sql.lit(to.toISOString())})`.execute(trx);
      return true;
    });
    if (createdHere) made.push(name);
  }
  return made;
}

/** The events' partitions (ensurePartitions of EVENTS). */
export function ensureEventPartitions(db: DB, now = new Date()): Promise<string[]> {
  return ensurePartitions(db, EVENTS, now);
}

/** Every monthly table's partitions. */
export async function ensureMonthlyPartitions(db: DB, now = new Date()): Promise<string[]> {
  const made: string[] = [];
  for (const table of MONTHLY_TABLES) made.push(...(await ensurePartitions(db, table, now)));
  return made;
}

export interface Dropped {
  /** Rows dropped with the month. */
  dropped: number;
  /** Rows kept (copied back into the default partition). */
  kept: number;
  /** What `afterKeep` counted (e.g. the reports whose raw bytes went). */
  counted: number;
}

/** Runs in the dropping transaction, after the kept rows went back and before the month is dropped. */
export type AfterKeep = (trx: DB, partition: string) => Promise<number>;

/**
 * Drops a month (or the legacy partition) whose every row is past its term, keeping the rows that must
 * stay (the table's `kept`). Null when the partition's lock was not had within PARTITION_LOCK_TIMEOUT_MS
 * (the next run tries again). In a dry run `db` is the run's transaction, rolled back at its end: the same
 * statements, undone.
 */
export async function dropPartition(
  db: DB,
  table: MonthlyTable,
  p: Partition,
  opts: { dryRun?: boolean; afterKeep?: AfterKeep } = {},
): Promise<Dropped | null> {
  if (p.kind !== "month" && p.kind !== "legacy") throw new Error(`${p.name} is not a partition to drop`);
  const lockTimeout = sql`set local lock_timeout = ${sql.lit(`${PARTITION_LOCK_TIMEOUT_MS}ms`)}`;
  const detach = sql`alter table ${sql.id(table.name)} detach partition ${sql.id(p.name)}`;
  try {
    if (opts.dryRun) {
      await lockTimeout.execute(db);
      await detach.execute(db);
      return await keepAndDrop(db, table, p.name, opts.afterKeep);
    }
    // Detaching takes the parent's strongest lock: a short transaction of its own, given up if busy.
    await db.transaction().execute(async (trx) => {
      await lockTimeout.execute(trx);
      await detach.execute(trx);
    });
  } catch (err) {
    if ((err as { code?: string }).code !== "55P03") throw err; // lock_not_available
    if (opts.dryRun)
      throw new Error(`the ${table.name} table is busy (${p.name} could not be detached); run it again`);
    return null;
  }
  return db.transaction().execute((trx) => keepAndDrop(trx, table, p.name, opts.afterKeep));
}

/** A detached partition: its kept rows go back into the table (its default partition), then it is dropped. */
async function keepAndDrop(
  trx: DB,
  table: MonthlyTable,
  name: string,
  afterKeep?: AfterKeep,
): Promise<Dropped> {
  const part = sql.id(name);
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${part}`.execute(trx);
  const all = Number(rows[0]?.n ?? 0);
  const res =
    await sql`insert into ${sql.id(table.name)} ${table.identity ? sql`overriding system value` : sql``}
    select * from ${part} e where ${table.kept}`.execute(trx);
  const kept = Number(res.numAffectedRows ?? 0);
  const counted = afterKeep ? await afterKeep(trx, name) : 0;
  await sql`drop table ${part}`.execute(trx);
  return { dropped: all - kept, kept, counted };
}

/** A table's partitions that a run detached and did not drop (the process stopped in between): finished. */
export async function resumeDetached(db: DB, table: MonthlyTable, afterKeep?: AfterKeep): Promise<Dropped> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
    where c.relkind = 'r' and not c.relispartition
      and (c.relname ~ ${`^${table.name}_p[0-9]{6}$`} or c.relname = ${`${table.name}_legacy`})`.execute(db);
  const total: Dropped = { dropped: 0, kept: 0, counted: 0 };
  for (const r of rows) {
    const out = await db.transaction().execute((trx) => keepAndDrop(trx, table, r.name, afterKeep));
    total.dropped += out.dropped;
    total.kept += out.kept;
    total.counted += out.counted;
  }
  return total;
}
