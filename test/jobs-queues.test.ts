/**
 * The first sends to a new queue often come at once (four approvers at the start of a day): they must all
 * be queued. pg-boss's create_queue run concurrently can deadlock; a send that failed that way was lost.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { Jobs } from "../src/jobs.ts";
import { migratedDatabase, quietLog } from "./helpers.ts";

test("concurrent first sends to new queues are all queued", async () => {
  const env = await migratedDatabase();
  const jobs = await Jobs.start(env.tdb.url, quietLog, { supervise: false });
  try {
    const names = ["probe.a", "probe.b", "probe.c"];
    const ids = await Promise.all(
      names.flatMap((name) => Array.from({ length: 8 }, (_, i) => jobs.send(name, { i }))),
    );
    assert.equal(ids.filter((id) => typeof id === "string").length, 24);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pgboss.job
      where name in ('probe.a', 'probe.b', 'probe.c')`.execute(env.conn.db);
    assert.equal(rows[0]!.n, 24);
  } finally {
    await jobs.stop();
    await env.close();
  }
});
