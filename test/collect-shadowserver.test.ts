/**
 * The Shadowserver Reports API collector (issue 10) against a stand-in on loopback that speaks the
 * documented API (github.com/The-Shadowserver-Foundation/api_utils: POST <api>reports/list with `apikey`
 * in the JSON body and the hex HMAC-SHA256 of the body under the secret in the `HMAC2` header; downloads
 * from <download><id>). The stand-in checks the signature with node:crypto itself. The CSV it serves is
 * the IntelMQ scan_ntp sample (test/fixtures/samples/INDEX.md) with its address moved into a demo
 * customer's range.
 */
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { collectShadowserver, signature } from "../src/intake/shadowserver-api.ts";
import { reportSettled, runCli, SAMPLES, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";

const KEY = "test-key-1";
const SECRET = "s3cr3t-for-hmac";
const DAY = "2026-12-03";

// Moved into a demo customer's range and to a day it held that range (resolution is time-aware).
const csv = readFileSync(path.join(SAMPLES, "shadowserver-csv", "intelmq_scan_ntp.csv"), "utf8")
  .replace("198.123.245.134", "198.51.100.20")
  .replace("2019-09-04 01:16:27", "2026-12-02 01:16:27");
const REPORTS = [
  {
    id: "a1B2c3",
    report: "extin-asn",
    type: "scan_ntp",
    timestamp: DAY,
    file: `${DAY}-scan_ntp-extin-asn.csv`,
  },
  {
    id: "flaky9",
    report: "extin-asn",
    type: "scan_ntp",
    timestamp: DAY,
    file: `${DAY}-scan_ntp-extin-2.csv`,
  },
];

/** A download larger than the stream threshold of the test below: stored as a feed, never held whole. */
const BIG_ROWS = 4_000;
const bigCsv = [
  '"timestamp","ip","protocol","port","hostname","asn","geo","region","city","version"',
  ...Array.from(
    { length: BIG_ROWS },
    (_, i) =>
      `"2026-12-02 01:${String(i % 60).padStart(2, "0")}:00","${i % 2 ? `10.9.${i >> 8}.${i & 255}` : `198.51.100.${(i >> 1) % 120}`}","udp",123,,1136,"NL","NOORD-HOLLAND","AMSTERDAM",4`,
  ),
  "",
].join("\n");

let t: TestDesk;
let api: string;
let server: ReturnType<typeof createServer>;
const seen = { lists: 0, badSignatures: 0, downloads: new Map<string, number>() };

before(async () => {
  t = await startTestDesk({ demo: true });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.method === "POST" && req.url === "/api2/reports/list") {
        seen.lists++;
        const expected = createHmac("sha256", SECRET).update(body).digest();
        const given = Buffer.from(String(req.headers.hmac2 ?? ""), "hex");
        const json = JSON.parse(body);
        if (json.apikey !== KEY || given.length !== expected.length || !timingSafeEqual(given, expected)) {
          seen.badSignatures++;
          res
            .writeHead(401, { "content-type": "application/json" })
            .end('{"error":"invalid API key or signature"}');
          return;
        }
        // Every report is listed on DAY; the last ones also on the day they were added for (today).
        const listed = REPORTS.filter((r) => json.date === DAY || r.timestamp === json.date);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(listed));
        return;
      }
      const m = /^\/dl\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "");
      if (req.method === "GET" && m) {
        const n = (seen.downloads.get(m[1]!) ?? 0) + 1;
        seen.downloads.set(m[1]!, n);
        if (m[1] === "flaky9" && n === 1) {
          res.writeHead(503).end("try later");
          return;
        }
        const content =
          m[1] === "flaky9" ? csv.replace("198.51.100.20", "198.51.100.21") : m[1] === "big77" ? bigCsv : csv;
        res.writeHead(200, { "content-type": "text/csv" }).end(content);
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await t.stop();
  await new Promise((resolve) => server.close(resolve));
});

