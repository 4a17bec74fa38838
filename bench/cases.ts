import { sql } from "kysely";
import pino from "pino";
import client from "prom-client";
import { createToken, SYSTEM } from "../src/auth/auth.store.ts";
import { createCaseGrouper } from "../src/cases/grouping.ts";
import { casesApi } from "../src/cases/routes.ts";
import { loadConfig } from "../src/config.ts";
import { connect, type DB, migrate } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import type { ResolvedEvent } from "../src/pipeline.ts";
import { loadPolicyProfiles } from "../src/policy/load.ts";
import { buildServer } from "../src/server.ts";
import type { Category } from "../src/taxonomy.ts";
import { testDatabase } from "../test/helpers.ts";

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const CUSTOMERS = Number(process.env.CUSTOMERS ?? 2_000);
const BATCH = Number(process.env.BATCH ?? 10_000);
const CASES = Number(process.env.CASES ?? 100_000);
const CASE_EVENTS = Number(process.env.CASE_EVENTS ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);

const log = pino({ level: "silent" });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * A big desk's queue: `cases` cases (one URL each, about 70 % open, deadlines spread around now) over the
 * customers `b-0`…, with `caseEvents` events among them, all from report `report`. Used by this benchmark
 * and by bench/console.ts.
 */
export async function loadQueueData(
  db: DB,
  n: { cases: number; caseEvents: number; customers: number; report: number },
): Promise<void> {
  await sql`insert into cases (brand_id, customer_id, category, kind, subject_key, state, priority, opened_at,
      first_event_at, last_event_at, event_count, subject_count, next_due_at)
    select c.brand_id, c.id, (array['copyright','phishing','spam','botnet'])[1 + i % 4],
      (array['ntd','abuse','abuse','abuse'])[1 + i % 4], 'url:http://bench.example/' || i,
      (array['new','waiting_customer','in_review','measures','new','waiting_reporter','new','resolved','closed','rejected'])[1 + i % 10],
      (i * 7) % 5, now() - (i % 1000) * interval '1 hour', now() - interval '2 days', now() - interval '1 day',
      ${Math.floor(n.caseEvents / n.cases)}, 1,
      case when i % 10 >= 7 then 'infinity' else now() + ((i * 7919) % 20000 - 5000) * interval '1 minute' end
    from generate_series(0, ${n.cases - 1}) i
    join customers c on c.id = 'b-' || (i % ${n.customers})`.execute(db);
  await sql`insert into case_deadlines (case_id, name, due_at, source)
    select id, 'reply_to_reporter', case when next_due_at = 'infinity' then now() else next_due_at end, 'bench'
    from cases`.execute(db);
  await sql`update case_deadlines d set met_at = now() from cases c where c.id = d.case_id and c.next_due_at = 'infinity'`.execute(
    db,
  );
  await sql`insert into case_subjects (case_id, kind, value, event_count, first_seen_at, last_seen_at)
    select id, 'url', substr(subject_key, 5), event_count, now(), now() from cases`.execute(db);
  const firstCase = (await db.selectFrom("cases").select("id").orderBy("id").executeTakeFirstOrThrow()).id;
  await sql`insert into events (report_id, brand_id, category, kind, subject_url, occurred_at, received_at,
      customer_id, resolution, case_id, details)
    select ${n.report}, 'extin', 'spam', 'abuse', 'http://bench.example/' || (i % ${n.cases}), now(), now(),
      'b-' || (i % ${n.customers}), 'matched', ${firstCase} + (i % ${n.cases}), '{}'
    from generate_series(0, ${n.caseEvents - 1}) i`.execute(db);
  await sql`vacuum analyze`.execute(db);
}

