import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Migrator, sql } from "kysely";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { connect, migrate, migrations } from "../src/db/index.ts";
import { loadDemo } from "../src/demo.ts";
import { migratedDatabase, quietLog, testDatabase } from "./helpers.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
});
after(() => env.close());

test("migrations bring an empty database up to the whole data model, and a second run changes nothing", async () => {
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log: quietLog });
  try {
    const applied = await migrate(conn.db);
    assert.deepEqual(applied, Object.keys(migrations).sort());
    assert.equal(applied[0], "0001_initial");
    assert.deepEqual(await migrate(conn.db), []);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      conn.db,
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const t of [
      "actions",
      "api_tokens",
      "audit_log",
      "brand_addresses",
      "brands",
      "case_deadlines",
      "case_notes",
      "cases",
      "contracts",
      "customers",
      "events",
      "reporters",
      "reports",
      "resources",
      "sessions",
      "users",
    ]) {
      assert.ok(names.includes(t), `table ${t} exists`);
    }
  } finally {
    await conn.close();
    await tdb.drop();
  }
});

test("a database with events from before 0005 keeps them whole: details and resolution snapshots become json", async () => {
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log: quietLog });
  try {
    const migrator = new Migrator({ db: conn.db, provider: { getMigrations: async () => migrations } });
    const upTo4 = await migrator.migrateTo("0004_cases");
    assert.equal(upTo4.error, undefined);
    await sql`insert into brands (id, name, country, time_zone, languages, policy_profile)
      values ('x2com-nl', 'X2com', 'NL', 'Europe/Amsterdam', '{nl}', 'x2com-nl')`.execute(conn.db);
    await sql`insert into customers (id, brand_id, name) values ('c1', 'x2com-nl', 'Bakkerij')`.execute(
      conn.db,
    );
    await sql`insert into reports (channel, sha256, raw, size) values ('api', repeat('b', 64), 'x', 1)`.execute(
      conn.db,
    );
    await sql`insert into events (report_id, brand_id, customer_id, category, kind, subject_ip, received_at,
        details, resolution, resolution_detail)
      values (1, 'x2com-nl', 'c1', 'spam', 'abuse', '192.0.2.1', now(), '{"line": 2, "tag": "ß ✓"}',
        'matched', '{"customer_id": "c1", "abuse_contact_pending": true}')`.execute(conn.db);
    const upTo5 = await migrator.migrateTo("0005_event_references");
    assert.deepEqual(
      upTo5.results?.map((r) => r.migrationName),
      ["0005_event_references"],
    );
    const { rows } = await sql<{ details: unknown; detail: unknown; type: string }>`
      select details, resolution_detail as detail, pg_typeof(details)::text as type from events`.execute(
      conn.db,
    );
    assert.deepEqual(rows, [
      {
        details: { line: 2, tag: "ß ✓" },
        detail: { customer_id: "c1", abuse_contact_pending: true },
        type: "json",
      },
    ]);
    // The foreign keys it replaced are gone; their checks remain (see src/db/references.test.ts).
    const fks = await sql<{ n: number }>`
      select count(*)::int as n from pg_constraint where conrelid = 'events'::regclass and contype = 'f'`.execute(
      conn.db,
    );
    assert.equal(fks.rows[0]!.n, 0);
    await assert.rejects(sql`delete from customers where id = 'c1'`.execute(conn.db), { code: "23503" });
  } finally {
    await conn.close();
    await tdb.drop();
  }
});

test("a database with events and feed chunks from before 0018/0019 keeps them where they are, in the legacy partitions", async () => {
  const tdb = await testDatabase();
  const conn = await connect({ databaseUrl: tdb.url, dataDir: "unused", log: quietLog });
  try {
    const migrator = new Migrator({ db: conn.db, provider: { getMigrations: async () => migrations } });
    assert.equal((await migrator.migrateTo("0017_user_language")).error, undefined);
    await sql`insert into brands (id, name, country, time_zone, languages, policy_profile)
      values ('x2com-nl', 'X2com', 'NL', 'Europe/Amsterdam', '{nl}', 'x2com-nl')`.execute(conn.db);
    await sql`insert into customers (id, brand_id, name) values ('c1', 'x2com-nl', 'Bakkerij')`.execute(
      conn.db,
    );
    await sql`insert into reports (channel, sha256, raw, size, received_at, streamed)
      values ('file', repeat('c', 64), '', 3, '2025-05-06T07:00:00Z', true)`.execute(conn.db);
    for (const at of ["2025-05-06T07:00:00Z", "2025-07-08T09:00:00Z"])
      await sql`insert into events (report_id, brand_id, customer_id, category, kind, subject_ip, received_at)
        values (1, 'x2com-nl', 'c1', 'spam', 'abuse', '192.0.2.1', ${at}::timestamptz)`.execute(conn.db);
    await sql`insert into report_chunks (report_id, seq, data) values (1, 0, 'abc')`.execute(conn.db);
    await migrate(conn.db);
    const placed = await sql<{ id: string; part: string }>`
      select id::text, tableoid::regclass::text as part from events order by id`.execute(conn.db);
    assert.deepEqual(placed.rows, [
      { id: "1", part: "events_legacy" },
      { id: "2", part: "events_legacy" },
    ]);
    const bound = await sql<{ bound: string }>`
      select pg_get_expr(relpartbound, oid) as bound from pg_class where relname = 'events_legacy'`.execute(
      conn.db,
    );
    assert.match(bound.rows[0]!.bound, /FROM \(MINVALUE\) TO \('2025-08-01 .*'\)/);
    // Ids go on from the last, and a new event lands in its month's partition.
    const added = await sql<{ id: string; part: string }>`
      insert into events (report_id, brand_id, customer_id, category, kind, subject_ip, received_at)
      values (1, 'x2com-nl', 'c1', 'spam', 'abuse', '192.0.2.2', now())
      returning id::text, tableoid::regclass::text as part`.execute(conn.db);
    assert.equal(added.rows[0]!.id, "3");
    assert.match(added.rows[0]!.part, /^events_p\d{6}$/);
    const chunk = await sql<{ part: string; received_at: Date; data: Buffer }>`
      select tableoid::regclass::text as part, received_at, data from report_chunks`.execute(conn.db);
    assert.equal(chunk.rows[0]!.part, "report_chunks_legacy");
    assert.equal(chunk.rows[0]!.received_at.toISOString(), "2025-05-06T07:00:00.000Z");
    assert.equal(chunk.rows[0]!.data.toString(), "abc");
    // The reference checks hold on the partitioned table.
    await assert.rejects(
      sql`insert into events (report_id, category, kind, subject_ip, received_at)
        values (99, 'spam', 'abuse', '192.0.2.3', now())`.execute(conn.db),
      { code: "23503" },
    );
  } finally {
    await conn.close();
    await tdb.drop();
  }
});

