/**
 * Measures through a loopback webhook, in two parts. Throughput: ACTIONS suspensions approved by a second
 * person (through the use case the API calls) wait in the queue; the workers start and carry them all out
 * through a real HTTP server on loopback: actions executed per second. Latency: with the workers running,
 * LATENCY more suspensions are approved one after the other, as people do; the time from each approval's
 * commit to the connector receiving the call.
 * Targets (issue 12): ≥ 200 actions/s, p95 approval → connector call < 1 s.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pino from "pino";
import client from "prom-client";
import type { WorkerContext } from "../src/app.ts";
import { type Actor, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { loadConfig } from "../src/config.ts";
import { connect, migrate } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import { Jobs } from "../src/jobs.ts";
import { approveAction, measureDeps } from "../src/measures/actions.ts";
import { loadConnectors } from "../src/measures/connectors/index.ts";
import { startMeasureWorkers } from "../src/measures/execute.ts";
import { timelineNotifier } from "../src/measures/notifier.ts";
import { loadPolicyProfiles } from "../src/policy/load.ts";
import type { Services } from "../src/server.ts";
import { testDatabase } from "../test/helpers.ts";

const ACTIONS = Number(process.env.ACTIONS ?? 1000);
const LATENCY = Number(process.env.LATENCY ?? 200);
const APPROVERS = Number(process.env.APPROVERS ?? 4);
const SECRET = "bench-secret-0123456789abcdef";

const log = pino({ level: "silent" });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function main() {
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log, poolSize: 20 });
  const receiver = fork(new URL("./webhook-receiver.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_SECRET: SECRET },
  });
  const { port } = await new Promise<{ port: number }>((resolve) =>
    receiver.once("message", resolve as never),
  );
  type Got = [number, number, string, boolean][];
  const report = () =>
    new Promise<Got>((resolve) => {
      receiver.once("message", (m) => resolve((m as { got: Got }).got));
      receiver.send("report");
    });
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-bench-measures-"));
  let jobs: Jobs | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    await migrate(conn.db);
    await loadDemo(conn.db, SYSTEM);
    const db = conn.db;
    const file = path.join(dir, "connectors.yaml");
    writeFileSync(
      file,
      `connectors:\n  - { id: panel, type: webhook, url: "http://127.0.0.1:${port}/panel", secret: "${SECRET}", steps: [suspend] }\n`,
    );
    const config = loadConfig({ connectors: file }, {});
    const policies = await loadPolicyProfiles(config.policyDir);
    const people: Actor[] = [];
    for (const role of ["supervisor", "legal"] as const) {
      const u = await createUser(db, SYSTEM, { email: `bench-${role}@desk.example`, role });
      if (!u.ok) throw new Error(u.error.message);
      people.push({
        kind: "user",
        id: u.value.id,
        name: u.value.email,
        role,
        userId: u.value.id,
        scope: "write",
        brands: null,
      });
    }
    const [asker, approver] = people as [Actor, Actor];

    // One case per action (a customer of x2com-nl each), each with a suspension awaiting approval.
    await sql`insert into customers (id, brand_id, name) select 'bm-' || i, 'x2com-nl', 'Bench ' || i
      from generate_series(1, ${ACTIONS + LATENCY}) i`.execute(db);
    await sql`insert into cases (brand_id, customer_id, category, kind, subject_key, state, facts, subject_count)
      select 'x2com-nl', 'bm-' || i, 'botnet', 'abuse', '*', 'in_review', '{}', 1 from generate_series(1, ${ACTIONS + LATENCY}) i`.execute(
      db,
    );
    await sql`insert into case_subjects (case_id, kind, value, event_count, first_seen_at, last_seen_at)
      select id, 'ip', '10.77.' || (id / 256 % 256) || '.' || (id % 256), 1, now(), now() from cases
      where customer_id like 'bm-%'`.execute(db);
    await sql`insert into actions (case_id, step, proposed_step, state, actor, requested_by_user, reason, params)
      select id, 'suspend', null, 'awaiting_approval', ${asker.name}, ${asker.userId}, 'bench', '{}'
      from cases where customer_id like 'bm-%' order by id`.execute(db);
    const ids = (
      await db
        .selectFrom("actions")
        .select("id")
        .where("state", "=", "awaiting_approval")
        .orderBy("id")
        .execute()
    ).map((r) => r.id);
    await sql`vacuum analyze`.execute(db);

    jobs = await Jobs.start(conn.url, log, { supervise: true });
    const services: Services = {
      db,
      log,
      config,
      jobs,
      metrics: new client.Registry(),
      policies,
      pipeline: { resolve: async () => [], group: async () => [] },
      connectors: await loadConnectors(file, () => undefined),
      notifier: timelineNotifier,
    };
    const deps = measureDeps(services);
    const approve = async (id: number) => {
      const r = await approveAction(deps, approver, id, { note: "bench" });
      if (!r.ok) throw new Error(r.error.message);
    };

    // 1. Throughput: every approval is in (and its job queued) before the workers start.
    const batch = ids.slice(0, ACTIONS);
    let next = 0;
    const a0 = performance.now();
    await Promise.all(
      Array.from({ length: APPROVERS }, async () => {
        while (next < batch.length) await approve(batch[next++]!);
      }),
    );
    const approving = performance.now() - a0;
    const doneCount = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from actions where state = 'done'`.execute(db))
        .rows[0]!.n;
    const ctx: WorkerContext = { conn, jobs, log, services };
    const t0 = performance.now();
    stop = await startMeasureWorkers(ctx);
    while ((await doneCount()) < batch.length) await new Promise((r) => setTimeout(r, 20));
    const executing = performance.now() - t0;
    const calls = await report();
    console.log(
      `measures: ${batch.length.toLocaleString("en")} approved suspensions carried out through a loopback webhook in ` +
        `${(executing / 1000).toFixed(1)} s = ${Math.round((batch.length / executing) * 1000)} actions/s [target ≥ 200/s] ` +
        `(${calls.length} calls, ${new Set(calls.map((c) => c[2])).size} keys, ${calls.filter((c) => c[3]).length} signed; approving them took ${(approving / 1000).toFixed(1)} s ` +
        `with ${APPROVERS} approvers)`,
    );

    // 2. Latency: approvals one after the other while the workers run.
    const approvedAt = new Map<number, number>();
    for (const id of ids.slice(ACTIONS)) {
      await approve(id);
      approvedAt.set(id, Date.now());
    }
    while ((await doneCount()) < ids.length) await new Promise((r) => setTimeout(r, 20));
    const latencies = (await report())
      .filter(([action]) => approvedAt.has(action))
      .map(([action, at]) => at - approvedAt.get(action)!)
      .sort((a, b) => a - b);
    console.log(
      `approval → connector call (${latencies.length} approvals one after the other): p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms [target p95 < 1000 ms]`,
    );
  } finally {
    await stop?.();
    await jobs?.stop();
    receiver.send("stop");
    await conn.close();
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
