import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { migratedDatabase, runCli, spawnCli, waitFor } from "./helpers.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
});
after(() => env.close());

test("jobs sent by one process are done by worker processes, each exactly once", async () => {
  const DATABASE_URL = env.tdb.url;
  const workers = [1, 2].map(() => spawnCli(["start", "--role", "worker"], { DATABASE_URL }));
  try {
    await Promise.all(workers.map((w) => w.started));
    // A third process, the CLI, only sends.
    const sent = await runCli(["jobs", "ping", "--count", "60", "--no-wait"], { DATABASE_URL });
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /60 ping job\(s\) sent/);

    const rows = await waitFor(
      async () => {
        const r = await sql<{ subject_id: string; actor: string }>`
          select subject_id, actor from audit_log where action = 'job.ping'`.execute(env.conn.db);
        return r.rows.length >= 60 ? r.rows : undefined;
      },
      30_000,
      "60 pings to be done",
    );
    // Give a duplicate the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const again = await sql<{ n: number; distinct_jobs: number; workers: number }>`
      select count(*)::int as n, count(distinct subject_id)::int as distinct_jobs, count(distinct actor)::int as workers
      from audit_log where action = 'job.ping'`.execute(env.conn.db);
    assert.equal(again.rows[0]!.n, 60, "no job was done twice");
    assert.equal(again.rows[0]!.distinct_jobs, 60);
    const workerPids = new Set(workers.map((w) => `worker:${w.child.pid}`));
    assert.ok(
      rows.every((r) => workerPids.has(r.actor)),
      "only the worker processes did jobs",
    );
  } finally {
    for (const w of workers) w.child.kill("SIGTERM");
    const exits = await Promise.all(workers.map((w) => w.exited));
    assert.deepEqual(
      exits.map((e) => e.code),
      [0, 0],
      `workers exit cleanly on SIGTERM:\n${workers.map((w) => w.output().stderr.slice(-2000)).join("\n---\n")}`,
    );
  }
});

test("`abusedesk jobs ping` waits for a worker and says so when none is running", async () => {
  const DATABASE_URL = env.tdb.url;
  const worker = spawnCli(["start", "--role", "worker"], { DATABASE_URL });
  await worker.started;
  try {
    const res = await runCli(["jobs", "ping"], { DATABASE_URL });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /all done by a worker/);
  } finally {
    worker.child.kill("SIGTERM");
    await worker.exited;
  }
});
