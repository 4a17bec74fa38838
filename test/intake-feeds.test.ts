/**
 * Feeds of any size (issue 10): a CSV over the stream threshold is stored in chunks and processed in
 * batches, each its own transaction with the report's progress; gzip too; a process killed with SIGKILL in
 * the middle of a feed leaves it to a worker, which resumes after the last batch, and every row is stored
 * once. The threshold and batch size are set small here so that the test stays quick; bench/feeds.ts
 * measures the real sizes.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import { sql } from "kysely";
import { storeFeedFile, storeStreamedReport } from "../src/intake/feeds.ts";
import { REPORT_CHANNEL } from "../src/intake/report.store.ts";
import { reportSettled, runCli, spawnCli, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";

const THRESHOLD = 64 * 1024;
const BATCH = 1000;
let t: TestDesk;

before(async () => {
  t = await startTestDesk({ demo: true, config: { streamThreshold: THRESHOLD, streamBatchRows: BATCH } });
});
after(() => t.stop());

const db = () => t.desk.conn.db;
const env = () => ({
  DATABASE_URL: t.databaseUrl,
  ABUSEDESK_STREAM_THRESHOLD: String(THRESHOLD),
  ABUSEDESK_STREAM_BATCH_ROWS: String(BATCH),
});

/** A scan_ntp feed: every tenth row is a demo customer's address (ext-3001), one row is broken. */
function feed(rows: number, seed: number): Buffer {
  const lines = ['"timestamp","ip","protocol","port","hostname","asn","geo","region","city","version"'];
  for (let i = 0; i < rows; i++) {
    const ip = i % 10 === 0 ? `198.51.100.${(i / 10) % 120}` : `10.${seed}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(
      `"2026-12-02 01:${String(i % 60).padStart(2, "0")}:00","${i === 5 ? "not-an-ip" : ip}","udp",123,,1136,"NL","NOORD-HOLLAND","AMSTERDAM",4`,
    );
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

function writeFeed(name: string, data: Buffer): string {
  const file = path.join(tmpdir(), `${process.pid}-${Date.now()}-${name}`);
  writeFileSync(file, data);
  return file;
}

async function rowsOf(reportId: number) {
  const { rows } = await sql<{ n: number; lines: number }>`
    select count(*)::int as n, count(distinct (details->>'line'))::int as lines from events where report_id = ${reportId}`.execute(
    db(),
  );
  return rows[0]!;
}

test("a large CSV is stored in chunks and processed in batches: every row once, the broken one said", async () => {
  const rows = 20_000;
  const file = writeFeed("2026-12-02-scan_ntp-extin-asn.csv", feed(rows, 1));
  const run = await runCli(["ingest", file, "--brand", "extin"], env());
  assert.equal(run.code, 0, run.stderr);
  const id = Number(/report (\d+)/.exec(run.stdout)?.[1]);
  const report = await db().selectFrom("reports").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  assert.equal(report.streamed, true);
  assert.equal(report.state, "parsed");
  assert.equal(report.format, "shadowserver");
  assert.equal(report.raw.length, 0, "the bytes are in chunks, not in the row");
  assert.ok(
    report.warnings.some((w) => /line 7: "not-an-ip" is not an IP address/.test(w)),
    report.warnings.join("; "),
  );
  const chunks = await db()
    .selectFrom("report_chunks")
    .select(sql<number>`sum(length(data))::int`.as("bytes"))
    .where("report_id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(chunks.bytes), report.size);
  const stored = await rowsOf(id);
  assert.equal(stored.n, rows - 1);
  assert.equal(stored.lines, rows - 1, "no row twice");
  const progress = await db()
    .selectFrom("report_progress")
    .selectAll()
    .where("report_id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(progress.rows_done), rows);
  assert.equal(Number(progress.events), rows - 1);
  // The customer's rows went into a case like any feed's.
  const matched = await db()
    .selectFrom("events")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("report_id", "=", id)
    .where("customer_id", "=", "ext-3001")
    .executeTakeFirstOrThrow();
  assert.equal(Number(matched.n), rows / 10);

  // The same bytes again: a duplicate of that report, nothing stored twice.
  const again = await runCli(["ingest", file, "--brand", "extin"], env());
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`duplicate of report ${id}|report ${id}.*duplicate|already`));
  assert.equal((await rowsOf(id)).n, rows - 1);
});

test("a gzipped feed is streamed the same way", async () => {
  const rows = 5_000;
  const file = writeFeed("2026-12-02-scan_ntp-extin-asn.csv.gz", gzipSync(feed(rows, 2)));
  const run = await runCli(["ingest", file, "--brand", "extin", "--type", "scan_ntp"], env());
  assert.equal(run.code, 0, run.stderr);
  const id = Number(/report (\d+)/.exec(run.stdout)?.[1]);
  const stored = await rowsOf(id);
  assert.equal(stored.n, rows - 1);
});

test("a feed that is not CSV lands in triage with the reason, and a row ceiling is a clear reason", async () => {
  const junk = writeFeed("junk.csv", Buffer.alloc(THRESHOLD + 10, 0x22));
  const run = await runCli(["ingest", junk], env());
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout, /triage: Shadowserver CSV without a timestamp column/);
  const big = writeFeed("2026-12-02-scan_ntp-extin-ceiling.csv", feed(3000, 4));
  const capped = await runCli(["ingest", big], { ...env(), ABUSEDESK_MAX_FEED_ROWS: "1000" });
  assert.equal(capped.code, 2, capped.stdout + capped.stderr);
  assert.match(
    capped.stdout,
    /more than 1,000 rows \(ABUSEDESK_MAX_FEED_ROWS\); split it \(after 999 events were stored\)/,
  );
  // The API shows a streamed report's progress.
  const id = Number(/report (\d+)/.exec(capped.stdout)?.[1]);
  const view = (await (await t.api("agent", `/api/v1/reports/${id}`)).json()) as {
    processing: { streamed: boolean; rows_done: number };
  };
  assert.equal(view.processing.streamed, true);
  assert.equal(view.processing.rows_done, 1000);
});

test("killed with SIGKILL in the middle of a feed: a worker resumes after the last batch, every row once", async () => {
  const rows = 200_000;
  const file = writeFeed("2026-12-02-scan_ntp-extin-kill.csv", feed(rows, 3));
  const child = spawnCli(["ingest", file, "--brand", "extin"], env(), /./);
  child.started.catch(() => {}); // it is killed long before it says anything
  // Wait until some batches are committed, then kill the importer where it stands.
  const id = await waitFor(
    async () => {
      const { rows: r } = await sql<{ report_id: number; rows_done: number }>`
        select p.report_id, p.rows_done from report_progress p join reports r on r.id = p.report_id
        where r.filename = ${path.basename(file)}`.execute(db());
      return r[0] && Number(r[0].rows_done) >= 10 * BATCH ? Number(r[0].report_id) : undefined;
    },
    60_000,
    "the first batches to be committed",
  );
  child.child.kill("SIGKILL");
  await new Promise((resolve) => child.child.once("exit", resolve));
  const cut = await db()
    .selectFrom("reports")
    .select(["state"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(cut.state, "processing", "killed before the end");
  // The desk's worker (this test's desk) takes it up and finishes it.
  const done = await reportSettled(db(), id, 180_000, "the worker to finish the feed");
  assert.equal(done.state, "parsed", done.triage_reason ?? "");
  const stored = await rowsOf(id);
  assert.equal(stored.n, rows - 1, "every usable row stored");
  assert.equal(stored.lines, rows - 1, "and none twice");
});

test("a batch that fails in the database while the next is parsed: nothing half-stored, the report resumes", async () => {
  // Batches are stored while the next is parsed (feeds.ts); a failing one must neither become an unhandled
  // rejection (it would stop this process, whose worker runs it) nor be skipped. A trigger refuses the
  // third batch's progress of this feed until it is dropped.
  const rows = 6_000;
  const name = "2026-12-02-scan_ntp-extin-refused.csv";
  const file = writeFeed(name, feed(rows, 6));
  await sql`create function refuse_third_batch() returns trigger language plpgsql as $$
    begin
      if new.rows_done > 2000 and exists (select 1 from reports r where r.id = new.report_id
          and r.filename = ${sql.lit(name)}) then
        raise exception 'the third batch is refused by the test';
      end if;
      return new;
    end $$`.execute(db());
  await sql`create trigger refuse_third_batch before insert or update on report_progress
    for each row execute function refuse_third_batch()`.execute(db());
  let id: number;
  try {
    const stored = await storeFeedFile(
      t.desk.services,
      file,
      { channel: "file", filename: name, brandId: "extin", hint: { type: "scan_ntp" } },
      { wake: true },
    );
    id = stored.id;
    const failed = await waitFor(
      async () => {
        const r = await db()
          .selectFrom("reports")
          .select(["state", "last_error"])
          .where("id", "=", id)
          .executeTakeFirst();
        return r?.last_error ? r : undefined;
      },
      60_000,
      "the desk's worker to record the failed batch",
    );
    assert.match(failed.last_error ?? "", /the third batch is refused by the test/);
    assert.equal(failed.state, "processing", "not finished after a failed batch");
    const progress = await db()
      .selectFrom("report_progress")
      .selectAll()
      .where("report_id", "=", id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(progress.rows_done), 2000, "two batches committed");
    assert.equal((await rowsOf(id)).n, 2000 - 1, "their events, and nothing of the third");
  } finally {
    await sql`drop trigger refuse_third_batch on report_progress`.execute(db());
    await sql`drop function refuse_third_batch()`.execute(db());
  }
  // The next attempt (brought forward here) resumes after the second batch.
  await sql`update reports set next_attempt_at = now() where id = ${id}`.execute(db());
  await sql`select pg_notify(${REPORT_CHANNEL}, ${String(id)})`.execute(db());
  const done = await reportSettled(db(), id, 60_000, "the worker to finish the feed");
  assert.equal(done.state, "parsed", done.triage_reason ?? "");
  const all = await rowsOf(id);
  assert.equal(all.n, rows - 1, "every usable row stored");
  assert.equal(all.lines, rows - 1, "and none twice");
});

test("the same feed uploaded twice at the same time: one report, the other upload says it is a duplicate", async () => {
  const data = feed(3_000, 7);
  let arrived = 0;
  let release: () => void = () => {};
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Both uploads have every byte before either finishes: they race to the last step.
  async function* source() {
    yield data.subarray(0, 1000);
    yield data.subarray(1000);
    if (++arrived === 2) release();
    await together;
  }
  const meta = {
    channel: "api" as const,
    filename: "2026-12-02-scan_ntp-extin-twice.csv",
    brandId: "extin",
    hint: { type: "scan_ntp" },
  };
  const limits = { maxBytes: 1 << 30 };
  const [a, b] = await Promise.all([
    storeStreamedReport(db(), source(), meta, limits),
    storeStreamedReport(db(), source(), meta, limits),
  ]);
  assert.equal(a.id, b.id, "one report");
  assert.deepEqual([a.duplicate, b.duplicate].sort(), [false, true]);
  const rows = await db().selectFrom("reports").select("id").where("filename", "=", meta.filename).execute();
  assert.deepEqual(
    rows.map((r) => r.id),
    [a.id],
    "the other upload's row is gone",
  );
});

test("POST /api/v1/feeds takes a feed of any size as it arrives: 202 once stored, the workers process it; the original comes back whole", async () => {
  const rows = 12_000;
  const csv = feed(rows, 5);
  const res = await t.api(
    "agent",
    "/api/v1/feeds?brand=extin&type=scan_ntp&filename=2026-12-02-scan_ntp-api.csv",
    {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: csv,
    },
  );
  const text = await res.text();
  assert.equal(res.status, 202, text);
  const view = JSON.parse(text) as { id: number; state: string; processing: { streamed: boolean } };
  assert.equal(view.processing.streamed, true);
  const done = await reportSettled(db(), view.id, 60_000, "the workers to process the feed");
  assert.equal(done.state, "parsed", done.triage_reason ?? "");
  assert.equal((await rowsOf(view.id)).n, rows - 1);
  // The evidence as it came, byte for byte, from its chunks.
  const raw = await t.api("agent", `/api/v1/reports/${view.id}/raw`);
  assert.equal(raw.status, 200);
  assert.ok(Buffer.from(await raw.arrayBuffer()).equals(csv));
  // gzip, and a type that is not a feed.
  const gz = await t.api("agent", "/api/v1/feeds?brand=extin&type=scan_ntp", {
    method: "POST",
    headers: { "content-type": "application/gzip" },
    body: gzipSync(feed(3_000, 6)),
  });
  assert.equal(gz.status, 202, await gz.clone().text());
  const wrong = await t.api("agent", "/api/v1/feeds?brand=extin", {
    method: "POST",
    headers: { "content-type": "message/rfc822" },
    body: "Subject: x\r\n\r\nx",
  });
  assert.equal(wrong.status, 415);
  const reader = await t.api("auditor", "/api/v1/feeds?brand=extin", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: csv,
  });
  assert.equal(reader.status, 403);
});

test("the retention purge takes a feed's chunks past its term, like any raw report", async () => {
  const file = writeFeed("2026-12-02-scan_ntp-extin-old.csv", feed(2_000, 7));
  const run = await runCli(["ingest", file, "--brand", "extin"], env());
  assert.equal(run.code, 0, run.stderr);
  const id = Number(/report (\d+)/.exec(run.stdout)?.[1]);
  // A privacy export of the sender holds the feed as it was received (from its chunks).
  const exported = await t.api("legal", "/api/v1/privacy/export?subject=The%20Shadowserver%20Foundation");
  assert.equal(exported.status, 200, await exported.clone().text());
  const files = unzipSync(new Uint8Array(await exported.arrayBuffer()));
  const raw = files[`raw/report-${id}.eml`];
  assert.ok(raw, Object.keys(files).join(", "));
  assert.ok(Buffer.from(raw).equals(readFileSync(file)), "the export has the feed's bytes");
  await sql`update reports set received_at = now() - interval '400 days' where id = ${id}`.execute(db());
  // Its case is closed, so it is no longer evidence in an open case.
  await sql`update cases set state = 'closed', closed_at = now() where id in (select case_id from events where report_id = ${id})`.execute(
    db(),
  );
  const purge = await runCli(["privacy", "purge"], env());
  assert.equal(purge.code, 0, purge.stderr);
  const left = await db().selectFrom("report_chunks").select("seq").where("report_id", "=", id).execute();
  assert.equal(left.length, 0);
  const report = await db()
    .selectFrom("reports")
    .select(["raw", "sha256"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.match(report.raw.toString("utf8"), /purged on/);
});