test("an ip resource is stored as cidr and found by containment", async () => {
  const { db } = env.conn;
  await loadDemo(db, SYSTEM);
  const hit = await sql<{ customer_id: string }>`
    select customer_id from resources where ip >>= '192.0.2.10'::inet order by masklen(ip) desc limit 1`.execute(
    db,
  );
  assert.equal(hit.rows[0]?.customer_id, "x2c-1001");
  const v6 = await sql<{ customer_id: string }>`
    select customer_id from resources where ip >>= '2001:db8:200::1'::inet`.execute(db);
  assert.equal(v6.rows[0]?.customer_id, "x2b-2001");
});

test("constraints refuse bad rows: a non-ip resource with a cidr, a brand in another country, an unknown step", async () => {
  const { db } = env.conn;
  await assert.rejects(
    sql`insert into resources (customer_id, kind, value, ip, valid_from) values ('x2c-1001', 'domain', 'a.example', '10.0.0.0/8', now())`.execute(
      db,
    ),
    /check constraint/,
  );
  await assert.rejects(
    sql`insert into brands (id, name, country, time_zone, languages, policy_profile) values ('de-isp', 'X', 'DE', 'Europe/Berlin', '{de}', 'x')`.execute(
      db,
    ),
    /check constraint/,
  );
  await assert.rejects(
    sql`insert into resources (customer_id, kind, value, ip, valid_from, valid_to) values ('x2c-1001', 'ip', '10.0.0.0/8', '10.0.0.0/8', '2026-02-01', '2026-01-01')`.execute(
      db,
    ),
    /check constraint/,
  );
});

test("only one open case per brand, customer, category and subject; a closed one does not count", async () => {
  const { db } = env.conn;
  const open = () =>
    sql`insert into cases (brand_id, customer_id, category, kind, subject_key) values ('extin', 'ext-3001', 'spam', 'abuse', 'ip:198.51.100.7')`.execute(
      db,
    );
  await open();
  await assert.rejects(open(), /cases_one_open/);
  await sql`update cases set state = 'closed' where customer_id = 'ext-3001'`.execute(db);
  await open();
});

test("deviating from the proposed step needs a reason", async () => {
  const { db } = env.conn;
  const c = await sql<{ id: number }>`
    insert into cases (brand_id, customer_id, category, kind, subject_key) values ('webxtra', 'wx-4001', 'phishing', 'abuse', 'url:x')
    returning id`.execute(db);
  const id = c.rows[0]!.id;
  await assert.rejects(
    sql`insert into actions (case_id, step, proposed_step, actor) values (${id}, 'terminate', 'warn', 'agent@x')`.execute(
      db,
    ),
    /check constraint/,
  );
  await sql`insert into actions (case_id, step, proposed_step, actor, reason) values (${id}, 'terminate', 'warn', 'agent@x', 'repeat offender')`.execute(
    db,
  );
});

test("reports are deduplicated by SHA-256", async () => {
  const { db } = env.conn;
  const insert = () =>
    sql`insert into reports (channel, sha256, raw, size) values ('api', ${"a".repeat(64)}, ${Buffer.from("x")}, 1)`.execute(
      db,
    );
  await insert();
  await assert.rejects(insert(), /reports_sha256_key/);
});

test("the demo loads the four seed brands with their abuse addresses, and loading it twice changes nothing", async () => {
  const { db } = env.conn;
  const first = await loadDemo(db, SYSTEM);
  const second = await loadDemo(db, SYSTEM);
  assert.deepEqual(first, second);
  assert.equal(first.brands, 4);
  assert.ok(first.customers >= 12);
  const addresses = await db
    .selectFrom("brand_addresses")
    .select(["address", "brand_id"])
    .orderBy("address")
    .execute();
  assert.deepEqual(
    addresses.map((a) => `${a.brand_id}:${a.address}`),
    [
      "extin:abuse@extin.eu",
      "webxtra:abuse@webxtra.nl",
      "x2com-be:abuse@x2com.be",
      "x2com-nl:abuse@x2com.nl",
      "webxtra:support@webxtra.nl",
    ],
  );
});
