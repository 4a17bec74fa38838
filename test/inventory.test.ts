import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { loadDemo } from "../src/demo.ts";
import { importInventory } from "../src/inventory/inventory.store.ts";
import { migratedDatabase, runCli } from "./helpers.ts";
import { csv, importOk, seedBrands } from "./resolution.fixtures.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
before(async () => {
  env = await migratedDatabase();
  await seedBrands(env.conn.db);
});
after(() => env.close());

async function refused(lines: string[], opts = {}) {
  const r = await importInventory(env.conn.db, SYSTEM, csv(...lines), opts);
  assert.equal(r.ok, false, "the file should be refused");
  return r.ok
    ? { status: 0, message: "", problems: [] as string[] }
    : { ...r.error, problems: r.error.problems.map((p) => p.message) };
}

async function inventoryAudit() {
  return env.conn.db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "like", "inventory.%")
    .orderBy("seq")
    .execute();
}

async function resourcesOf(customer: string) {
  return env.conn.db
    .selectFrom("resources")
    .select(["id", "kind", "value", "valid_from", "valid_to"])
    .where("customer_id", "=", customer)
    .orderBy("id")
    .execute();
}

test("a good file: customers and resources created, counted; the same file again changes nothing", async () => {
  const lines = [
    "imp-1,Webwinkel BV,extin,info@webwinkel.example,ip,192.0.2.0/25,2025-01-01,",
    "imp-1,Webwinkel BV,extin,info@webwinkel.example,domain,Webwinkel.example,2025-01-01,",
    "imp-2,Bakker,extin,bakker@example.nl,ip,2001:DB8:0:0::/48,2025-01-01,",
  ];
  const first = await importOk(env.conn.db, lines);
  assert.equal(first.customers_created, 2);
  assert.equal(first.resources_added, 3);
  assert.equal(first.added_ids.length, 3);
  const again = await importOk(env.conn.db, lines);
  assert.deepEqual(
    [
      again.customers_created,
      again.customers_updated,
      again.customers_unchanged,
      again.resources_added,
      again.resources_unchanged,
    ],
    [0, 0, 2, 0, 3],
  );
  const stored = await resourcesOf("imp-2");
  assert.equal(stored[0]!.value, "2001:db8::/48", "values are stored normalised");
  // a changed name is an update of the customer
  const renamed = await importOk(env.conn.db, [lines[2]!.replace("Bakker,", "Bakkerij Bakker,")]);
  assert.equal(renamed.customers_updated, 1);
});

