/** Finished-state names live in one constant (src/db/case-states.ts) that the code and the migrations share. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { CASE_STATES, FINISHED_CASE_STATES } from "../src/db/case-states.ts";
import { migratedDatabase, ROOT } from "./helpers.ts";

test("no file but src/db/case-states.ts spells out the finished states", () => {
  const src = path.join(ROOT, "src");
  // The SQL list ('resolved', 'rejected', 'closed') or the array ["resolved", "rejected", "closed"].
  const spelled =
    /\(\s*'resolved',\s*'rejected',\s*'closed'\s*\)|\[\s*"resolved",\s*"rejected",\s*"closed"\s*\]/;
  const offenders = readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== path.join("db", "case-states.ts"))
    .filter((f) => spelled.test(readFileSync(path.join(src, f), "utf8")));
  assert.deepEqual(offenders, []);
});

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
});
after(() => env.close());

test("the database's open-case indexes and state check are made from the same constant", async () => {
  const { rows } = await sql<{ name: string; def: string }>`
    select indexname as name, indexdef as def from pg_indexes
    where tablename = 'cases' and indexname in ('cases_one_open', 'cases_open_due')`.execute(env.conn.db);
  assert.equal(rows.length, 2);
  for (const { name, def } of rows) {
    for (const s of CASE_STATES) {
      const inPredicate = def.includes(`'${s}'`);
      assert.equal(inPredicate, FINISHED_CASE_STATES.includes(s as never), `${name}: ${s}`);
    }
  }
  const check = await sql<{ def: string }>`
    select pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'cases'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%state%'`.execute(
    env.conn.db,
  );
  for (const s of CASE_STATES) assert.match(check.rows[0]!.def, new RegExp(`'${s}'`));
});
