/**
 * Events and case subjects keep their references with statement-level checks (migration 0005) instead of
 * row-by-row foreign keys. These tests hold them to the foreign keys' guarantee, through INSERT, COPY and
 * UPDATE, on the referenced side, and under concurrency.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import pg from "pg";
import { migratedDatabase } from "../../test/helpers.ts";
import { copyField, copyInto } from "./copy.ts";
import type { DB } from "./index.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
let db: DB;
let reportId: number;
let caseId: number;

before(async () => {
  env = await migratedDatabase();
  db = env.conn.db;
  await sql`insert into brands (id, name, country, time_zone, languages, policy_profile)
    values ('x2com-nl', 'X2com', 'NL', 'Europe/Amsterdam', '{nl}', 'x2com-nl')`.execute(db);
  await sql`insert into customers (id, brand_id, name) values ('c1', 'x2com-nl', 'Bakkerij'), ('c2', 'x2com-nl', 'Kapper')`.execute(
    db,
  );
  reportId = (
    await sql<{ id: number }>`insert into reports (channel, sha256, raw, size)
      values ('api', repeat('a', 64), 'x', 1) returning id`.execute(db)
  ).rows[0]!.id;
  caseId = (
    await sql<{ id: number }>`insert into cases (brand_id, customer_id, category, kind, subject_key)
      values ('x2com-nl', 'c1', 'spam', 'abuse', 'c1') returning id`.execute(db)
  ).rows[0]!.id;
});
after(() => env.close());

const SQLSTATE_FOREIGN_KEY = "23503";

function insertEvent(
  q: DB,
  refs: { report?: number; brand?: string | null; customer?: string | null; case?: number | null },
) {
  return sql<{ id: number }>`
    insert into events (report_id, brand_id, customer_id, case_id, category, kind, subject_ip, received_at)
    values (${refs.report ?? reportId}, ${refs.brand === undefined ? "x2com-nl" : refs.brand},
      ${refs.customer === undefined ? "c1" : refs.customer}, ${refs.case === undefined ? caseId : refs.case},
      'spam', 'abuse', '192.0.2.1', now())
    returning id`.execute(q);
}

async function refused(p: Promise<unknown>, missing: RegExp) {
  await assert.rejects(p, (err: { code?: string; message: string }) => {
    assert.equal(err.code, SQLSTATE_FOREIGN_KEY, err.message);
    assert.match(err.message, missing);
    return true;
  });
}

test("an event with existing references is stored", async () => {
  const { rows } = await insertEvent(db, {});
  assert.equal(rows.length, 1);
  const none = await insertEvent(db, { brand: null, customer: null, case: null });
  assert.equal(none.rows.length, 1, "null references need nothing");
});

test("an event naming a report, brand, customer or case that does not exist is refused", async () => {
  await refused(insertEvent(db, { report: 999_999 }), /reports 999999/);
  await refused(insertEvent(db, { brand: "nope" }), /brands nope/);
  await refused(insertEvent(db, { customer: "c-missing" }), /customers c-missing/);
  await refused(insertEvent(db, { case: 424_242 }), /cases 424242/);
});

test("one bad row refuses a whole COPY, and nothing of it is stored", async () => {
  const before = Number((await sql<{ n: number }>`select count(*) as n from events`.execute(db)).rows[0]!.n);
  const row = (customer: string) =>
    [reportId, "x2com-nl", customer, caseId, "spam", "abuse", "192.0.2.9", new Date().toISOString()]
      .map(copyField)
      .join("\t");
  const text = `${Array.from({ length: 500 }, () => row("c1")).join("\n")}\n${row("ghost")}\n`;
  await refused(
    db
      .transaction()
      .execute((trx) =>
        copyInto(
          trx,
          "copy events (report_id, brand_id, customer_id, case_id, category, kind, subject_ip, received_at) from stdin",
          [text],
        ),
      ),
    /customers ghost/,
  );
  const afterCount = Number(
    (await sql<{ n: number }>`select count(*) as n from events`.execute(db)).rows[0]!.n,
  );
  assert.equal(afterCount, before);
});

test("an update that points an event at a missing case or customer is refused", async () => {
  const { rows } = await insertEvent(db, {});
  const id = rows[0]!.id;
  await refused(sql`update events set case_id = 77777 where id = ${id}`.execute(db), /cases 77777/);
  await refused(sql`update events set customer_id = 'gone' where id = ${id}`.execute(db), /customers gone/);
  await sql`update events set customer_id = 'c2' where id = ${id}`.execute(db);
});

test("a case subject naming a missing case is refused", async () => {
  await refused(
    sql`insert into case_subjects (case_id, kind, value, first_seen_at, last_seen_at)
      values (55555, 'ip', '192.0.2.1', now(), now())`.execute(db),
    /cases 55555/,
  );
  await sql`insert into case_subjects (case_id, kind, value, first_seen_at, last_seen_at)
    values (${caseId}, 'ip', '192.0.2.1', now(), now())`.execute(db);
});

test("a report, brand, customer or case that events refer to cannot be deleted or renumbered", async () => {
  await refused(
    sql`delete from customers where id = 'c1'`.execute(db),
    /customers c1 is referred to by events/,
  );
  await refused(sql`update customers set id = 'c1-new' where id = 'c1'`.execute(db), /referred to/);
  await refused(sql`delete from reports where id = ${reportId}`.execute(db), /referred to by events/);
  await refused(sql`delete from cases where id = ${caseId}`.execute(db), /referred to by events/);
  // An update that keeps the id is not a renumbering.
  await sql`update customers set name = 'Bakkerij de Korenschoof' where id = 'c1'`.execute(db);
  // A customer no event names can go.
  await sql`insert into customers (id, brand_id, name) values ('c9', 'x2com-nl', 'Weg')`.execute(db);
  await sql`delete from customers where id = 'c9'`.execute(db);
});

test("a customer named by an uncommitted event cannot be deleted meanwhile (it is locked as a foreign key locks it)", async () => {
  await sql`insert into customers (id, brand_id, name) values ('c3', 'x2com-nl', 'Slager')`.execute(db);
  const a = new pg.Client({ connectionString: env.tdb.url });
  const b = new pg.Client({ connectionString: env.tdb.url });
  await a.connect();
  await b.connect();
  try {
    await a.query("begin");
    await a.query(
      `insert into events (report_id, brand_id, customer_id, category, kind, subject_ip, received_at)
       values ($1, 'x2com-nl', 'c3', 'spam', 'abuse', '192.0.2.3', now())`,
      [reportId],
    );
    // B cannot delete the customer while A's insert is open: it waits for A's lock.
    await b.query("set lock_timeout = '300ms'");
    await assert.rejects(b.query("delete from customers where id = 'c3'"), { code: "55P03" });
    await a.query("commit");
    // Once A committed, the delete finds the event and is refused.
    await assert.rejects(b.query("delete from customers where id = 'c3'"), { code: SQLSTATE_FOREIGN_KEY });
  } finally {
    await a.end();
    await b.end();
  }
});
