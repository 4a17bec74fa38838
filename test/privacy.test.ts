/**
 * The privacy export (issue 9 §3): everything held about a person or a customer, as a ZIP, for legal and
 * admin only, within their brands, audited without the person's address in clear.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { strFromU8, unzipSync } from "fflate";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { DEMO_REPORTS } from "../src/demo-reports.ts";
import { MAX_SUBJECT_LENGTH } from "../src/privacy/export.ts";
import { json, runCli, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

/** The demo reports the sensor network sent (X-ARF, its contact in the document). */
const SENSOR_REPORTS = DEMO_REPORTS.filter((r) =>
  String(r.raw).includes("abuse-reports@sensors.example"),
).length;

const zipOf = async (res: Response) => unzipSync(new Uint8Array(await res.arrayBuffer()));
const jsonIn = (files: Record<string, Uint8Array>, name: string) => JSON.parse(strFromU8(files[name]!));
const exportPath = (subject: string) => `/api/v1/privacy/export?subject=${encodeURIComponent(subject)}`;

test("a reporter's export holds their reporter record, their reports and the raw mail; audited by digest", async () => {
  const res = await t.api("legal", exportPath("Abuse-Reports@sensors.example"));
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get("content-type"), "application/zip");
  assert.match(
    res.headers.get("content-disposition") ?? "",
    /^attachment; filename="abusedesk-privacy-export-/,
  );
  const files = await zipOf(res);
  const manifest = jsonIn(files, "manifest.json");
  assert.equal(manifest.subject, "Abuse-Reports@sensors.example");
  assert.equal(manifest.counts.reporters, 1);
  assert.deepEqual(manifest.truncated, []);
  assert.equal(jsonIn(files, "reporters.json")[0].org, "Demo Sensor Network");
  const reports = jsonIn(files, "reports.json");
  assert.ok(SENSOR_REPORTS >= 3);
  assert.equal(reports.length, SENSOR_REPORTS, "the demo's X-ARF reports");
  assert.equal(manifest.counts.raw_reports, SENSOR_REPORTS);
  for (const r of reports) assert.match(strFromU8(files[`raw/report-${r.id}.eml`]!), /"xarf_version"/);

  const entry = await t.desk.services.db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", "privacy.export")
    .orderBy("seq", "desc")
    .executeTakeFirstOrThrow();
  assert.match(entry.actor, /legal/);
  assert.doesNotMatch(
    JSON.stringify(entry),
    /sensors\.example/i,
    "the audit keeps a digest, not the address",
  );
  assert.equal((entry.details as { counts: { reports: number } }).counts.reports, SENSOR_REPORTS);
});

test("a customer's export holds the customer, its cases and events; nobody but legal and admin may ask", async () => {
  const customers = await json(await t.api("admin", "/api/v1/customers?limit=50"));
  const withCase = await json(await t.api("admin", "/api/v1/cases?state=all&limit=50"));
  const target = withCase.items.find((c: { customer: { id: string } | null }) => c.customer)?.customer;
  assert.ok(target, "the demo has a case with a customer");
  assert.ok(customers.items.some((c: { id: string }) => c.id === target.id));
  const files = await zipOf(await t.api("admin", exportPath(target.id)));
  assert.equal(jsonIn(files, "customers.json")[0].id, target.id);
  assert.ok(jsonIn(files, "cases.json").length >= 1);
  assert.ok(jsonIn(files, "events.json").every((e: { customer_id: string | null; report_id: number }) => e));
  assert.ok(jsonIn(files, "events.json").some((e: { customer_id: string }) => e.customer_id === target.id));

  for (const role of ["agent", "supervisor", "auditor"] as const)
    assert.equal((await t.api(role, exportPath(target.id))).status, 403, role);
  assert.equal((await fetch(`${t.baseUrl}${exportPath(target.id)}`)).status, 401);
});