test("every import is one audit entry with its counts and the file's hash", async () => {
  const before = (await inventoryAudit()).length;
  await importOk(env.conn.db, ["aud-1,Audit,extin,a@audit.example,domain,audit.example,2025-01-01,"]);
  const trail = await inventoryAudit();
  assert.equal(trail.length, before + 1);
  const last = trail.at(-1)!;
  assert.equal(last.action, "inventory.import");
  assert.equal((last.details as { resources_added: number }).resources_added, 1);
  assert.match((last.details as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
});

test("bad rows: the whole file is refused, every bad row named, nothing written", async () => {
  const r = await refused([
    "bad-1,Goed,extin,a@b.example,ip,192.0.2.0/24,2025-01-01,",
    "bad-2,Fout,extin,a@b.example,ipv4,192.0.3.0/24,2025-01-01,",
    "bad-3,Fout,extin,a@b.example,ip,192.0.4.10/24,2025-01-01,",
    "bad-4,Fout,nobrand,a@b.example,domain,fout.example,2025-01-01,",
  ]);
  assert.equal(r.status, 422);
  assert.equal(r.problems.length, 3);
  assert.match(r.problems[0]!, /^row 3, column kind: `ipv4` is not a kind; use one of ip, domain/);
  assert.match(r.problems[1]!, /^row 4, column value: `192.0.4.10\/24` has host bits set/);
  assert.match(r.problems[2]!, /^row 5, column brand: `nobrand` is not a brand/);
  assert.equal((await resourcesOf("bad-1")).length, 0, "the good row was not imported either");
});

test("one prefix to two customers for overlapping periods in the file: refused, both rows named", async () => {
  const r = await refused([
    "ov-a,A,extin,a@a.example,ip,198.51.100.0/26,2026-01-01,2026-07-01",
    "ov-b,B,extin,b@b.example,ip,198.51.100.0/26,2026-06-01,",
  ]);
  assert.equal(r.status, 422);
  assert.match(
    r.problems[0]!,
    /rows 2 and 3 assign 198\.51\.100\.0\/26 to ov-a and to ov-b for overlapping periods/,
  );
});

test("overlap with what is stored is refused, naming the stored holder and the row; nested prefixes are fine", async () => {
  await importOk(env.conn.db, ["st-a,Stored A,extin,a@a.example,ip,198.51.100.64/26,2025-01-01,"]);
  const r = await refused([
    "st-x,X,extin,x@x.example,domain,x.example,2025-01-01,",
    "st-b,Stored B,extin,b@b.example,ip,198.51.100.64/26,2026-01-01,",
  ]);
  assert.equal(r.status, 409);
  assert.equal(r.problems.length, 1);
  assert.match(
    r.problems[0]!,
    /^row 3, column value: 198\.51\.100\.64\/26 for st-b from 2025-12-31T23:00:00Z to open overlaps/,
  );
  assert.match(
    r.problems[0]!,
    /the desk holds it for st-a from 2024-12-31T23:00:00Z to open \(resource \d+\)/,
  );
  assert.match(r.problems[0]!, /end st-a's period first/);
  assert.equal((await resourcesOf("st-x")).length, 0);
  // the hand-over done right: A's end in the same file, B from that day
  const ok = await importOk(env.conn.db, [
    "st-a,Stored A,extin,a@a.example,ip,198.51.100.64/26,2025-01-01,2026-01-01",
    "st-b,Stored B,extin,b@b.example,ip,198.51.100.64/26,2026-01-01,",
    "st-c,Nested C,extin,c@c.example,ip,198.51.100.72/29,2026-01-01,",
  ]);
  assert.deepEqual([ok.resources_changed, ok.resources_added], [1, 2]);
});

test("sync: what the file no longer lists is closed (valid_to = now), never deleted; history kept", async () => {
  const db = env.conn.db;
  await importOk(db, [
    "sy-1,Sync Een,webxtra,een@sync.example,ip,203.0.113.0/28,2025-01-01,",
    "sy-1,Sync Een,webxtra,een@sync.example,domain,een.example,2025-01-01,",
    "sy-2,Sync Twee,webxtra,twee@sync.example,ip,203.0.113.16/28,2025-01-01,",
  ]);
  const before = Date.now();
  const counts = await importOk(
    db,
    [
      "sy-1,Sync Een,webxtra,een@sync.example,ip,203.0.113.0/28,2025-01-01,",
      "sy-3,Sync Drie,webxtra,drie@sync.example,ip,203.0.113.32/28,2026-01-01,",
    ],
    { sync: true },
  );
  assert.equal(counts.brand, "webxtra");
  assert.deepEqual([counts.resources_added, counts.resources_closed, counts.resources_unchanged], [1, 2, 1]);
  const twee = await resourcesOf("sy-2");
  assert.equal(twee.length, 1, "closed, not deleted");
  assert.ok(
    twee[0]!.valid_to &&
      twee[0]!.valid_to.getTime() >= before - 1000 &&
      twee[0]!.valid_to.getTime() <= Date.now(),
  );
  const een = await resourcesOf("sy-1");
  assert.equal(een.find((r) => r.kind === "domain")!.valid_to !== null, true);
  assert.equal(een.find((r) => r.kind === "ip")!.valid_to, null);
  const trail = await inventoryAudit();
  assert.equal(trail.at(-1)!.action, "inventory.sync");
  assert.equal(trail.at(-1)!.subject_id, "webxtra");
});

test("sync refusals: rows of several brands, rows of another brand than --brand, an empty file without --force", async () => {
  const many = await refused(
    [
      "m-1,M,extin,m@m.example,domain,m1.example,2025-01-01,",
      "m-2,M2,webxtra,m@m.example,domain,m2.example,2025-01-01,",
    ],
    { sync: true },
  );
  assert.match(many.message, /one brand, and this file has rows of extin, webxtra; give --brand/);
  const other = await refused(["m-1,M,extin,m@m.example,domain,m1.example,2025-01-01,"], {
    sync: true,
    brand: "webxtra",
  });
  assert.match(
    other.problems[0]!,
    /^row 2, column brand: `extin` is not the brand of this import \(webxtra\)/,
  );
  const empty = await refused([], { sync: true, brand: "webxtra" });
  assert.equal(empty.status, 409);
  assert.match(
    empty.message,
    /would close all 2 current resource\(s\) of webxtra\. If that is what you want, repeat with --force/,
  );
  const forced = await importOk(env.conn.db, [], { sync: true, brand: "webxtra", force: true });
  assert.equal(forced.resources_closed, 2);
});

test("the demo loads through the importer, twice without change", async () => {
  const first = await loadDemo(env.conn.db, SYSTEM);
  const second = await loadDemo(env.conn.db, SYSTEM);
  assert.deepEqual(second, first);
  const ranges = await env.conn.db.selectFrom("brand_ranges").select("cidr").execute();
  assert.ok(ranges.length >= 8);
});

test("CLI: abusedesk inventory import prints the counts; a bad file exits 1 naming the rows", async () => {
  const dir = tmpdir();
  const good = path.join(dir, `inv-${process.pid}-good.csv`);
  const bad = path.join(dir, `inv-${process.pid}-bad.csv`);
  await writeFile(good, csv("cli-1,Cli Een,extin,cli@cli.example,ip,192.0.2.128/27,2025-01-01,"));
  await writeFile(bad, csv("cli-2,Cli Twee,extin,cli@cli.example,kind?,x,2025-01-01,"));
  const env2 = { DATABASE_URL: env.tdb.url, ABUSEDESK_RDAP_URL: "" };
  const preview = await runCli(["inventory", "import", "--preview", good], env2);
  assert.equal(preview.code, 0, preview.stderr);
  assert.match(preview.stdout, /^preview \(nothing stored\): inventory imported: 1 row/);
  assert.match(preview.stdout, /add +cli-1 ip 192\.0\.2\.128\/27 2024-12-31T23:00:00Z \.\. open/);
  const ok = await runCli(["inventory", "import", good], env2);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /customers: 1 created, 0 updated, 0 unchanged/);
  assert.match(ok.stdout, /resources: 1 added, 0 closed, 0 changed, 0 unchanged/);
  const no = await runCli(["inventory", "import", bad], env2);
  assert.equal(no.code, 1);
  assert.match(no.stderr, /row 2, column kind: `kind\?` is not a kind/);
  assert.match(no.stderr, /refused, nothing was imported/);
  const re = await runCli(["inventory", "reresolve", "--since", "2026-01-01"], env2);
  assert.equal(re.code, 0, re.stderr);
  assert.match(re.stdout, /events re-resolved: 0 of 0 examined/);
});