export async function main() {
  // A fresh database on the embedded server the tests share (ABUSEDESK_TEST_DATABASE_URL: another server).
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log, poolSize: 12 });
  try {
    await migrate(conn.db);
    await loadDemo(conn.db, SYSTEM);
    const config = loadConfig({}, {});
    const policies = await loadPolicyProfiles(config.policyDir);
    const db = conn.db;

    // --- 1. Grouping ------------------------------------------------------------------------------------
    await sql`insert into customers (id, brand_id, name)
      select 'b-' || i, (array['x2com-nl','x2com-be','extin','webxtra'])[1 + i % 4], 'Bench customer ' || i
      from generate_series(0, ${CUSTOMERS - 1}) i`.execute(db);
    const reports = Math.ceil(EVENTS / BATCH);
    await sql`insert into reports (channel, received_at, sha256, raw, size, format, state)
      select 'api', now(), encode(sha256(('bench-' || i)::bytea), 'hex'), '\\x00'::bytea, 1, 'shadowserver', 'parsed'
      from generate_series(1, ${reports}) i`.execute(db);
    const firstReport = (await db.selectFrom("reports").select("id").orderBy("id").executeTakeFirstOrThrow())
      .id;
    // Each report (one per batch) is one problem type, like a Shadowserver report, about every customer's hosts.
    await sql`insert into events (report_id, brand_id, category, kind, subject_ip, occurred_at, received_at,
        customer_id, resolution, details)
      select ${firstReport} + (i / ${BATCH}), (array['x2com-nl','x2com-be','extin','webxtra'])[1 + (i % ${CUSTOMERS}) % 4],
        (array['botnet','open_service','spam','brute_force'])[1 + (i / ${BATCH}) % 4], 'abuse',
        ('10.' || ((i / 65536) % 256) || '.' || ((i / 256) % 256) || '.' || (i % 256))::inet,
        now() - interval '1 hour', now(), 'b-' || (i % ${CUSTOMERS}), 'matched', '{}'
      from generate_series(0, ${EVENTS - 1}) i`.execute(db);
    const rows = await db
      .selectFrom("events")
      .select([
        "id",
        "report_id",
        "brand_id",
        "category",
        "kind",
        "subject_ip",
        "occurred_at",
        "received_at",
        "customer_id",
      ])
      .orderBy("id")
      .execute();
    const events: ResolvedEvent[] = rows.map((r) => ({
      id: r.id,
      report_id: r.report_id,
      brand_id: r.brand_id,
      category: r.category as Category,
      kind: r.kind,
      subject: { ip: r.subject_ip ?? "" },
      occurred_at: r.occurred_at,
      received_at: r.received_at,
      customer_id: r.customer_id,
      resolution: "matched",
      resolution_detail: {},
    }));
    const grouper = createCaseGrouper(db, policies, log);
    const t0 = performance.now();
    let touched = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      const ids = await db.transaction().execute((trx) => grouper.group(trx, batch));
      touched += new Set(ids.filter((c) => c !== null)).size;
    }
    const ms = performance.now() - t0;
    const made = await sql<{
      n: number;
      e: number;
    }>`select count(*)::int as n, sum(event_count)::int as e from cases`.execute(db);
    console.log(
      `grouping: ${EVENTS.toLocaleString("en")} events of ${CUSTOMERS.toLocaleString("en")} customers in batches of ${BATCH.toLocaleString("en")}: ` +
        `${ms.toFixed(0)} ms = ${Math.round((EVENTS / ms) * 1000).toLocaleString("en")} events/s ` +
        `(${made.rows[0]!.n} cases, ${made.rows[0]!.e} events counted, ${touched} case updates) [target ≥ 20,000 events/s]`,
    );

    if (process.env.QUEUE === "0") return;
    // --- 2. The queue -----------------------------------------------------------------------------------
    await sql`truncate case_subjects, case_deadlines, case_notifications`.execute(db);
    await sql`update events set case_id = null`.execute(db);
    await sql`delete from events`.execute(db);
    await sql`delete from cases`.execute(db);
    const t1 = performance.now();
    await loadQueueData(db, {
      cases: CASES,
      caseEvents: CASE_EVENTS,
      customers: CUSTOMERS,
      report: firstReport,
    });
    const counts = await sql<{ c: number; e: number }>`select (select count(*) from cases)::int as c,
      (select count(*) from events)::int as e`.execute(db);
    console.log(
      `queue data: ${counts.rows[0]!.c.toLocaleString("en")} cases, ${counts.rows[0]!.e.toLocaleString("en")} events loaded in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );

    const app = await buildServer(
      {
        db,
        log,
        config,
        jobs: null,
        metrics: new client.Registry(),
        policies,
        pipeline: { resolve: async () => [], group: async () => [] },
      },
      { api: [casesApi], web: [] },
    );
    const token = await createToken(db, SYSTEM, { name: "bench", role: "agent" });
    if (!token.ok) throw new Error(token.error.message);
    const headers = { authorization: `Bearer ${token.value.token}` };
    const measure = async (label: string, url: string) => {
      for (let i = 0; i < 10; i++) await app.inject({ method: "GET", url, headers });
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const s = performance.now();
        const res = await app.inject({ method: "GET", url, headers });
        times.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        total = (res.json() as { total?: number; event_count?: number }).total ?? 0;
      }
      times.sort((a, b) => a - b);
      console.log(
        `${label}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms ${total ? `(total ${total.toLocaleString("en")})` : ""}`,
      );
    };
    await measure(
      "GET /api/v1/cases (default queue, first page of 50) [target p95 < 100 ms]",
      "/api/v1/cases",
    );
    await measure("GET /api/v1/cases?brand=extin", "/api/v1/cases?brand=extin");
    const page = (await app.inject({ method: "GET", url: "/api/v1/cases?limit=50", headers })).json() as {
      next_cursor: string;
    };
    await measure("GET /api/v1/cases (second page, cursor)", `/api/v1/cases?cursor=${page.next_cursor}`);
    await measure("GET /api/v1/cases?customer=b-17&state=all", "/api/v1/cases?customer=b-17&state=all");
    const one = (await app.inject({ method: "GET", url: "/api/v1/cases?limit=1", headers })).json() as {
      items: { id: number }[];
    };
    await measure(
      `GET /api/v1/cases/${one.items[0]!.id} (10 events of 1,000,000)`,
      `/api/v1/cases/${one.items[0]!.id}`,
    );
    await app.close();
  } finally {
    await conn.close();
    await tdb.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
