import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { SYSTEM } from "../src/auth/auth.store.ts";
import { type Connection, connect } from "../src/db/index.ts";
import { importInventoryFile } from "../src/inventory/import.ts";
import { addBrandRange } from "../src/inventory/ranges.store.ts";
import { createResolver, type Resolver } from "../src/resolution/resolver.ts";
import { migratedDatabase, quietLog, waitFor } from "./helpers.ts";
import {
  csv,
  eventState,
  importOk,
  insertEvents,
  insertReport,
  resolveAll,
  seedBrands,
} from "./resolution.fixtures.ts";

let env: Awaited<ReturnType<typeof migratedDatabase>>;
let resolver: Resolver;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  env = await migratedDatabase();
  await seedBrands(env.conn.db);
  await importOk(env.conn.db, [
    "cust-a,Klant A,extin,a@a.example,ip,192.0.2.0/25,2025-01-01,2026-06-01",
    "cust-b,Klant B,x2com-nl,b@b.example,ip,192.0.2.0/25,2026-06-01,",
    "cust-c,Klant C,x2com-be,c@c.example,ip,2001:db8::/32,2024-01-01,",
    "cust-d,Klant D,x2com-be,d@d.example,ip,2001:db8:42::/48,2024-01-01,",
    "cust-e,Klant E,webxtra,e@e.example,domain,example.nl,2024-01-01,",
    "cust-e,Klant E,webxtra,e@e.example,phone,020-1234567,2024-01-01,",
    "cust-f,Klant F,webxtra,f@f.example,email,info@mail.example,2024-01-01,",
  ]);
  resolver = await createResolver(env.conn.db, quietLog, { databaseUrl: env.tdb.url, rdapUrl: null });
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await resolver.close();
  await env.close();
});

test("192.0.2.0/25 was A's until 2026-06-01, then B's: May resolves to A, July to B", async () => {
  const db = env.conn.db;
  const report = await insertReport(db, "webxtra");
  const [may, july, before2025] = await insertEvents(db, report, [
    { ip: "192.0.2.77", at: "2026-05-01T10:00:00Z", brand: "webxtra" },
    { ip: "192.0.2.77", at: "2026-07-01T10:00:00Z", brand: "webxtra" },
    { ip: "192.0.2.77", at: "2024-07-01T10:00:00Z", brand: "webxtra" },
  ]);
  const resolved = await resolveAll(db, resolver, [may!, july!, before2025!]);
  assert.deepEqual(
    resolved.map((e) => [e.customer_id, e.resolution, e.brand_id]),
    [
      ["cust-a", "matched", "extin"],
      ["cust-b", "matched", "x2com-nl"],
      [null, "not_ours", "webxtra"],
    ],
    "the customer's brand wins over the report's",
  );
  const a = await eventState(db, may!.id);
  assert.equal(a.customer_id, "cust-a");
  assert.equal(a.brand_id, "extin");
  assert.equal(a.detail.customer_name, "Klant A");
  assert.equal(a.detail.matched_by, "ip");
  assert.equal(a.detail.value, "192.0.2.0/25");
  assert.equal(a.detail.at_source, "occurred_at");
  assert.match(String(a.detail.assignment_id), /^\d+$/);
  const b = await eventState(db, july!.id);
  assert.equal(b.customer_id, "cust-b");
  assert.notEqual(b.detail.assignment_id, a.detail.assignment_id);
});

test("2001:db8::/32 to C and 2001:db8:42::/48 to D: the /48 wins inside it, the /32 elsewhere", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const events = await insertEvents(db, report, [
    { ip: "2001:db8:42::1" },
    { ip: "2001:db8:43::1" },
    { ip: "2001:db9::1" },
  ]);
  const resolved = await resolveAll(db, resolver, events);
  assert.deepEqual(
    resolved.map((e) => e.customer_id),
    ["cust-d", "cust-c", null],
  );
  assert.equal((await eventState(db, events[0]!.id)).detail.value, "2001:db8:42::/48");
});