test("the export stays within the reader's brands, and a bad subject is a sentence, not a 500", async () => {
  const person = await createUser(t.desk.services.db, SYSTEM, {
    email: "privacy-x2@abusedesk.test",
    role: "legal",
    brands: ["x2com-nl"],
  });
  assert.ok(person.ok);
  const token = await createToken(t.desk.services.db, SYSTEM, { name: "x2-legal", user: person.value.id });
  assert.ok(token.ok);
  const res = await fetch(`${t.baseUrl}${exportPath("abuse-reports@sensors.example")}`, {
    headers: { authorization: `Bearer ${token.value.token}` },
  });
  assert.equal(res.status, 200);
  const files = await zipOf(res);
  const brands = jsonIn(files, "reports.json").map((r: { brand_id: string }) => r.brand_id);
  assert.ok(
    brands.every((b: string) => b === "x2com-nl"),
    `only x2com-nl's reports: ${brands}`,
  );
  assert.equal(Object.keys(files).filter((f) => f.startsWith("raw/")).length, brands.length);

  const long = await t.api("legal", exportPath("x".repeat(MAX_SUBJECT_LENGTH + 1)));
  assert.equal(long.status, 400);
  const blank = await t.api("legal", exportPath("   "));
  assert.equal(blank.status, 422);
  assert.match((await json(blank)).message, /give a subject/);
});

test("abusedesk privacy export writes the same ZIP to a file", async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "abusedesk-privacy-")), "piet.zip");
  const cli = await runCli(
    ["privacy", "export", "--subject", "abuse-reports@sensors.example", "--out", out],
    {
      DATABASE_URL: t.databaseUrl,
    },
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`wrote .*piet\\.zip: 1 reporters, .*${SENSOR_REPORTS} reports`));
  const files = unzipSync(new Uint8Array(readFileSync(out)));
  assert.equal(jsonIn(files, "manifest.json").made_by, "cli:privacy-export");
});

