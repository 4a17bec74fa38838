/**
 * Events in monthly partitions (issue 9; migration 0018, src/db/partitions.ts): the months ahead are
 * made at start, a month made later takes its events out of the default partition, and the retention purge
 * drops a month whose term has run out as a whole, keeping the events that are evidence in an open case;
 * what no month took (the default partition) goes row by row. The cases' counts and the audit chain stay.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import {
  ensureEventPartitions,
  ensurePartitions,
  monthStart,
  PARTITION_MONTHS_AHEAD,
  partitionName,
  partitionsOf,
  REPORT_CHUNKS,
} from "../src/db/partitions.ts";
import { storeStreamedReport } from "../src/intake/feeds.ts";
import { runPurge } from "../src/privacy/purge.ts";
import { retentionOf } from "../src/privacy/retention.ts";
import { reportSettled, runCli, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const db = () => t.desk.services.db;
const DAY = 86_400_000;

async function partitionOf(id: number): Promise<string | undefined> {
  const { rows } = await sql<{ part: string }>`
    select tableoid::regclass::text as part from events where id = ${id}`.execute(db());
  return rows[0]?.part;
}

test("the current month and the months ahead have their partitions, and a default takes the rest", async () => {
  const parts = await partitionsOf(db());
  const now = new Date();
  for (let m = 0; m <= PARTITION_MONTHS_AHEAD; m++) {
    const from = monthStart(now, m);
    const p = parts.find((x) => x.name === partitionName(from));
    assert.ok(p, `${partitionName(from)} exists: ${parts.map((x) => x.name).join(", ")}`);
    assert.equal(p.kind, "month");
    assert.equal(p.from?.toISOString(), from.toISOString());
    assert.equal(p.to?.toISOString(), monthStart(now, m + 1).toISOString());
  }
  assert.ok(parts.some((p) => p.kind === "default"));
  // Made again: nothing new.
  assert.deepEqual(await ensureEventPartitions(db()), []);
});

test("the purge drops a month past its term whole, keeps an open case's events, and takes the default partition's old rows", async () => {
  const cases = await db()
    .selectFrom("cases")
    .select(["id", "state", "event_count"])
    .where("event_count", ">", 0)
    .orderBy("id")
    .execute();
  assert.ok(cases.length >= 3, "the demo has cases with events");
  const [open, closed, older] = cases;
  await db()
    .updateTable("cases")
    .set({ state: "closed" })
    .where("id", "in", [closed!.id, older!.id])
    .execute();
  await db().updateTable("cases").set({ state: "new" }).where("id", "=", open!.id).execute();

  // Two years and three months ago: a month that has no partition yet, so its events go to the default.
  const then = monthStart(new Date(Date.now() - 820 * DAY));
  const at = new Date(then.getTime() + 3 * DAY);
  await db()
    .updateTable("events")
    .set({ received_at: at })
    .where("case_id", "in", [open!.id, closed!.id])
    .execute();
  // Older still: a month no partition will ever be made for (row by row).
  await db()
    .updateTable("events")
    .set({ received_at: new Date(at.getTime() - 200 * DAY) })
    .where("case_id", "=", older!.id)
    .execute();
  const ids = async (caseId: number) =>
    (await db().selectFrom("events").select("id").where("case_id", "=", caseId).execute()).map((r) => r.id);
  const openIds = await ids(open!.id);
  const closedIds = await ids(closed!.id);
  const olderIds = await ids(older!.id);
  assert.ok(openIds.length > 0 && closedIds.length > 0 && olderIds.length > 0);
  assert.equal(await partitionOf(closedIds[0]!), "events_default");

  // The month's partition is made (as the worker would have, then): it takes its events out of the default.
  const made = await ensureEventPartitions(db(), then);
  assert.ok(made.includes(partitionName(then)), made.join(", "));
  assert.equal(await partitionOf(closedIds[0]!), partitionName(then));
  assert.equal(await partitionOf(olderIds[0]!), "events_default");
  const total = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from events`.execute(db())).rows[0]?.n ?? 0);
  const before = await total();

  const retention = retentionOf("");
  // A dry run counts what would go and takes nothing.
  const dry = await runPurge(db(), retention, { dryRun: true });
  assert.equal(dry.events, closedIds.length + olderIds.length);
  assert.equal(await total(), before);
  assert.ok((await partitionsOf(db())).some((p) => p.name === partitionName(then)));

  const counts = await runPurge(db(), retention);
  assert.equal(counts.events, closedIds.length + olderIds.length);
  assert.equal(await total(), before - closedIds.length - olderIds.length);
  const left = await partitionsOf(db());
  assert.ok(!left.some((p) => p.name === partitionName(then)), "the month is dropped whole");
  assert.ok(
    left.some((p) => p.name === partitionName(new Date())),
    "this month stays",
  );
  // The open case's events stay, now in the default partition; the closed cases' events are gone.
  assert.deepEqual((await ids(open!.id)).sort(), openIds.sort());
  assert.equal(await partitionOf(openIds[0]!), "events_default");
  assert.deepEqual(await ids(closed!.id), []);
  assert.deepEqual(await ids(older!.id), []);
  // The counts stay on the cases, the purge is audited, and the chain holds.
  const after = await db()
    .selectFrom("cases")
    .select(["id", "event_count"])
    .where("id", "in", [open!.id, closed!.id, older!.id])
    .orderBy("id")
    .execute();
  assert.deepEqual(
    after.map((c) => c.event_count),
    [open!, closed!, older!].sort((a, b) => a.id - b.id).map((c) => c.event_count),
  );
  const entry = await db()
    .selectFrom("audit_log")
    .select("details")
    .where("action", "=", "privacy.purge")
    .orderBy("seq", "desc")
    .executeTakeFirstOrThrow();
  const details = entry.details as { counts: { events: number }; partitions: string[] };
  assert.equal(details.counts.events, counts.events);
  assert.ok(details.partitions.includes(partitionName(then)), details.partitions.join(", "));
  const verify = await runCli(["audit", "verify"], { DATABASE_URL: t.databaseUrl });
  assert.equal(verify.code, 0, verify.stderr);

  // Once the open case is finished, the row-level purge takes its events from the default partition.
  await db().updateTable("cases").set({ state: "closed" }).where("id", "=", open!.id).execute();
  const later = await runPurge(db(), retention);
  assert.equal(later.events, openIds.length);
  assert.deepEqual(await ids(open!.id), []);
});

test("a month detached by a run that stopped before dropping it is finished by the next run", async () => {
  const then = monthStart(new Date(Date.now() - 900 * DAY));
  const kase = await db()
    .selectFrom("cases")
    .select("id")
    .where("event_count", ">", 0)
    .where("state", "not in", ["closed", "resolved", "rejected"])
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await db().updateTable("cases").set({ state: "closed" }).where("id", "=", kase.id).execute();
  const n = (await db().selectFrom("events").select("id").where("case_id", "=", kase.id).execute()).length;
  assert.ok(n > 0);
  await db()
    .updateTable("events")
    .set({ received_at: new Date(then.getTime() + DAY) })
    .where("case_id", "=", kase.id)
    .execute();
  await ensureEventPartitions(db(), then);
  await sql`alter table events detach partition ${sql.id(partitionName(then))}`.execute(db());
  const counts = await runPurge(db(), retentionOf(""));
  assert.ok(counts.events >= n, `${counts.events} >= ${n}`);
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from pg_class where relname = ${partitionName(then)}`.execute(db());
  assert.equal(Number(rows[0]?.n), 0, "the detached month is dropped");
});

test("feeds' raw bytes: a month of chunks past the raw term is dropped whole, its reports become tombstones; a feed that is evidence stays", async () => {
  /** A small scan_ntp feed about a demo customer (ext-3001), stored in chunks and processed by the desk. */
  const feedReport = async (seed: number) => {
    const lines = ['"timestamp","ip","protocol","port","hostname","asn","geo","region","city","version"'];
    for (let i = 0; i < 50; i++)
      lines.push(
        `"2026-12-02 01:${String(i).padStart(2, "0")}:00","198.51.100.${seed + i}","udp",123,,1136,"NL","NOORD-HOLLAND","AMSTERDAM",4`,
      );
    const stored = await storeStreamedReport(
      db(),
      (async function* () {
        yield Buffer.from(`${lines.join("\n")}\n`);
      })(),
      {
        channel: "file",
        filename: `2026-12-02-scan_ntp-extin-chunks-${seed}.csv`,
        brandId: "extin",
        hint: { type: "scan_ntp" },
      },
      { maxBytes: 1 << 30 },
      { wake: true },
    );
    await reportSettled(db(), stored.id, 30_000, "the feed to be processed");
    return stored.id;
  };
  const gone = await feedReport(1);
  const evidence = await feedReport(60);
  // Both three years old; the cases of their events are closed, except one that holds an event of the second.
  const then = monthStart(new Date(Date.now() - 3 * 365 * DAY));
  const at = new Date(then.getTime() + 2 * DAY);
  for (const id of [gone, evidence]) {
    await db().updateTable("reports").set({ received_at: at }).where("id", "=", id).execute();
    await db().updateTable("report_chunks").set({ received_at: at }).where("report_id", "=", id).execute();
  }
  await sql`update cases set state = 'closed' where id in (select case_id from events where report_id in (${gone}, ${evidence}))`.execute(
    db(),
  );
  const open = await db()
    .selectFrom("cases")
    .select("id")
    .where("state", "not in", ["closed", "resolved", "rejected"])
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await sql`update events set case_id = ${open.id} where id = (select min(id) from events where report_id = ${evidence})`.execute(
    db(),
  );
  await ensurePartitions(db(), REPORT_CHUNKS, then);
  const partitionOfChunk = async (id: number) =>
    (
      await sql<{
        part: string;
      }>`select tableoid::regclass::text as part from report_chunks where report_id = ${id}`.execute(db())
    ).rows[0]?.part;
  assert.equal(await partitionOfChunk(gone), partitionName(then, REPORT_CHUNKS));

  const counts = await runPurge(db(), retentionOf(""));
  assert.ok(counts.raw_reports >= 1, JSON.stringify(counts));
  assert.ok(
    !(await partitionsOf(db(), REPORT_CHUNKS)).some((p) => p.name === partitionName(then, REPORT_CHUNKS)),
  );
  const raw = async (id: number) =>
    await db()
      .selectFrom("reports")
      .select(["raw", "sha256", "size"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  const tomb = await raw(gone);
  assert.match(tomb.raw.toString(), /^purged on .*retention term ran out/);
  assert.ok(tomb.sha256.length === 64 && tomb.size > 0, "what arrived is still on record");
  assert.equal(await partitionOfChunk(gone), undefined, "its chunks are gone");
  // The feed that is evidence in an open case keeps its bytes (now in the default partition).
  assert.equal((await raw(evidence)).raw.length, 0);
  assert.equal(await partitionOfChunk(evidence), "report_chunks_default");
  const entry = await db()
    .selectFrom("audit_log")
    .select("details")
    .where("action", "=", "privacy.purge")
    .orderBy("seq", "desc")
    .executeTakeFirstOrThrow();
  assert.ok(
    (entry.details as { partitions: string[] }).partitions.includes(partitionName(then, REPORT_CHUNKS)),
  );
});