test("https://shop.example.nl/cart is example.nl's customer; example.nl.evil.example is not; mailbox and phone", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const events = await insertEvents(db, report, [
    { url: "https://shop.example.nl/cart" },
    { url: "https://example.nl.evil.example/" },
    { email: "info@mail.example" },
    { phone: "+31201234567" },
  ]);
  const resolved = await resolveAll(db, resolver, events);
  assert.deepEqual(
    resolved.map((e) => e.customer_id),
    ["cust-e", null, "cust-f", "cust-e"],
  );
  const shop = await eventState(db, events[0]!.id);
  assert.equal(shop.detail.matched_by, "domain");
  assert.equal(shop.detail.value, "example.nl");
  assert.equal(shop.brand_id, "webxtra");
});

test("an event without a time of abuse is resolved at the time it was received, and says so", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const [early, late] = await insertEvents(db, report, [
    { ip: "192.0.2.10", at: null, receivedAt: "2026-05-20T10:00:00Z" },
    { ip: "192.0.2.10", at: null, receivedAt: "2026-06-20T10:00:00Z" },
  ]);
  const resolved = await resolveAll(db, resolver, [early!, late!]);
  assert.deepEqual(
    resolved.map((e) => e.customer_id),
    ["cust-a", "cust-b"],
  );
  const s = await eventState(db, early!.id);
  assert.equal(s.detail.at_source, "received_at");
  assert.match(s.detail.note, /no time of the abuse/);
});

test("the snapshot stays when the inventory changes later: a sync closes D, the event still names D", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const [e] = await insertEvents(db, report, [{ ip: "2001:db8:42::99" }]);
  await resolveAll(db, resolver, [e!]);
  const before = await eventState(db, e!.id);
  assert.equal(before.customer_id, "cust-d");
  // x2com-be's truth no longer lists D's /48
  await importOk(db, ["cust-c,Klant C,x2com-be,c@c.example,ip,2001:db8::/32,2024-01-01,"], { sync: true });
  await resolver.catchUp();
  assert.deepEqual(await eventState(db, e!.id), before);
  // a new event at the same time still resolves to D: closing is at now, history stays
  const past = await resolver.lookup({ ip: "2001:db8:42::99" }, new Date("2026-03-01T12:00:00Z"));
  assert.equal(past.resolution === "matched" && past.customerId, "cust-d");
  const later = await resolver.lookup({ ip: "2001:db8:42::99" }, new Date(Date.now() + 86_400_000));
  assert.equal(later.resolution === "matched" && later.customerId, "cust-c");
});

test("not ours: inside a brand's own range (unassigned) or someone else's network", async () => {
  const db = env.conn.db;
  const added = await addBrandRange(db, SYSTEM, "extin", "198.51.100.0/24");
  assert.ok(added.ok);
  await resolver.catchUp();
  const report = await insertReport(db);
  const [ours, foreign] = await insertEvents(db, report, [{ ip: "198.51.100.9" }, { ip: "203.0.113.50" }]);
  const resolved = await resolveAll(db, resolver, [ours!, foreign!]);
  assert.deepEqual(
    resolved.map((e) => [e.resolution, e.brand_id]),
    [
      ["not_ours", "extin"],
      ["not_ours", null],
    ],
  );
  const o = await eventState(db, ours!.id);
  assert.equal(o.detail.provider_range, true);
  assert.equal(o.detail.range_brand, "extin");
  assert.equal((await eventState(db, foreign!.id)).detail.provider_range, false);
});

