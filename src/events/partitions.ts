/**
 * The monthly partitions of `events` (migration 0018): made ahead of time, and dropped whole when the
 * retention term of every brand has run out for the month (src/privacy/purge.ts). A partition is named
 * `events_pYYYYMM` and holds the events the desk received in that calendar month (UTC).
 *
 * Dropping keeps what must stay: the events that are evidence in a case that is not finished, or under an
 * authority's hold, are copied back into `events` first (they land in `events_default`, since their month
 * has no partition any more) and go when the row-level purge finds them free.
 */
import { sql } from "kysely";
import { FINISHED_STATES_SQL } from "../db/case-states.ts";
import type { DB } from "../db/index.ts";

/** Months made ahead of the current one, so that an insert never waits for a partition to be made. */
export const PARTITION_MONTHS_AHEAD = 2;
/** How long dropping a partition waits for its lock before it gives up until the next run. */
export const PARTITION_LOCK_TIMEOUT_MS = 5_000;
/** What a partition's name looks like (nothing else is ever dropped). */
const MONTH_PARTITION = /^events_p(\d{4})(\d{2})$/;

/** The first instant of the UTC month of `d`, `months` months on. */
export function monthStart(d: Date, months = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
}

/** The name of the partition of the month that starts at `start`. */
export function partitionName(start: Date): string {
  return `events_p${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
}

export interface EventPartition {
  name: string;
  /** Null: the default partition. */
  kind: "month" | "legacy" | "default" | "other";
  /** The range [from, to); from null = from the beginning. */
  from: Date | null;
  to: Date | null;
}

/** The partitions of `events` with their ranges (read from the catalogue). */
export async function eventPartitions(db: DB): Promise<EventPartition[]> {
  const { rows } = await sql<{ name: string; bound: string; from_at: Date | null; to_at: Date | null }>`
    select c.relname as name, b.bound,
      substring(b.bound from 'FROM \\(''([^'']+)''\\)')::timestamptz as from_at,
      substring(b.bound from 'TO \\(''([^'']+)''\\)')::timestamptz as to_at
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
    where i.inhparent = 'events'::regclass
    order by to_at nulls last, c.relname`.execute(db);
  return rows.map((r) => ({
    name: r.name,
    kind:
      r.bound === "DEFAULT"
        ? "default"
        : MONTH_PARTITION.test(r.name)
          ? "month"
          : r.name === "events_legacy"
            ? "legacy"
            : "other",
    from: r.from_at,
    to: r.to_at,
  }));
}

const overlaps = (p: EventPartition, from: Date, to: Date) =>
  p.kind !== "default" && (p.from === null || p.from < to) && (p.to === null || p.to > from);

/**
 * Makes the partitions of the current month and the PARTITION_MONTHS_AHEAD after it where none covers
 * them. Events of such a month that went into the default partition meanwhile move into the new one.
 * Returns the names made.
 */
export async function ensureEventPartitions(db: DB, now = new Date()): Promise<string[]> {
  const made: string[] = [];
  const existing = await eventPartitions(db);
  for (let m = 0; m <= PARTITION_MONTHS_AHEAD; m++) {
    const from = monthStart(now, m);
    const to = monthStart(now, m + 1);
    if (existing.some((p) => overlaps(p, from, to))) continue;
    const name = partitionName(from);
    await db.transaction().execute(async (trx) => {
      await sql`create table ${sql.id(name)} (like events including defaults including constraints)`.execute(
        trx,
      );
      await sql`
        with moved as (
          delete from events_default where received_at >= ${from} and received_at < ${to} returning *)
        insert into ${sql.id(name)} select * from moved`.execute(trx);
      await sql`alter table events attach partition ${sql.id(name)}
        for values from (${sql.lit(from.toISOString())}) to (${sql.lit(to.toISOString())})`.execute(trx);
    });
    made.push(name);
  }
  return made;
}

/** What keeps an event (`e`) from being purged: a case that is not finished, or an authority's hold. */
export const EVENT_KEPT = sql`(
  exists (select 1 from cases c where c.id = e.case_id and c.state not in ${FINISHED_STATES_SQL})
  or exists (select 1 from data_holds h where h.released_at is null
    and (h.held_until is null or h.held_until > now())
    and (h.case_id = e.case_id or h.customer_id = e.customer_id
      or host(e.subject_ip) = any(h.subjects) or e.subject_url = any(h.subjects)
      or e.subject_domain = any(h.subjects) or e.subject_email = any(h.subjects))))`;

/**
 * Drops a partition whose every event is past its term (its range ends before `cutoff`), keeping the events
 * that must stay (EVENT_KEPT). Returns the events dropped and kept, or null when the partition's lock was
 * not had within PARTITION_LOCK_TIMEOUT_MS (the next run tries again). In a dry run `db` is the run's
 * transaction, rolled back at its end: the same statements, undone.
 */
export async function dropEventPartition(
  db: DB,
  p: EventPartition,
  opts: { dryRun?: boolean } = {},
): Promise<{ dropped: number; kept: number } | null> {
  if (p.kind !== "month" && p.kind !== "legacy") throw new Error(`${p.name} is not a partition to drop`);
  const lockTimeout = sql`set local lock_timeout = ${sql.lit(`${PARTITION_LOCK_TIMEOUT_MS}ms`)}`;
  const detach = sql`alter table events detach partition ${sql.id(p.name)}`;
  try {
    if (opts.dryRun) {
      await lockTimeout.execute(db);
      await detach.execute(db);
      return await keepAndDrop(db, p.name);
    }
    // Detaching takes the parent's strongest lock: a short transaction of its own, given up if busy.
    await db.transaction().execute(async (trx) => {
      await lockTimeout.execute(trx);
      await detach.execute(trx);
    });
  } catch (err) {
    if ((err as { code?: string }).code !== "55P03") throw err; // lock_not_available
    if (opts.dryRun)
      throw new Error(`the events table is busy (${p.name} could not be detached); run it again`);
    return null;
  }
  return db.transaction().execute((trx) => keepAndDrop(trx, p.name));
}

/** A detached partition: its kept events go back into `events` (the default partition), then it is dropped. */
async function keepAndDrop(trx: DB, name: string): Promise<{ dropped: number; kept: number }> {
  const part = sql.id(name);
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${part}`.execute(trx);
  const all = Number(rows[0]?.n ?? 0);
  const res = await sql`insert into events overriding system value
    select * from ${part} e where ${EVENT_KEPT}`.execute(trx);
  const kept = Number(res.numAffectedRows ?? 0);
  await sql`drop table ${part}`.execute(trx);
  return { dropped: all - kept, kept };
}

/** Partitions a run detached and did not drop (the process stopped in between): finished now. */
export async function resumeDetached(db: DB): Promise<{ dropped: number; kept: number }> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
    where c.relkind = 'r' and not c.relispartition
      and (c.relname ~ '^events_p[0-9]{6}$' or c.relname = 'events_legacy')`.execute(db);
  let dropped = 0;
  let kept = 0;
  for (const r of rows) {
    const out = await db.transaction().execute((trx) => keepAndDrop(trx, r.name));
    dropped += out.dropped;
    kept += out.kept;
  }
  return { dropped, kept };
}
