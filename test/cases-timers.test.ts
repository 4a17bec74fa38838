import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { loadPolicies } from "../src/app.ts";
import { auditTrail } from "../src/audit.ts";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { startCaseWorkers } from "../src/cases/timers.ts";
import { loadConfig } from "../src/config.ts";
import { loadDemo } from "../src/demo.ts";
import { Jobs } from "../src/jobs.ts";
import type { Services } from "../src/server.ts";
import { caseRow, openCaseFor } from "./cases.fixtures.ts";
import { migratedDatabase, quietLog, waitFor } from "./helpers.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
  await loadDemo(env.conn.db, SYSTEM);
});
after(() => env.close());

test("a deadline that passed while no worker ran escalates when a worker starts, once", async () => {
  const db = env.conn.db;
  const policies = await loadPolicies(loadConfig({}, {}));
  // A complaint received a week ago: its reply to the reporter (2 working days) ran out meanwhile.
  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  const overdue = await openCaseFor(db, policies, {
    brand: "x2com-be",
    customer: "x2b-2001",
    category: "spam",
    ip: "192.0.2.130",
    receivedAt: weekAgo,
    occurredAt: weekAgo,
  });
  const fresh = await openCaseFor(db, policies, {
    brand: "x2com-be",
    customer: "x2b-2002",
    category: "spam",
    ip: "192.0.2.200",
  });
  assert.equal((await caseRow(db, overdue)).escalated, false);

  const jobs = await Jobs.start(env.tdb.url, quietLog, { supervise: false });
  const ctx = { conn: env.conn, jobs, log: quietLog, services: { config: loadConfig({}, {}) } as Services };
  const stops = [await startCaseWorkers(ctx), await startCaseWorkers(ctx)];
  try {
    // The first sweep runs before startCaseWorkers returns.
    const c = await caseRow(db, overdue);
    assert.equal(c.escalated, true);
    assert.equal((await caseRow(db, fresh)).escalated, false);
    const d = await db
      .selectFrom("case_deadlines")
      .selectAll()
      .where("case_id", "=", overdue)
      .where("name", "=", "reply_to_reporter")
      .executeTakeFirstOrThrow();
    assert.ok(d.escalated_at);
    const ack = await db
      .selectFrom("case_deadlines")
      .selectAll()
      .where("case_id", "=", overdue)
      .where("name", "=", "acknowledge_receipt")
      .executeTakeFirstOrThrow();
    assert.equal(ack.escalated_at, null, "the automatic acknowledgement does not escalate");

    const trail = await auditTrail(db, "case", overdue);
    const escalations = trail.filter((e) => e.action === "case.escalate");
    assert.equal(escalations.length, 1, "two workers, one escalation");
    assert.equal(escalations[0]!.actor, "system:deadlines");
    assert.equal((escalations[0]!.details as { deadline: string }).deadline, "reply_to_reporter");

    const notes = await db
      .selectFrom("case_notifications")
      .selectAll()
      .where("case_id", "=", overdue)
      .execute();
    assert.equal(notes.length, 1);
    assert.ok(notes[0]!.queued_at, "the notification job was queued");
    const queued = await waitFor(
      async () => {
        const r = await sql<{ n: number }>`select count(*)::int as n from pgboss.job
        where name = 'notify.supervisor' and data->>'case_id' = ${String(overdue)}`.execute(db);
        return r.rows[0]!.n > 0 ? r.rows[0]!.n : undefined;
      },
      10_000,
      "the notify.supervisor job",
    );
    assert.equal(queued, 1);
  } finally {
    for (const stop of stops) await stop();
    await jobs.stop();
  }
});
