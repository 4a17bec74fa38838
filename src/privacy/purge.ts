/**
 * The retention purge (SPEC C16): personal data past its term (retention.ts) is taken away in bounded
 * batches, never what is evidence in an open case or under an authority's hold. Runs in the worker every
 * hour and by `abusedesk privacy purge [--dry-run]`; every run that took something is audited with counts.
 */

import { sql } from "kysely";
import type { Logger } from "pino";
import { appendAudit } from "../audit.ts";
import type { DB } from "../db/index.ts";
import {
  type AfterKeep,
  dropPartition,
  EVENTS,
  ensureMonthlyPartitions,
  type MonthlyTable,
  partitionsOf,
  REPORT_CHUNKS,
  resumeDetached,
} from "../db/partitions.ts";
import {
  purgeEvents,
  purgeMessages,
  purgeNotices,
  purgeRawReports,
  purgeReporters,
  tombstoneDroppedFeeds,
} from "./privacy.store.ts";
import type { Retention, RetentionKind } from "./retention.ts";

/** Batches of one kind for one group of brands in one run (the next run goes on where this one stopped). */
export const MAX_PURGE_BATCHES_PER_RUN = 100;
/** How often the worker purges. */
export const PURGE_INTERVAL_MS = 3_600_000;

export const PURGE_ACTOR = "system:retention";
/** The advisory lock that keeps two purges from running at once. */
const PURGE_LOCK = 0x70757267; // "purg"

export type PurgeCounts = Record<RetentionKind, number>;

const DAY = 86_400_000;

class DryRun extends Error {}

/** One run: every kind, every brand with its own term, then every other brand. */
export async function runPurge(
  db: DB,
  retention: Retention,
  opts: { now?: Date; dryRun?: boolean } = {},
): Promise<PurgeCounts> {
  const now = opts.now ?? new Date();
  const counts: PurgeCounts = { raw_reports: 0, messages: 0, reporters: 0, events: 0 };
  const partitions: string[] = [];
  const cutoff = (days: number) => new Date(now.getTime() - days * DAY);
  const drain = async (step: () => Promise<number>) => {
    let n = 0;
    for (let i = 0; i < MAX_PURGE_BATCHES_PER_RUN; i++) {
      const took = await step();
      n += took;
      if (took === 0) break;
    }
    return n;
  };
  const longest = (kind: RetentionKind) =>
    Math.max(
      retention.days(kind, null),
      ...retention.brandsWithOwn(kind).map((b) => retention.days(kind, b)),
    );
  /**
   * The months of a table whose last day is past the longest term of any brand go whole (a drop, not a
   * delete); what must stay is copied back first. Returns what `afterKeep` counted, or the rows dropped.
   */
  const dropMonths = async (trx: DB, table: MonthlyTable, days: number, afterKeep?: AfterKeep) => {
    let n = 0;
    if (!opts.dryRun) {
      const resumed = await resumeDetached(db, table, afterKeep);
      n += afterKeep ? resumed.counted : resumed.dropped;
    }
    for (const p of await partitionsOf(trx, table)) {
      if ((p.kind !== "month" && p.kind !== "legacy") || !p.to || p.to > cutoff(days)) continue;
      const out = await dropPartition(opts.dryRun ? trx : db, table, p, {
        dryRun: opts.dryRun,
        ...(afterKeep ? { afterKeep } : {}),
      });
      if (!out) continue; // busy: the next run
      n += afterKeep ? out.counted : out.dropped;
      partitions.push(p.name);
    }
    return n;
  };
  const work = async (trx: DB) => {
    const tombstone = Buffer.from(
      `purged on ${now.toISOString()}: its retention term ran out (docs/privacy.md). The SHA-256 and size of what was received are kept on the report.\r\n`,
    );
    // Feeds' raw bytes by the month first (their reports become tombstones), then reports row by row.
    counts.raw_reports += await dropMonths(trx, REPORT_CHUNKS, longest("raw_reports"), (t, part) =>
      tombstoneDroppedFeeds(t, part, tombstone),
    );
    const note = "[purged: its retention term ran out]";
    for (const kind of ["raw_reports", "messages"] as const) {
      const own = retention.brandsWithOwn(kind);
      const groups: { brands: string[] | null; days: number }[] = [
        ...own.map((b) => ({ brands: [b], days: retention.days(kind, b) })),
        { brands: null, days: retention.days(kind, null) },
      ];
      for (const g of groups) {
        const f = { cutoff: cutoff(g.days), brands: g.brands, except: own };
        counts[kind] += await drain(() =>
          kind === "raw_reports"
            ? purgeRawReports(trx, { ...f, tombstone })
            : purgeMessages(trx, { ...f, note }),
        );
      }
    }
    counts.reporters = await drain(() => purgeReporters(trx, cutoff(retention.days("reporters", null))));
    // Notifiers' data in notices follows the reporters' term.
    counts.reporters += await drain(() => purgeNotices(trx, cutoff(retention.days("reporters", null))));
    // Events (last: in a dry run, detaching a month holds the events table until the rollback): whole
    // months first, then, row by row, what no dropped month took (see purgeEvents).
    const ownEvents = retention.brandsWithOwn("events");
    counts.events += await dropMonths(trx, EVENTS, longest("events"));
    for (const g of [
      ...ownEvents.map((b) => ({ brands: [b], days: retention.days("events", b) })),
      { brands: null, days: retention.days("events", null) },
    ])
      counts.events += await drain(() =>
        purgeEvents(trx, { cutoff: cutoff(g.days), brands: g.brands, except: ownEvents }),
      );
    if (counts.raw_reports + counts.messages + counts.reporters + counts.events > 0 && !opts.dryRun)
      await db.transaction().execute((t) =>
        appendAudit(t, {
          actor: PURGE_ACTOR,
          action: "privacy.purge",
          subjectType: "privacy",
          subjectId: null,
          details: { counts, partitions },
        }),
      );
  };
  if (!opts.dryRun) {
    await ensureMonthlyPartitions(db);
    // One purge at a time over every process (two would race to detach the same month): a session lock
    // held on a connection of its own while the work uses the others; a run that finds it taken does
    // nothing (the other run does the work).
    await db.connection().execute(async (conn) => {
      const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${PURGE_LOCK}) as ok`.execute(
        conn,
      );
      if (!rows[0]?.ok) return;
      try {
        await work(db);
      } finally {
        await sql`select pg_advisory_unlock(${PURGE_LOCK})`.execute(conn);
      }
    });
    return counts;
  }
  // A dry run does the same work in a transaction that is rolled back: the counts are exact.
  await db
    .transaction()
    .execute(async (trx) => {
      await work(trx);
      throw new DryRun();
    })
    .catch((err) => {
      if (!(err instanceof DryRun)) throw err;
    });
  return counts;
}

/** The worker's hourly purge; returns the function that stops it. */
export function startRetentionWorker(db: DB, retention: Retention, log: Logger): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = runPurge(db, retention)
      .then((c) => {
        if (c.raw_reports + c.messages + c.reporters + c.events > 0)
          log.info({ counts: c }, "retention purge");
      })
      .catch((err) => log.error({ err }, "retention purge failed; it runs again within the hour"))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, PURGE_INTERVAL_MS);
  first.unref();
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
