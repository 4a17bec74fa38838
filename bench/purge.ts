/**
 * The retention purge of events (issue 9; src/db/partitions.ts, src/privacy/purge.ts), on the embedded
 * PostgreSQL in a temporary folder: 10,000,000 events past their term in ten monthly partitions are purged
 * by dropping the months; for contrast, 100,000 events that no month holds go row by row. Intake speed is
 * measured with a Shadowserver feed (as bench/feeds.ts) before the old events exist, with them stored, and
 * while the purge runs: partitions must not slow intake, and dropping a month must not stall it.
 * Run: node --import tsx bench/purge.ts   (EVENTS=1000000 for a shorter run)
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { ensureEventPartitions, monthStart, partitionsOf } from "../src/db/partitions.ts";
import { ingestFile } from "../src/intake/files.ts";
import { PURGE_BATCH, purgeEvents } from "../src/privacy/privacy.store.ts";
import { MAX_PURGE_BATCHES_PER_RUN, runPurge } from "../src/privacy/purge.ts";
import { retentionOf } from "../src/privacy/retention.ts";
import { feedBenchDesk, writeFeed } from "./feeds.ts";

const EVENTS = Number(process.env.EVENTS ?? 10_000_000);
const MONTHS = 10;
const FEED_ROWS = 200_000;
const ROW_BY_ROW = PURGE_BATCH * MAX_PURGE_BATCHES_PER_RUN;
const DAY = 86_400_000;

const fmt = (n: number) => Math.round(n).toLocaleString("en");

export async function main(): Promise<void> {
  const { dir, services, close } = await feedBenchDesk("abusedesk-bench-purge-");
  const db = services.db;
  let feeds = 0;
  /** A feed of FEED_ROWS rows through ingestFile, as `abusedesk ingest`; its rows/s. */
  const intake = async () => {
    const file = path.join(dir, `2026-03-04-scan_ntp-purge-bench-${++feeds}.csv`);
    await writeFeed(file, FEED_ROWS, feeds);
    const t0 = performance.now();
    const result = await ingestFile(services, file, { brand: "x2com-nl" });
    const s = (performance.now() - t0) / 1000;
    const r = result.reports[0];
    if (r?.state !== "parsed") throw new Error(`bench feed: ${r?.state} ${r?.triageReason ?? result.error}`);
    return r.events / s;
  };
  try {
    console.log(`purge benchmark on the embedded PostgreSQL in ${dir}`);
    // The first feed opens the customers' cases; every feed after it adds to them (the same work each).
    await intake();
    const before = await intake();

    // The old events: a closed case's, three years ago, in MONTHS monthly partitions.
    const kase = await db
      .selectFrom("cases")
      .select(["id", "brand_id"])
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await db.updateTable("cases").set({ state: "closed" }).where("id", "=", kase.id).execute();
    const report = await db.selectFrom("reports").select("id").orderBy("id").executeTakeFirstOrThrow();
    const first = monthStart(new Date(Date.now() - 3 * 365 * DAY));
    const fill = async (from: Date, n: number) =>
      sql`
        insert into events (report_id, brand_id, category, kind, subject_ip, occurred_at, received_at,
          resolution, case_id, details)
        select ${report.id}, ${kase.brand_id}, 'scan', 'abuse', '10.0.0.0'::inet + (i % 16000000), t.at, t.at,
          'matched', ${kase.id}, '{}'::json
        from generate_series(1, ${n}) i
        cross join lateral (select ${from}::timestamptz + (i % (27 * 86400)) * interval '1 second' as at) t`.execute(
        db,
      );
    let t0 = performance.now();
    for (let m = 0; m < MONTHS; m++) {
      const from = monthStart(first, m);
      await ensureEventPartitions(db, from);
      await fill(from, Math.floor(EVENTS / MONTHS));
    }
    // Older still, in a month no partition holds (the default partition): these go row by row.
    await fill(monthStart(first, -24), ROW_BY_ROW);
    const fillS = (performance.now() - t0) / 1000;
    // As a desk that has run for months: the old months vacuumed and analysed long ago.
    await sql`vacuum (analyze) events`.execute(db);
    const end = monthStart(first, MONTHS);
    const months = (await partitionsOf(db)).filter(
      (p) => p.kind === "month" && p.from && p.to && p.from >= first && p.to <= end,
    );
    console.log(
      `stored ${fmt(EVENTS)} old events in ${MONTHS} monthly partitions and ${fmt(ROW_BY_ROW)} in the default partition in ${fillS.toFixed(0)} s (${fmt((EVENTS + ROW_BY_ROW) / fillS)} rows/s); ${months.length} monthly partitions hold them`,
    );
    const withOld = await intake();

    // Row by row first, alone: what the purge would cost without partitions.
    t0 = performance.now();
    let rowByRow = 0;
    for (let i = 0; i < MAX_PURGE_BATCHES_PER_RUN; i++) {
      const n = await purgeEvents(db, {
        cutoff: new Date(monthStart(first, -23).getTime()),
        brands: null,
        except: [],
      });
      rowByRow += n;
      if (n === 0) break;
    }
    const rowS = (performance.now() - t0) / 1000;
    console.log(
      `row by row: ${fmt(rowByRow)} events deleted in ${rowS.toFixed(1)} s = ${fmt(rowByRow / rowS)} events/s (${fmt(EVENTS)} would take ${fmt(EVENTS / (rowByRow / rowS))} s, and leave as many dead rows for vacuum)`,
    );

    // The purge of the months while a feed comes in.
    let purgeS = 0;
    let purged = 0;
    const during = intake();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    t0 = performance.now();
    const counts = await runPurge(db, retentionOf(""));
    purgeS = (performance.now() - t0) / 1000;
    purged = counts.events;
    const whilePurging = await during;
    if (purged !== EVENTS - (EVENTS % MONTHS))
      throw new Error(`the purge took ${purged} events, not ${EVENTS - (EVENTS % MONTHS)}`);
    console.log(
      `purge: ${fmt(purged)} events in ${MONTHS} months dropped in ${purgeS.toFixed(1)} s = ${fmt(purged / purgeS)} events/s`,
    );
    console.log(
      `intake (${fmt(FEED_ROWS)}-row feed): ${fmt(before)} rows/s before the old events, ${fmt(withOld)} rows/s with ${fmt(EVENTS)} old events stored, ${fmt(whilePurging)} rows/s while the purge ran`,
    );
  } finally {
    await close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