function configFile(secretEnv = "SS_TEST_SECRET") {
  const file = path.join(tmpdir(), `abusedesk-shadowserver-${process.pid}-${Date.now()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      api: `${api}/api2/`,
      download: `${api}/dl/`,
      keys: [{ name: "extin-asn", brand: "extin", key_env: "SS_TEST_KEY", secret_env: secretEnv }],
    }),
  );
  return file;
}

test("the signature is the hex HMAC-SHA256 of the body under the secret", () => {
  assert.equal(
    signature("key", "The quick brown fox jumps over the lazy dog"),
    "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
  );
});

test("abusedesk collect shadowserver: lists the day with a signed request, stores each report once, retries a failed download", async () => {
  const env = { DATABASE_URL: t.databaseUrl, SS_TEST_KEY: KEY, SS_TEST_SECRET: SECRET };
  const first = await runCli(["collect", "shadowserver", "--config", configFile(), "--date", DAY], env);
  assert.equal(first.code, 1, "one download failed");
  assert.match(
    first.stdout,
    /extin-asn: 2 listed, 1 stored, 0 already known by content, 0 collected before, 1 failed/,
  );
  assert.match(first.stdout, /scan_ntp-extin-2\.csv: the download answered 503/);
  assert.match(first.stderr, /the next run tries them again/);
  assert.equal(seen.badSignatures, 0);

  const db = t.desk.conn.db;
  const stored = await db.selectFrom("reports").selectAll().where("channel", "=", "collector").execute();
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.filename, `${DAY}-scan_ntp-extin-asn.csv`);
  assert.equal(stored[0]!.brand_id, "extin");
  // The desk's workers parse it like an attachment: a Shadowserver scan_ntp row, resolved to a customer.
  const parsed = await waitFor(
    async () => {
      const r = await db
        .selectFrom("reports")
        .select(["state", "format"])
        .where("id", "=", stored[0]!.id)
        .executeTakeFirst();
      return r && r.state !== "processing" ? r : undefined;
    },
    20_000,
    "the collected report to be parsed",
  );
  assert.equal(parsed.state, "parsed");
  assert.equal(parsed.format, "shadowserver");
  const event = await db
    .selectFrom("events")
    .select(["category", "customer_id", "case_id"])
    .where("report_id", "=", stored[0]!.id)
    .executeTakeFirstOrThrow();
  assert.equal(event.category, "open_service");
  assert.equal(event.customer_id, "ext-3001");

  // The next run fetches only the one that failed; the first is not downloaded again.
  const second = await runCli(["collect", "shadowserver", "--config", configFile(), "--date", DAY], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /2 listed, 1 stored, 0 already known by content, 1 collected before, 0 failed/);
  assert.equal(seen.downloads.get("a1B2c3"), 1);
  assert.equal(seen.downloads.get("flaky9"), 2);
  const third = await runCli(["collect", "shadowserver", "--config", configFile(), "--date", DAY], env);
  assert.match(third.stdout, /2 listed, 0 stored, 0 already known by content, 2 collected before, 0 failed/);
  assert.equal(
    (await db.selectFrom("reports").select("id").where("channel", "=", "collector").execute()).length,
    2,
  );
});

test("a wrong secret is a clear error, and nothing is stored", async () => {
  const env = { DATABASE_URL: t.databaseUrl, SS_TEST_KEY: KEY, SS_WRONG: "not-the-secret" };
  const run = await runCli(
    ["collect", "shadowserver", "--config", configFile("SS_WRONG"), "--date", "2026-12-02"],
    env,
  );
  assert.equal(run.code, 1);
  assert.match(run.stderr, /answered 401 to reports\/list for 2026-12-02 \(check the key and secret\)/);
  assert.ok(seen.badSignatures >= 1);
  const missing = await runCli(["collect", "shadowserver", "--config", configFile("SS_NOT_SET")], {
    DATABASE_URL: t.databaseUrl,
    SS_TEST_KEY: KEY,
  });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no secret; set "secret_env"/);
});

test("two collectors at once fetch each report once (the claim)", async () => {
  const key = { name: "k", brand: "extin", key: KEY, secret: SECRET };
  const config = { api: `${api}/api2/`, download: `${api}/dl/`, days: 1 };
  REPORTS.push({
    id: "race42",
    report: "extin-asn",
    type: "scan_ntp",
    timestamp: DAY,
    file: `${DAY}-scan_ntp-race.csv`,
  });
  const [a, b] = await Promise.all([
    collectShadowserver(t.desk.conn.db, config, key, { dates: [DAY] }),
    collectShadowserver(t.desk.conn.db, config, key, { dates: [DAY] }),
  ]);
  assert.equal(seen.downloads.get("race42"), 1);
  assert.equal([...a.stored, ...b.stored].filter((r) => r.file.includes("race")).length, 1);
});

test("the worker collects on its own for every configured key", async () => {
  process.env.SS_TEST_KEY = KEY;
  process.env.SS_TEST_SECRET = SECRET;
  const today = new Date().toISOString().slice(0, 10);
  REPORTS.push({
    id: "today1",
    report: "extin-asn",
    type: "scan_ntp",
    timestamp: today,
    file: `${today}-scan_ntp-x.csv`,
  });
  const desk = await startTestDesk({ demo: true, config: { shadowserverConfig: configFile() } });
  try {
    const rows = await waitFor(
      async () => {
        const r = await desk.desk.conn.db
          .selectFrom("reports")
          .select("id")
          .where("channel", "=", "collector")
          .execute();
        return r.length > 0 ? r : undefined;
      },
      30_000,
      "the scheduled collection",
    );
    assert.ok(rows.length >= 1);
  } finally {
    await desk.stop();
    delete process.env.SS_TEST_KEY;
    delete process.env.SS_TEST_SECRET;
  }
});

test("a download larger than the stream threshold is stored as it arrives, as a feed, and parsed in batches", async () => {
  const key = { name: "k", brand: "extin", key: KEY, secret: SECRET };
  const config = { api: `${api}/api2/`, download: `${api}/dl/`, days: 1 };
  REPORTS.push({
    id: "big77",
    report: "extin-asn",
    type: "scan_ntp",
    timestamp: DAY,
    file: `${DAY}-scan_ntp-extin-big.csv`,
  });
  const threshold = 64 * 1024;
  assert.ok(bigCsv.length > 4 * threshold);
  const r = await collectShadowserver(t.desk.conn.db, config, key, {
    dates: [DAY],
    feeds: { threshold, maxBytes: 1 << 30 },
  });
  const big = r.stored.find((x) => x.file.includes("big"));
  assert.ok(big, JSON.stringify(r));
  const db = t.desk.conn.db;
  const row = await db
    .selectFrom("reports")
    .select(["streamed", "size", "raw"])
    .where("id", "=", big.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.streamed, true, "stored in chunks");
  assert.equal(row.raw.length, 0);
  assert.equal(row.size, Buffer.byteLength(bigCsv));
  const parsed = await reportSettled(db, big.id, 60_000, "the collected feed to be parsed");
  assert.equal(parsed.state, "parsed", parsed.triage_reason ?? "");
  const events = await db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("report_id", "=", big.id)
    .executeTakeFirstOrThrow();
  assert.equal(Number(events.n), BIG_ROWS);
});
