/** Lists built from input go to PostgreSQL as one array parameter: no ceiling of 65,535 parameters. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadDemo } from "../src/demo.ts";
import { customersByIds } from "../src/resolution/resolver.store.ts";
import { migratedDatabase } from "./helpers.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
  await loadDemo(env.conn.db, SYSTEM);
});
after(() => env.close());

test("customersByIds takes 70,000 ids (a feed about many customers) in one statement", async () => {
  const { db } = env.conn;
  const n = 70_000;
  await sql`insert into customers (id, brand_id, name)
    select 'many-' || i, 'extin', 'Customer ' || i from generate_series(1, ${n}) i`.execute(db);
  const ids = Array.from({ length: n }, (_, i) => `many-${i + 1}`);
  const found = await customersByIds(db, [...ids, "no-such-customer"]);
  assert.equal(found.size, n);
  assert.deepEqual(found.get("many-70000"), { name: "Customer 70000", brand_id: "extin" });
  assert.equal(found.get("no-such-customer"), undefined);
});
