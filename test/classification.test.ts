/**
 * Never lose a subject, through the real doors: a report with a label we do not know still yields events,
 * resolved and grouped into a case of category `other` flagged "needs classification"; a person
 * reclassifies the case (its events are filed again, audited), an administrator maps the label for later
 * reports and for the open cases, and a report in triage is classified through the API and the CLI.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { json, runCli, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const send = async (role: "agent" | "admin", method: string, path: string, body?: unknown) => {
  const res = await t.api(role, path, {
    method,
    ...(body !== undefined
      ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
      : {}),
  });
  return { status: res.status, body: await json(res) };
};

async function submit(raw: string, query: string, contentType: string) {
  const res = await t.api("agent", `/api/v1/reports?${query}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: raw,
  });
  const body = await json(res);
  assert.equal(res.status, 202, JSON.stringify(body));
  return body;
}

/** A Shadowserver CSV of a report type that fits no family ("special"), about the bakery's hosts. */
const special = (ips: string[]) =>
  [
    '"timestamp","ip","port","protocol","tag"',
    ...ips.map((ip, i) => `"2026-11-2${i} 10:00:00","${ip}",${8000 + i},"tcp","special-exposure"`),
  ].join("\n");

test("an unknown Shadowserver type keeps its rows: events of category other, a case that needs classification", async () => {
  const report = await submit(
    special(["192.0.2.10", "192.0.2.11"]),
    "filename=2026-11-22-special-x2com-asn.csv&brand=x2com-nl",
    "text/csv",
  );
  assert.equal(report.state, "parsed", report.triage_reason);
  assert.equal(report.events.length, 2);
  for (const e of report.events) {
    assert.equal(e.category, "other");
    assert.equal(e.resolution, "matched");
    assert.equal(e.details.source_category, "special");
  }
  const caseId = report.events[0].case_id;
  const kase = (await send("agent", "GET", `/api/v1/cases/${caseId}`)).body;
  assert.equal(kase.category, "other");
  assert.equal(kase.needs_classification, true);
  assert.deepEqual(kase.source_categories, [{ label: "special", format: "shadowserver", events: 2 }]);

  const waiting = (await send("agent", "GET", "/api/v1/cases?needs_classification=true")).body;
  assert.ok(waiting.items.some((c: { id: number }) => c.id === caseId));
  assert.ok(waiting.items.every((c: { needs_classification: boolean }) => c.needs_classification));
  const classified = (await send("agent", "GET", "/api/v1/cases?needs_classification=false")).body;
  assert.ok(!classified.items.some((c: { id: number }) => c.id === caseId));

  const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
  assert.match(
    metrics,
    /abusedesk_unknown_labels_total\{format="shadowserver",sender="the_shadowserver_foundation",label="special"\} 2/,
  );

  // A category we do not have is refused with the list to choose from.
  const wrong = await send("agent", "POST", `/api/v1/cases/${caseId}/classify`, { category: "exposure" });
  assert.equal(wrong.status, 422);
  assert.match(wrong.body.message, /"exposure" is not a category; use one of spam, phishing, .*open_service/);

  // One action re-files the events: into a new open-service case; the other-case is closed and points there.
  const done = await send("agent", "POST", `/api/v1/cases/${caseId}/classify`, {
    category: "open_service",
    reason: "Shadowserver's special report lists exposed services",
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.events, 2);
  assert.equal(done.body.closed, true);
  assert.equal(done.body.cases.length, 1);
  const into = done.body.cases[0];
  assert.notEqual(into, caseId);
  const old = (await send("agent", "GET", `/api/v1/cases/${caseId}`)).body;
  assert.equal(old.state, "closed");
  assert.equal(old.merged_into, into);
  assert.equal(old.needs_classification, false);
  const audit = old.timeline.find((e: { action: string }) => e.action === "case.classify");
  assert.ok(audit, "the reclassification is on the timeline");
  assert.match(audit.actor, /test-agent/);
  assert.match(audit.summary, /classified 2 event\(s\) as open_service, filed into case \d+/);
  const moved = (await send("agent", "GET", `/api/v1/cases/${into}`)).body;
  assert.equal(moved.category, "open_service");
  assert.equal(moved.event_count, 2);
  assert.equal(moved.needs_classification, false);
  assert.ok(
    moved.timeline.some((e: { action: string }) => e.action === "case.open"),
    "opened like any case",
  );
  const events = (await send("agent", "GET", `/api/v1/events?report_id=${report.id}`)).body;
  assert.ok(
    events.items.every(
      (e: { category: string; case_id: number }) => e.category === "open_service" && e.case_id === into,
    ),
  );
});

test("a mapping rule an admin adds covers later reports at once and re-files the open cases waiting for it", async () => {
  const xarf = (ip: string, when: string) =>
    JSON.stringify({
      xarf_version: "4.0.0",
      report_id: `r-${ip}`,
      timestamp: when,
      reporter: { org: "Teleport Watch", contact: "abuse@teleport-watch.example" },
      source_identifier: ip,
      category: "connection",
      type: "teleportation",
    });
  const first = await submit(
    xarf("192.0.2.70", "2026-11-20T10:00:00Z"),
    "brand=x2com-nl",
    "application/json",
  );
  assert.equal(first.events[0].category, "other");
  const waitingCase = first.events[0].case_id;
  assert.ok(waitingCase);

  const forbidden = await send("agent", "POST", "/api/v1/category-mappings", {
    format: "xarf-v4",
    label: "connection/teleportation",
    category: "port_scan",
  });
  assert.equal(forbidden.status, 403);
  const added = await send("admin", "POST", "/api/v1/category-mappings", {
    format: "xarf-v4",
    label: "Connection/Teleportation",
    category: "port_scan",
    sender: "teleport-watch.example",
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const rule = added.body.mapping;
  assert.equal(rule.label, "connection/teleportation");
  assert.deepEqual(added.body.open_cases, [{ id: waitingCase, events: 1 }]);
  const again = await send("admin", "POST", "/api/v1/category-mappings", {
    format: "xarf-v4",
    label: "connection/teleportation",
    category: "ddos",
    sender: "teleport-watch.example",
  });
  assert.equal(again.status, 409);
  assert.match(again.body.message, /maps "connection\/teleportation" .* already; remove it first/);

  // A later report with that label is a port scan at once, no deploy, no restart.
  const later = await submit(
    xarf("192.0.2.71", "2026-11-21T10:00:00Z"),
    "brand=x2com-nl",
    "application/json",
  );
  assert.equal(later.events[0].category, "port_scan");
  assert.equal(later.events[0].details.mapped_by, rule.id);
  const scanCase = later.events[0].case_id;

  // The open case that waited for the label is re-filed: its event joins the customer's open scan case.
  const applied = await send("admin", "POST", `/api/v1/category-mappings/${rule.id}/apply`);
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  assert.deepEqual(
    applied.body.cases.map((c: { id: number; cases: number[]; closed: boolean }) => [
      c.id,
      c.cases,
      c.closed,
    ]),
    [[waitingCase, [scanCase], true]],
  );
  const scan = (await send("agent", "GET", `/api/v1/cases/${scanCase}`)).body;
  assert.equal(scan.event_count, 2);
  assert.deepEqual([...scan.subjects].sort(), ["192.0.2.70", "192.0.2.71"]);

  const list = (await send("agent", "GET", "/api/v1/category-mappings")).body;
  assert.ok(list.items.some((m: { id: number }) => m.id === rule.id));
  assert.equal((await send("admin", "DELETE", `/api/v1/category-mappings/${rule.id}`)).status, 200);
  const gone = await send("admin", "DELETE", `/api/v1/category-mappings/${rule.id}`);
  assert.equal(gone.status, 404);
  assert.match(gone.body.message, /there is no mapping rule/);
});

/** A complaint that names nothing we can read: it waits in triage for a person. */
const unreadable = (marker: string) =>
  [
    "From: Someone <someone@complainer.example>",
    "To: abuse@x2com.nl",
    `Subject: problem with your customer [${marker}]`,
    `Message-ID: <${marker}@complainer.example>`,
    "Date: Mon, 30 Nov 2026 10:00:00 +0000",
    "",
    "Hello, one of your customers keeps sending us unwanted mail. Please make it stop.",
    "",
  ].join("\r\n");

test("a report in triage is classified through the API: its events go into a case, audited; errors say what to do", async () => {
  const report = await submit(unreadable("triage-1"), "brand=x2com-nl", "message/rfc822");
  assert.equal(report.state, "triage");
  const path = `/api/v1/reports/${report.id}/classify`;

  const noCategory = await send("agent", "POST", path, { category: "junk", subjects: ["192.0.2.12"] });
  assert.equal(noCategory.status, 422);
  assert.match(noCategory.body.message, /"junk" is not a category; use one of spam/);
  const noSubject = await send("agent", "POST", path, { category: "spam" });
  assert.equal(noSubject.status, 422);
  assert.match(
    noSubject.body.message,
    /no subject can be read from report \d+ .*name what it is about in "subjects"/,
  );
  const badSubject = await send("agent", "POST", path, { category: "spam", subjects: ["not a host!"] });
  assert.equal(badSubject.status, 422);
  assert.match(
    badSubject.body.message,
    /is not an IP address .* URL, domain, e-mail address or phone number/,
  );
  assert.equal((await send("agent", "GET", `/api/v1/reports/${report.id}`)).body.state, "triage");

  const done = await send("agent", "POST", path, {
    category: "spam",
    subjects: ["192.0.2.12", "192.0.2.13:25"],
    occurred_at: "2026-11-29T21:30:00Z",
  });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.state, "parsed");
  assert.equal(done.body.triage_reason, null);
  assert.equal(done.body.events.length, 2);
  assert.deepEqual(done.body.events.map((e: { subject: { ip: string } }) => e.subject.ip).sort(), [
    "192.0.2.12",
    "192.0.2.13",
  ]);
  for (const e of done.body.events) {
    assert.equal(e.category, "spam");
    assert.equal(e.occurred_at, "2026-11-29T21:30:00.000Z");
    assert.equal(e.customer.id, "x2c-1001");
    assert.ok(e.case_id);
  }
  const kase = (await send("agent", "GET", `/api/v1/cases/${done.body.events[0].case_id}`)).body;
  assert.equal(kase.category, "spam");
  assert.ok(kase.events.reports.some((r: { report_id: number }) => r.report_id === report.id));

  const twice = await send("agent", "POST", path, { category: "spam", subjects: ["192.0.2.12"] });
  assert.equal(twice.status, 409);
  assert.match(twice.body.message, /is not in triage: it was parsed already/);

  const { rows } = await t.desk.conn.pool.query(
    "select actor, details from audit_log where action = 'report.classify' and subject_id = $1",
    [String(report.id)],
  );
  assert.equal(rows.length, 1);
  assert.match(rows[0].actor, /test-agent/);
  assert.equal(rows[0].details.category, "spam");
});

test("`abusedesk reports classify` and `abusedesk mapping` work from the command line", async () => {
  const report = await submit(unreadable("triage-cli"), "brand=x2com-nl", "message/rfc822");
  assert.equal(report.state, "triage");
  const env = { DATABASE_URL: t.databaseUrl };
  const wrong = await runCli(["reports", "classify", String(report.id), "--category", "spamm"], env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /"spamm" is not a category; use one of spam, phishing/);
  const out = await runCli(
    ["reports", "classify", String(report.id), "--category", "spam", "--subject", "192.0.2.14"],
    env,
  );
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`^report ${report.id}: classified as spam: 1 event, case \\d+\\n$`));

  const added = await runCli(
    ["mapping", "add", "--format", "shadowserver", "--label", "special_cli", "--category", "botnet"],
    env,
  );
  assert.equal(added.code, 0, added.stderr);
  assert.match(
    added.stdout,
    /^mapping \d+: "special_cli" of shadowserver → botnet; later reports use it at once/,
  );
  const listed = await runCli(["mapping", "list"], env);
  assert.match(listed.stdout, /ID +FORMAT +LABEL +SENDER +CATEGORY\n/);
  assert.match(listed.stdout, /shadowserver +special_cli +\(any\) +botnet/);
});