test("erasure: refused while the reports are evidence in open cases; otherwise the reporter is anonymised, the raw report a tombstone with its digest kept, the audit chain green", async () => {
  const erase = (role: "legal" | "agent", body: unknown) =>
    t.api(role, "/api/v1/privacy/erase", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const reason = "request of the person concerned, GDPR art. 17(1)(a), ticket PRIV-12";
  assert.equal((await erase("agent", { subject: "abuse-reports@sensors.example", reason })).status, 403);
  const open = await erase("legal", { subject: "abuse-reports@sensors.example", reason });
  assert.equal(open.status, 409);
  assert.match((await json(open)).message, /evidence in open cases? [\d, ]+; erase once they are closed/);

  // A watcher's report about an address that is not ours: no case keeps it.
  const doc = JSON.stringify({
    xarf_version: "4.2.0",
    report_id: "erase-me-1",
    timestamp: new Date(Date.now() - 3_600_000).toISOString(),
    reporter: { org: "Erase Watchers", contact: "erase-me@watchers.example", domain: "watchers.example" },
    sender: { org: "Erase Watchers", contact: "erase-me@watchers.example", domain: "watchers.example" },
    source_identifier: "198.51.100.77",
    source_port: 22,
    category: "connection",
    type: "login_attack",
  });
  const submitted = await t.api("agent", "/api/v1/reports?brand=extin", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: doc,
  });
  assert.equal(submitted.status, 202, await submitted.clone().text());
  const report = await json(submitted);
  const db = t.desk.services.db;
  const before = await db
    .selectFrom("reports")
    .select(["sha256", "size"])
    .where("id", "=", report.id)
    .executeTakeFirstOrThrow();

  assert.equal((await erase("legal", { subject: "erase-me@watchers.example", reason: "asked" })).status, 422);
  // Its case is open: refused; once the case is closed, the erasure goes ahead.
  const refused = await erase("legal", { subject: "erase-me@watchers.example", reason });
  assert.equal(refused.status, 409);
  for (const id of report.cases ?? []) {
    const closed = await t.api("agent", `/api/v1/cases/${id}/transitions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "closed", reason: "handled" }),
    });
    assert.equal(closed.status, 200, await closed.clone().text());
  }
  const done = await erase("legal", { subject: "Erase-Me@watchers.example", reason });
  assert.equal(done.status, 200, await done.clone().text());
  assert.deepEqual((await json(done)).erased, { reporters: 1, reports: 1, messages: 0, notices: 0 });

  const after = await db
    .selectFrom("reports")
    .select(["sha256", "size", "raw", "mail_from"])
    .where("id", "=", report.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual({ sha256: after.sha256, size: after.size }, before, "what was received is still proven");
  const raw = after.raw.toString("utf8");
  assert.match(raw, /^erased on .* GDPR art\. 17/);
  assert.doesNotMatch(raw, /erase-me|Erase Watchers/);
  const files = await zipOf(await t.api("legal", exportPath("erase-me@watchers.example")));
  assert.equal(
    jsonIn(files, "manifest.json").counts.reporters,
    0,
    "nothing is found by the address any more",
  );
  assert.equal((await erase("legal", { subject: "erase-me@watchers.example", reason })).status, 404);

  const entry = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", "privacy.erase")
    .executeTakeFirstOrThrow();
  assert.equal((entry.details as { reason: string }).reason, reason);
  assert.doesNotMatch(JSON.stringify(entry), /erase-me@/);
  const verify = await runCli(["audit", "verify"], { DATABASE_URL: t.databaseUrl });
  assert.equal(verify.code, 0, verify.stderr);
});

test("the retention purge takes raw reports and messages past their term, never an open case's evidence or held data; dry run takes nothing", async () => {
  const db = t.desk.services.db;
  const old = new Date(Date.now() - 400 * 86_400_000);
  // Every demo report is now 400 days old; those in open cases stay whatever their age.
  await db.updateTable("reports").set({ received_at: old }).execute();
  const submitted = await t.api("agent", "/api/v1/reports?brand=extin", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      xarf_version: "4.2.0",
      report_id: "purge-me-1",
      timestamp: new Date(Date.now() - 3_600_000).toISOString(),
      reporter: { org: "Old Watchers", contact: "old@watchers.example", domain: "watchers.example" },
      sender: { org: "Old Watchers", contact: "old@watchers.example", domain: "watchers.example" },
      source_identifier: "198.51.100.78",
      source_port: 23,
      category: "connection",
      type: "login_attack",
    }),
  });
  assert.equal(submitted.status, 202);
  const report = await json(submitted);
  await db.updateTable("reports").set({ received_at: old }).where("id", "=", report.id).execute();
  const purge = (...args: string[]) => runCli(["privacy", "purge", ...args], { DATABASE_URL: t.databaseUrl });

  // Its case is open: nothing of it goes.
  let run = await purge();
  assert.equal(run.code, 0, run.stderr);
  const raw = async () =>
    (
      await db.selectFrom("reports").select("raw").where("id", "=", report.id).executeTakeFirstOrThrow()
    ).raw.toString();
  assert.match(await raw(), /purge-me-1/);

  for (const id of report.cases ?? [])
    await t.api("agent", `/api/v1/cases/${id}/transitions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "closed", reason: "handled" }),
    });
  // An authority's preservation order about the address holds its reports until it is released.
  const order = await t.api("legal", "/api/v1/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      authority: "police",
      reference: "PL-2026-hold",
      received_at: new Date().toISOString(),
      legal_basis: "Sv art. 126ni",
      subjects: ["198.51.100.78"],
      requested: ["preserve_data"],
      contact: "recherche@politie.example",
    }),
  });
  assert.equal(order.status, 201, await order.clone().text());
  const holds = (await json(order)).holds as { id: number }[];
  assert.ok(holds.length >= 1, "the order holds data");
  run = await purge();
  assert.equal(run.code, 0, run.stderr);
  assert.match(await raw(), /purge-me-1/, "held data stays");
  for (const h of holds) {
    const released = await t.api("legal", `/api/v1/holds/${h.id}/release`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "investigation closed" }),
    });
    assert.equal(released.status, 200, await released.clone().text());
  }

  run = await purge("--dry-run");
  assert.match(run.stdout, /^would purge: [1-9]\d* raw reports/);
  assert.match(await raw(), /purge-me-1/, "a dry run takes nothing");

  // A brand's own longer term keeps its reports; then every brand's term takes them.
  run = await purge("--retention", "extin.raw_reports=500");
  assert.match(await raw(), /purge-me-1/);
  run = await purge();
  assert.match(run.stdout, /^purged: [1-9]\d* raw reports/);
  assert.match(await raw(), /^purged on .*retention term ran out/);
  const entry = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", "privacy.purge")
    .executeTakeFirst();
  assert.ok(entry, "the purge is audited");
  assert.equal((await runCli(["audit", "verify"], { DATABASE_URL: t.databaseUrl })).code, 0);

  assert.equal((await purge("--retention", "audit_log=30")).code, 1);
  assert.match((await purge("--retention", "audit_log=30")).stderr, /"audit_log" is not a kind of data/);
});
