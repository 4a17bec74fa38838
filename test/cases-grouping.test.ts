import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { loadPolicies } from "../src/app.ts";
import { auditTrail } from "../src/audit.ts";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { loadDemo } from "../src/demo.ts";
import type { PolicyProfile } from "../src/policy/schema.ts";
import {
  caseRow,
  countOpenCases,
  group,
  insertCustomer,
  insertEvents,
  insertReport,
  openCaseFor,
} from "./cases.fixtures.ts";
import { migratedDatabase } from "./helpers.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
let policies: ReadonlyMap<string, PolicyProfile>;
before(async () => {
  env = await migratedDatabase();
  await loadDemo(env.conn.db, SYSTEM);
  policies = await loadPolicies(loadConfig({}, {}));
});
after(() => env.close());

const day = 86_400_000;

test("ten thousand feed rows about one customer's hosts become one case listing the hosts", async () => {
  const db = env.conn.db;
  await insertCustomer(db, "g-feed", "x2com-nl");
  const report = await insertReport(db, { format: "shadowserver" });
  const specs = Array.from({ length: 10_000 }, (_, i) => ({
    brand: "x2com-nl",
    customer: "g-feed",
    category: "botnet" as const,
    ip: `10.1.${Math.floor(i / 250) % 40}.${i % 250}`,
  }));
  const events = await insertEvents(db, report, specs);
  const ids = await group(db, policies, events);
  assert.equal(ids.length, 1);
  const c = await caseRow(db, ids[0]!);
  assert.equal(c.event_count, 10_000);
  assert.equal(c.subject_count, 10_000);
  assert.equal(c.subject_key, "*");
  assert.equal(c.priority, 3);
  const unlinked = await sql<{ n: number }>`select count(*)::int as n from events
    where report_id = ${report} and case_id is distinct from ${c.id}`.execute(db);
  assert.equal(unlinked.rows[0]!.n, 0);
  // A feed has no reporter waiting: no acknowledgement or reply clocks.
  const deadlines = await db.selectFrom("case_deadlines").selectAll().where("case_id", "=", c.id).execute();
  assert.deepEqual(deadlines, []);
  // One audit entry for the case, not one per event.
  const trail = await auditTrail(db, "case", c.id);
  assert.deepEqual(
    trail.map((e) => e.action),
    ["case.open"],
  );
  // (A report is grouped once: intake processes it in one transaction under the report's row lock,
  // and a processed report is not processed again; see test/intake-*.)
});

test("a reporter's complaint opens a case with the brand's clocks", async () => {
  const db = env.conn.db;
  const receivedAt = new Date("2026-04-24T08:00:00Z"); // Friday 10:00 in Amsterdam
  const id = await openCaseFor(db, policies, {
    brand: "x2com-nl",
    customer: "x2c-1001",
    category: "spam",
    ip: "192.0.2.10",
    receivedAt,
  });
  const rows = await db
    .selectFrom("case_deadlines")
    .select(["name", "due_at", "source"])
    .where("case_id", "=", id)
    .orderBy("due_at")
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.name, r.due_at.toISOString()]),
    [
      ["acknowledge_receipt", "2026-04-24T08:00:00.000Z"],
      // King's Day (27 April) is no working day.
      ["reply_to_reporter", "2026-04-29T08:00:00.000Z"],
    ],
  );
  const c = await caseRow(db, id);
  // The automatic acknowledgement does not order the queue; the reply does.
  assert.equal((c.next_due_at as Date).toISOString(), "2026-04-29T08:00:00.000Z");
});

test("events that are not ours or still pending get no case", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const [e] = await insertEvents(db, report, [
    { brand: "x2com-nl", customer: "x2c-1002", category: "spam", ip: "192.0.2.70" },
  ]);
  const ids = await group(db, policies, [
    { ...e!, resolution: "not_ours", customer_id: null },
    { ...e!, resolution: "pending", customer_id: null },
  ]);
  assert.deepEqual(ids, []);
});

test("20 parallel intakes for the same key make exactly one case with every event", async () => {
  const db = env.conn.db;
  await insertCustomer(db, "g-par", "extin");
  const batches = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const report = await insertReport(db);
      return insertEvents(
        db,
        report,
        Array.from({ length: 5 }, (_, j) => ({
          brand: "extin",
          customer: "g-par",
          category: "spam" as const,
          ip: `10.2.${i}.${j}`,
        })),
      );
    }),
  );
  const results = await Promise.all(batches.map((events) => group(db, policies, events)));
  const ids = new Set(results.flat());
  assert.equal(ids.size, 1);
  assert.equal(await countOpenCases(db, "g-par"), 1);
  const c = await caseRow(db, [...ids][0]!);
  assert.equal(c.event_count, 100);
  assert.equal(c.subject_count, 100);
  const opens = await sql<{ n: number }>`select count(*)::int as n from audit_log
    where action = 'case.open' and subject_id = ${String(c.id)}`.execute(db);
  assert.equal(opens.rows[0]!.n, 1);
});

test("a new event after the case was closed opens a new case", async () => {
  const db = env.conn.db;
  await insertCustomer(db, "g-closed", "extin");
  const spec = { brand: "extin", customer: "g-closed", category: "spam" as const, ip: "10.3.0.1" };
  const first = await openCaseFor(db, policies, spec);
  assert.equal(await openCaseFor(db, policies, spec), first);
  await db
    .updateTable("cases")
    .set({ state: "closed", closed_at: new Date() })
    .where("id", "=", first)
    .execute();
  const second = await openCaseFor(db, policies, spec);
  assert.notEqual(second, first);
  assert.equal((await caseRow(db, second)).event_count, 1);
});

test("events after the window of silence open a new case; the quiet one is closed, with the reason", async () => {
  const db = env.conn.db;
  await insertCustomer(db, "g-window", "webxtra");
  const spec = {
    brand: "webxtra",
    customer: "g-window",
    category: "phishing" as const,
    url: "http://w.example/",
  };
  const old = new Date(Date.now() - 40 * day);
  const first = await openCaseFor(db, policies, { ...spec, occurredAt: old, receivedAt: old });
  const second = await openCaseFor(db, policies, spec);
  assert.notEqual(second, first, "30 days without events: a new case");
  assert.equal((await caseRow(db, first)).state, "closed");
  const trail = await auditTrail(db, "case", first);
  assert.match(JSON.stringify(trail.at(-1)?.details), /grouping window/);

  // A configured window of 60 days keeps them together.
  await db
    .insertInto("case_windows")
    .values({ brand_id: "webxtra", category: "*", window_days: 60 })
    .execute();
  await insertCustomer(db, "g-window2", "webxtra");
  const spec2 = { ...spec, customer: "g-window2" };
  const a = await openCaseFor(db, policies, { ...spec2, occurredAt: old, receivedAt: old });
  assert.equal(await openCaseFor(db, policies, spec2), a);
});

test("priority: an NTD about CSAM is urgent, and NTD cases are per URL", async () => {
  const db = env.conn.db;
  await insertCustomer(db, "g-ntd", "extin");
  const a = await openCaseFor(db, policies, {
    brand: "extin",
    customer: "g-ntd",
    category: "csam",
    url: "http://a.example/1",
  });
  const b = await openCaseFor(db, policies, {
    brand: "extin",
    customer: "g-ntd",
    category: "csam",
    url: "http://a.example/2",
  });
  assert.notEqual(a, b);
  assert.equal((await caseRow(db, a)).priority, 1);
  assert.equal((await caseRow(db, a)).kind, "ntd");
});