test("a second process sees an import made by the first without a restart (NOTIFY)", async () => {
  const other: Connection = await connect({ databaseUrl: env.tdb.url, dataDir: "unused", log: quietLog });
  // no connection string: the LISTEN connection takes the pool's settings
  const second = await createResolver(other.db, quietLog, {
    databaseUrl: env.tdb.url,
    rdapUrl: null,
    pollMs: 3_600_000,
  });
  closers.push(async () => {
    await second.close();
    await other.close();
  });
  // A resolver builds its index when warmed (a web or worker process at start) or at first use.
  second.warm();
  await waitFor(async () => second.stats().builtAt !== null, 10_000, "the second index");
  const seqBefore = second.stats().seq;
  const at = new Date("2026-03-01T12:00:00Z");
  assert.equal((await second.lookup({ ip: "203.0.113.200" }, at)).resolution, "not_ours");
  // the first process imports
  await importOk(env.conn.db, ["cust-g,Klant G,webxtra,g@g.example,ip,203.0.113.192/26,2025-01-01,"]);
  // the second applies it by itself, on the notification: no resolve or lookup asked for it
  await waitFor(async () => second.stats().seq > seqBefore, 10_000, "the notification");
  const r = await second.lookup({ ip: "203.0.113.200" }, at);
  assert.equal(r.resolution === "matched" && r.customerId, "cust-g");
});

test("without LISTEN, a batch is never resolved with an index older than a committed import", async () => {
  const quiet = await createResolver(env.conn.db, quietLog, {
    listen: false,
    rdapUrl: null,
    pollMs: 3_600_000,
  });
  closers.push(() => quiet.close());
  const db = env.conn.db;
  const report = await insertReport(db);
  const [first] = await insertEvents(db, report, [{ ip: "192.0.2.200" }]);
  assert.equal((await resolveAll(db, quiet, [first!]))[0]!.resolution, "not_ours");
  await importOk(db, ["cust-h,Klant H,extin,h@h.example,ip,192.0.2.192/27,2025-01-01,"]);
  const [second] = await insertEvents(db, report, [{ ip: "192.0.2.200" }]);
  assert.equal((await resolveAll(db, quiet, [second!]))[0]!.customer_id, "cust-h");
});

test("after an import, not-ours events the new resources cover are re-resolved; matched ones keep theirs", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const [gap, other, named] = await insertEvents(db, report, [
    { ip: "192.0.2.140", at: "2026-02-01T00:00:00Z" },
    { ip: "192.0.2.250", at: "2026-02-01T00:00:00Z" },
    { url: "http://www.winkel.example/x" },
  ]);
  await resolveAll(db, resolver, [gap!, other!, named!]);
  assert.equal((await eventState(db, gap!.id)).resolution, "not_ours");
  const result = await importInventoryFile(
    { db, log: quietLog, resolver },
    SYSTEM,
    csv(
      "cust-i,Klant I,extin,i@i.example,ip,192.0.2.128/26,2025-01-01,",
      "cust-j,Klant J,extin,j@j.example,domain,winkel.example,2025-01-01,",
    ),
    {},
  );
  assert.ok(result.ok);
  assert.deepEqual(result.value.reresolved, { examined: 2, matched: 2, more: false });
  const g = await eventState(db, gap!.id);
  assert.equal(g.customer_id, "cust-i");
  assert.equal(g.detail.customer_name, "Klant I");
  assert.equal((await eventState(db, named!.id)).customer_id, "cust-j");
  assert.equal((await eventState(db, other!.id)).resolution, "not_ours");
});

test("reresolve: every unresolved event since a date, in pages; pending ones too", async () => {
  const db = env.conn.db;
  const report = await insertReport(db);
  const events = await insertEvents(
    db,
    report,
    Array.from({ length: 12 }, (_, i) => ({ ip: `10.9.0.${i}`, receivedAt: "2026-03-05T00:00:00Z" })),
  );
  // left pending on purpose (as if resolution had failed), and a late inventory row for them
  await importOk(db, ["cust-k,Klant K,extin,k@k.example,ip,10.9.0.0/24,2025-01-01,"]);
  const outcome = await resolver.reresolve(db, { since: new Date("2026-03-04T00:00:00Z") });
  assert.equal(outcome.matched, 12);
  for (const e of events) assert.equal((await eventState(db, e.id)).customer_id, "cust-k");
  const again = await resolver.reresolve(db, { since: new Date("2026-03-04T00:00:00Z") });
  assert.equal(again.matched, 0);
});

