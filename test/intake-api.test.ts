/** The Reports and Events API through real HTTP against a real database: submit, read, list, download. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { json, SAMPLES, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const sample = (p: string) => readFileSync(path.join(SAMPLES, p));

function submit(
  body: Buffer | string,
  contentType: string,
  query = "",
  role: "agent" | "admin" | "auditor" = "agent",
) {
  return t.api(role, `/api/v1/reports${query}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
}

test("an ARF mail is stored, parsed into events and answered 202 with the Report shape", async () => {
  const res = await submit(sample("arf/rfc5965_B2_extended.eml"), "message/rfc822", "?brand=extin");
  assert.equal(res.status, 202);
  const r = await json(res);
  for (const key of [
    "id",
    "channel",
    "received_at",
    "sha256",
    "message_id",
    "state",
    "duplicate",
    "reporter",
    "events",
    "triage_reason",
    "missing",
    "triage",
    "cases",
  ]) {
    assert.ok(key in r, `Report has ${key}`);
  }
  assert.equal(r.channel, "api");
  assert.equal(r.state, "parsed");
  assert.equal(r.duplicate, false);
  assert.equal(r.triage, false);
  assert.equal(r.brand, "extin");
  assert.equal(r.format, "arf");
  assert.match(r.sha256, /^[0-9a-f]{64}$/);
  assert.ok(r.events.length >= 1);
  const e = r.events[0];
  assert.deepEqual(Object.keys(e.subject).sort(), ["domain", "email", "ip", "phone", "port", "url"]);
  assert.equal(e.category, "spam");
  assert.equal(e.kind, "abuse");
  assert.equal(e.subject.ip, "192.0.2.1");
  // 192.0.2.1 in 2005: nobody held it then (this desk has no inventory), so it is not ours.
  assert.equal(e.resolution, "not_ours");
  assert.equal(e.customer, null);
  assert.equal(e.report_id, r.id);
  assert.ok("customer" in e && "case_id" in e && "occurred_at" in e);

  // Read back by id, and the events list by report.
  const got = await json(await t.api("auditor", `/api/v1/reports/${r.id}`));
  assert.equal(got.id, r.id);
  assert.equal(got.events.length, r.events.length);
  const events = await json(await t.api("auditor", `/api/v1/events?report_id=${r.id}`));
  assert.equal(events.total, r.events.length);
  assert.equal(events.items[0].report_id, r.id);
  assert.equal(events.next_cursor, null);
});

test("the same bytes twice are one report; the second answer says duplicate", async () => {
  const raw = sample("xarf-v4-json/xarf_spec_v4_content-phishing.json");
  const first = await json(await submit(raw, "application/json"));
  const second = await json(await submit(raw, "application/json"));
  assert.equal(first.duplicate, false);
  assert.equal(second.duplicate, true);
  assert.equal(second.id, first.id);
  assert.equal(second.events.length, first.events.length);
  const rows = await t.desk.conn.db
    .selectFrom("reports")
    .select("id")
    .where("sha256", "=", first.sha256)
    .execute();
  assert.equal(rows.length, 1);
  const events = await t.desk.conn.db
    .selectFrom("events")
    .select("id")
    .where("report_id", "=", first.id)
    .execute();
  assert.equal(events.length, first.events.length, "no events stored twice");
});

test("X-ARF v3 JSON and a Shadowserver CSV with ?format=shadowserver&type= are understood", async () => {
  const v3 = await json(
    await submit(sample("xarf-v3-json/abusix_xarf_v3_spam_sample.json"), "application/json"),
  );
  assert.equal(v3.state, "parsed");
  assert.equal(v3.events[0].subject.ip, "192.0.2.55");

  const csv = await submit(
    sample("shadowserver-csv/intelmq_scan_dns.csv"),
    "text/csv",
    "?format=shadowserver&type=scan_dns",
  );
  assert.equal(csv.status, 202);
  const r = await json(csv);
  assert.equal(r.state, "parsed");
  assert.equal(r.format, "shadowserver");
  assert.equal(r.events[0].subject.ip, "198.51.100.179");
  assert.equal(r.events[0].subject.port, 53);
});

test("a report no parser understands lands in triage with its reason, and the triage queue lists it", async () => {
  const res = await submit(Buffer.from('{"hello":"world"}'), "application/json");
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.equal(r.state, "triage");
  assert.equal(r.triage, true);
  assert.ok(r.triage_reason.length > 10, r.triage_reason);
  assert.deepEqual(r.events, []);
  const queue = await json(await t.api("agent", "/api/v1/reports?state=triage"));
  assert.ok(queue.items.some((i: { id: number }) => i.id === r.id));
  assert.ok(queue.items.every((i: { state: string }) => i.state === "triage"));
  assert.equal(typeof queue.total, "number");
});

test("a DMARC aggregate report in which every source passed is parsed with nothing to act on, not sent to triage", async () => {
  const xml = `<?xml version="1.0"?><feedback><report_metadata><org_name>mx.example</org_name><email>dmarc@mx.example</email><report_id>all-pass-1</report_id><date_range><begin>1795132800</begin><end>1795219199</end></date_range></report_metadata><policy_published><domain>shop.example</domain><p>reject</p></policy_published><record><row><source_ip>192.0.2.70</source_ip><count>12</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row><identifiers><header_from>shop.example</header_from></identifiers></record></feedback>`;
  const mail = [
    "From: noreply-dmarc@mx.example",
    "To: dmarc@shop.example",
    "Subject: Report domain: shop.example Submitter: mx.example Report-ID: all-pass-1",
    "Message-ID: <all-pass-1@mx.example>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain",
    "",
    "This is an aggregate report from mx.example.",
    "--b",
    'Content-Type: application/gzip; name="mx.example!shop.example!1795132800!1795219199.xml.gz"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="mx.example!shop.example!1795132800!1795219199.xml.gz"',
    "",
    gzipSync(Buffer.from(xml)).toString("base64"),
    "--b--",
    "",
  ].join("\r\n");
  const res = await submit(mail, "message/rfc822", "?brand=extin");
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.equal(r.state, "parsed", r.triage_reason ?? "");
  assert.equal(r.format, "dmarc-aggregate");
  assert.deepEqual(r.events, []);
  const detail = await json(await t.api("agent", `/api/v1/reports/${r.id}`));
  assert.ok(
    detail.warnings.some((w: string) => /every one of its 1 sources passed; nothing to act on/.test(w)),
    JSON.stringify(detail.warnings),
  );
});

test("GET /api/v1/reports?message_id= finds a mail by its Message-ID, with or without angle brackets", async () => {
  const mail = `From: Reporter <reporter@example.org>\r\nTo: abuse@x2com.nl\r\nSubject: phishing on your network\r\nMessage-ID: <find-me-123@example.org>\r\nDate: Mon, 2 Feb 2026 10:00:00 +0100\r\n\r\nPhishing site at http://login-bank.example/ on 192.0.2.10\r\n`;
  const r = await json(await submit(mail, "message/rfc822"));
  assert.equal(r.message_id, "find-me-123@example.org");
  for (const q of ["find-me-123@example.org", "<find-me-123@example.org>"]) {
    const found = await json(await t.api("auditor", `/api/v1/reports?message_id=${encodeURIComponent(q)}`));
    assert.equal(found.total, 1, q);
    assert.equal(found.items[0].id, r.id);
  }
});

test("lists are paginated with a cursor, newest first", async () => {
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await json(
      await submit(
        `From: a@example.org\r\nSubject: spam ${i}\r\n\r\nspam from 192.0.2.${i + 20}\r\n`,
        "message/rfc822",
      ),
    );
    ids.push(r.id);
  }
  const page1 = await json(await t.api("agent", "/api/v1/reports?limit=2"));
  assert.equal(page1.items.length, 2);
  assert.ok(page1.next_cursor);
  assert.ok(page1.items[0].id > page1.items[1].id);
  const page2 = await json(await t.api("agent", `/api/v1/reports?limit=2&cursor=${page1.next_cursor}`));
  assert.ok(page2.items[0].id < page1.items[1].id);
  const bad = await t.api("agent", "/api/v1/reports?cursor=bm9wZQ");
  assert.equal(bad.status, 400);
  const ev = await json(await t.api("agent", "/api/v1/events?limit=1"));
  assert.equal(ev.items.length, 1);
  assert.ok(ev.next_cursor);
  const ev2 = await json(await t.api("agent", `/api/v1/events?limit=1&cursor=${ev.next_cursor}`));
  assert.ok(ev2.items[0].id < ev.items[0].id);
  const spam = await json(await t.api("agent", "/api/v1/events?category=spam&limit=1000"));
  assert.ok(spam.items.every((e: { category: string }) => e.category === "spam"));
});

test("roles: reading needs read, submitting needs submit, backfilling needs admin", async () => {
  const raw = "From: a@example.org\r\nSubject: spam\r\n\r\nspam from 192.0.2.77\r\n";
  assert.equal((await submit(raw, "message/rfc822", "", "auditor")).status, 403);
  const noToken = await fetch(`${t.baseUrl}/api/v1/reports`);
  assert.equal(noToken.status, 401);
  const backfill = "?received_at=2024-05-01T10:00:00Z";
  const denied = await submit(raw, "message/rfc822", backfill, "agent");
  assert.equal(denied.status, 403);
  const ok = await submit(raw, "message/rfc822", backfill, "admin");
  assert.equal(ok.status, 202);
  const r = await json(ok);
  assert.equal(r.received_at, "2024-05-01T10:00:00.000Z");
  assert.equal(r.events[0].received_at, "2024-05-01T10:00:00.000Z");
  const audit = await t.desk.conn.db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", "report.backfill")
    .where("subject_id", "=", String(r.id))
    .execute();
  assert.equal(audit.length, 1);
});

test("bad requests get clear answers: unknown brand, empty body, bad received_at, unknown report", async () => {
  const unknownBrand = await submit("x", "message/rfc822", "?brand=nope");
  assert.equal(unknownBrand.status, 400);
  assert.match((await json(unknownBrand)).message, /no brand "nope"/);
  const empty = await submit("", "message/rfc822");
  assert.equal(empty.status, 400);
  assert.match((await json(empty)).message, /body is empty/);
  const badDate = await submit("x", "message/rfc822", "?received_at=yesterday", "admin");
  assert.equal(badDate.status, 400);
  assert.equal((await t.api("agent", "/api/v1/reports/999999")).status, 404);
  assert.equal((await t.api("agent", "/api/v1/reports/abc")).status, 400);
  const unsupported = await t.api("agent", "/api/v1/reports", {
    method: "POST",
    headers: { "content-type": "image/png" },
    body: "x",
  });
  assert.equal(unsupported.status, 415);
});

test("the original is downloaded as an attachment, never rendered", async () => {
  const html = `From: a@example.org\r\nSubject: look\r\nContent-Type: text/html\r\n\r\n<html><script>alert(document.cookie)</script><a href="http://phish.example/">phishing</a> 192.0.2.99</html>\r\n`;
  const r = await json(await submit(html, "message/rfc822"));
  const res = await t.api("auditor", `/api/v1/reports/${r.id}/raw`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  assert.match(res.headers.get("content-disposition") ?? "", /^attachment; filename="report-\d+\.eml"$/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(Buffer.from(await res.arrayBuffer()).toString(), html);
});

test("the OpenAPI document describes the reports and events routes", async () => {
  const doc = await json(await fetch(`${t.baseUrl}/api/openapi.json`));
  assert.ok(doc.paths["/api/v1/reports"].post);
  assert.ok(doc.paths["/api/v1/reports"].get);
  assert.ok(doc.paths["/api/v1/reports/{id}"].get);
  assert.ok(doc.paths["/api/v1/events"].get);
});

test("JSON routes of other parts still parse JSON bodies (our raw parser is scoped to reports)", async () => {
  const res = await t.api("admin", "/api/v1/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "feed", role: "agent" }),
  });
  assert.equal(res.status, 201);
});

test("a Shadowserver CSV about demo customers is stored with customer and case on every event, and processing it again changes nothing", async () => {
  const rows = [
    '"timestamp","ip","port","hostname","tag","asn","geo","region","city"',
    '"2026-11-20 10:00:00","192.0.2.10",161,,"snmp",64500,"NL","","",',
    '"2026-11-20 10:05:00","192.0.2.11",161,,"snmp",64500,"NL","","",',
    '"2026-11-20 10:06:00","198.51.100.7",161,,"snmp",64500,"NL","","",',
    '"2026-11-20 10:07:00","203.0.113.250",161,,"snmp",64500,"NL","","",',
  ].join("\n");
  const res = await submit(rows, "text/csv", "?format=shadowserver&type=scan_snmp");
  assert.equal(res.status, 202);
  const r = await json(res);
  assert.equal(r.state, "parsed");
  const events = (await json(await t.api("auditor", `/api/v1/events?report_id=${r.id}&limit=100`))).items;
  assert.equal(events.length, 4);
  const byIp = new Map(events.map((e: { subject: { ip: string } }) => [e.subject.ip, e]));
  // Resolved and grouped before they were written: one insert, every field in place.
  const korenschoof = [byIp.get("192.0.2.10"), byIp.get("192.0.2.11")] as {
    customer: { id: string };
    case_id: number;
  }[];
  for (const e of korenschoof) assert.equal(e.customer.id, "x2c-1001");
  assert.ok(korenschoof[0]!.case_id);
  assert.equal(korenschoof[0]!.case_id, korenschoof[1]!.case_id, "one case for the customer's two hosts");
  const tulp = byIp.get("198.51.100.7") as { customer: { id: string }; case_id: number; resolution: string };
  assert.equal(tulp.customer.id, "ext-3001");
  assert.notEqual(tulp.case_id, korenschoof[0]!.case_id);
  const unassigned = byIp.get("203.0.113.250") as { customer: null; case_id: null; resolution: string };
  assert.equal(unassigned.resolution, "not_ours");
  assert.equal(unassigned.case_id, null);

  const kase = await json(await t.api("auditor", `/api/v1/cases/${korenschoof[0]!.case_id}`));
  assert.equal(kase.event_count, 2);
  // A feed has no person waiting for an answer: the report was known as Shadowserver when it was grouped.
  assert.deepEqual(
    kase.deadlines.filter((d: { name: string }) => d.name === "reply_to_reporter"),
    [],
  );

  const { processReport } = await import("../src/intake/process.ts");
  const again = await processReport(t.desk.services, r.id);
  assert.equal(again.processedNow, false);
  const after = await json(await t.api("auditor", `/api/v1/cases/${korenschoof[0]!.case_id}`));
  assert.equal(after.event_count, 2);
  assert.equal((await json(await t.api("auditor", `/api/v1/events?report_id=${r.id}`))).total, 4);
});