test("two purges at once (two worker processes): one does the work, the other nothing, neither fails", async () => {
  const then = monthStart(new Date(Date.now() - 1000 * DAY));
  const kase = await db()
    .selectFrom("cases")
    .select("id")
    .where("event_count", ">", 0)
    .where("state", "not in", ["closed", "resolved", "rejected"])
    .orderBy("id")
    .executeTakeFirstOrThrow();
  await db().updateTable("cases").set({ state: "closed" }).where("id", "=", kase.id).execute();
  const n = (await db().selectFrom("events").select("id").where("case_id", "=", kase.id).execute()).length;
  await db()
    .updateTable("events")
    .set({ received_at: new Date(then.getTime() + DAY) })
    .where("case_id", "=", kase.id)
    .execute();
  await ensureEventPartitions(db(), then);
  const [a, b] = await Promise.all([runPurge(db(), retentionOf("")), runPurge(db(), retentionOf(""))]);
  assert.equal(a.events + b.events, n);
  assert.ok(!(await partitionsOf(db())).some((p) => p.name === partitionName(then)));
});

test("processes that start together make each month's partition once", async () => {
  const later = monthStart(new Date(), 30);
  const made = await Promise.all([1, 2, 3].map(() => ensureEventPartitions(db(), later)));
  assert.deepEqual(made.flat().sort(), [0, 1, 2].map((m) => partitionName(monthStart(later, m))).sort());
});