test("bulk: 25,000 events resolved in one call", async () => {
  const db = env.conn.db;
  await importOk(db, ["cust-bulk,Bulk,extin,bulk@bulk.example,ip,10.200.0.0/16,2025-01-01,"]);
  const report = await insertReport(db);
  const events = await insertEvents(
    db,
    report,
    Array.from({ length: 25_000 }, (_, i) => ({ ip: `10.200.${(i >> 8) & 255}.${i & 255}` })),
  );
  const resolved = await resolveAll(db, resolver, events);
  assert.ok(resolved.every((e) => e.customer_id === "cust-bulk"));
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from events
    where report_id = ${report} and customer_id = 'cust-bulk'`.execute(db);
  assert.equal(rows[0]!.n, 25_000);
});

function rdapServer(handler: (ip: string) => unknown | "hang") {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const m = /\/ip\/(.+)$/.exec(req.url ?? "");
    const answer = m ? handler(decodeURIComponent(m[1]!)) : null;
    if (answer === "hang") return; // never answers
    if (answer === null) {
      res.writeHead(404, { "content-type": "application/rdap+json" }).end('{"errorCode":404}');
      return;
    }
    res.writeHead(200, { "content-type": "application/rdap+json" }).end(JSON.stringify(answer));
  });
  return {
    server,
    hits: () => hits,
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/rdap`;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const network = (start: string, end: string, email: string) => ({
  objectClassName: "ip network",
  handle: "TEST-NET-3",
  name: "DOCUMENTATION",
  startAddress: start,
  endAddress: end,
  entities: [
    {
      objectClassName: "entity",
      roles: ["registrant"],
      entities: [
        {
          objectClassName: "entity",
          roles: ["abuse"],
          vcardArray: [
            "vcard",
            [
              ["version", {}, "text", "4.0"],
              ["fn", {}, "text", "Abuse desk"],
              ["email", {}, "text", email],
            ],
          ],
        },
      ],
    },
  ],
});

test("RDAP: a not-ours address gets its network's abuse contact in the background, cached per network", async () => {
  const fake = rdapServer((ip) =>
    ip.startsWith("203.0.113.")
      ? network("203.0.113.0", "203.0.113.255", "Abuse@Net.Example")
      : ip === "100.64.0.1"
        ? "hang"
        : null,
  );
  const base = await fake.start();
  const db = env.conn.db;
  const withRdap = await createResolver(db, quietLog, {
    listen: false,
    rdapUrl: base,
    rdapTimeoutMs: 300,
    pollMs: 3_600_000,
  });
  closers.push(async () => {
    await withRdap.close();
    await fake.stop();
  });
  const report = await insertReport(db);
  const events = await insertEvents(db, report, [
    { ip: "203.0.113.5" },
    { ip: "203.0.113.6" },
    { ip: "100.64.0.1" },
    { ip: "100.65.0.1" },
  ]);
  const started = performance.now();
  await resolveAll(db, withRdap, events);
  assert.ok(performance.now() - started < 250, "resolve does not wait for RDAP");
  assert.equal((await eventState(db, events[0]!.id)).detail.abuse_contact_pending, true);
  await withRdap.fillAbuseContacts();
  const first = await eventState(db, events[0]!.id);
  assert.equal(first.detail.abuse_contact, "abuse@net.example");
  assert.equal(first.detail.abuse_network.range, "203.0.113.0 - 203.0.113.255");
  assert.equal(first.detail.abuse_contact_pending, undefined);
  assert.equal((await eventState(db, events[1]!.id)).detail.abuse_contact, "abuse@net.example");
  const slow = await eventState(db, events[2]!.id);
  assert.equal(slow.detail.abuse_contact, null);
  assert.match(slow.detail.abuse_contact_error, /did not answer within 300 ms/);
  assert.match((await eventState(db, events[3]!.id)).detail.abuse_contact_error, /no network/);
  // another address of the same network later: answered from the cache
  const hits = fake.hits();
  const [later] = await insertEvents(db, report, [{ ip: "203.0.113.77" }]);
  await resolveAll(db, withRdap, [later!]);
  await withRdap.fillAbuseContacts();
  assert.equal((await eventState(db, later!.id)).detail.abuse_contact, "abuse@net.example");
  assert.equal(fake.hits(), hits);
});
