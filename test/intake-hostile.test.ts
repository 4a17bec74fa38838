/**
 * Hostile input through the API door: each gets a clear error (and then nothing is stored) or is stored and
 * lands in triage with its reason; the desk stays up throughout.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { zipSync } from "fflate";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

function submit(body: Buffer | string, contentType: string, query = "") {
  return t.api("agent", `/api/v1/reports${query}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
}

async function storedCount(): Promise<number> {
  const r = await t.desk.conn.db
    .selectFrom("reports")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

test("a zip bomb (40 MB of zeros in a 40 kB zip) is stored and lands in triage as a bomb", async () => {
  const zip = Buffer.from(
    zipSync({ "2026-01-01-scan_dns-nl-asn.csv": new Uint8Array(40 * 1024 * 1024) }, { level: 9 }),
  );
  assert.ok(zip.length < 200_000, `zip is ${zip.length} bytes`);
  const res = await submit(zip, "application/zip", "?format=shadowserver&type=scan_dns");
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.equal(r.state, "triage");
  assert.match(r.triage_reason, /zip bomb/);
  assert.equal(r.size, zip.length);
});

// How fast it goes is bench/intake.ts's business; here: stored, refused whole, and said why.
test("a CSV with a million rows is stored and lands in triage as too large, saying what to do", async () => {
  const lines = ["timestamp,ip"];
  for (let i = 0; i < 1_000_000; i++)
    lines.push(`2026-01-01 00:00:00,10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const csv = Buffer.from(`${lines.join("\n")}\n`);
  assert.ok(csv.length < 32 * 1024 * 1024);
  const res = await submit(csv, "text/csv", "?format=shadowserver&type=scan_dns");
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.equal(r.state, "triage");
  assert.match(r.triage_reason, /1,000,000 rows, more than the 500,000/);
  assert.match(r.triage_reason, /split the file/);
  assert.equal(r.size, csv.length);
});

test("a body over 32 MB is refused with 413 and a message saying what to do; nothing is stored", async () => {
  const before = await storedCount();
  const res = await submit(Buffer.alloc(33 * 1024 * 1024, 65), "text/plain");
  assert.equal(res.status, 413);
  assert.match((await json(res)).message, /larger than 32 MB.*abusedesk ingest/);
  assert.equal(await storedCount(), before);
});

test("X-ARF with wrong types is stored and lands in triage with the field that is wrong", async () => {
  const doc = {
    xarf_version: "4.0.0",
    report_id: 12345,
    timestamp: true,
    reporter: "not an object",
    category: ["content"],
    type: { phishing: 1 },
    source_identifier: 192,
  };
  const res = await submit(JSON.stringify(doc), "application/json");
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.equal(r.state, "triage");
  assert.ok(r.triage_reason.length > 10, r.triage_reason);
});

test("invalid JSON and JSON with NUL characters are stored and land in triage", async () => {
  for (const body of ['{"xarf_version": "4.0.0", ', '{"a":"\\u0000\\ud800"}', "\0\0\0{}"]) {
    const res = await submit(body, "application/json");
    assert.equal(res.status, 202, body);
    const r = await json(res);
    assert.equal(r.state, "triage", body);
  }
});

test("NUL bytes in a plain-text complaint do not break storage: the complaint is parsed", async () => {
  const res = await submit(
    "Phishing\0 site at http://phish\0ing.example/login on 192.0.2.200\0",
    "text/plain",
  );
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.ok(["parsed", "triage"].includes(r.state));
  assert.ok(JSON.stringify(r).indexOf("\\u0000") < 0);
});

test("SQL-looking strings are data: in a query they are refused or match nothing, in a report they are stored", async () => {
  const bad = await submit("x", "text/csv", "?type=scan_dns';drop%20table%20reports;--");
  assert.equal(bad.status, 400);
  const none = await json(
    await t.api("agent", `/api/v1/reports?message_id=${encodeURIComponent("' or 1=1 --")}`),
  );
  assert.equal(none.total, 0);
  const r = await json(
    await submit(
      "From: a@example.org\r\nSubject: '); drop table events; --\r\n\r\nspam from 192.0.2.1\r\n",
      "message/rfc822",
    ),
  );
  assert.equal(r.subject, "'); drop table events; --");
  assert.equal((await t.api("agent", "/api/v1/events?limit=1")).status, 200);
});

test("after all that the desk answers", async () => {
  assert.equal((await fetch(`${t.baseUrl}/healthz`)).status, 200);
});
