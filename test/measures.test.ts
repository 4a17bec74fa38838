/**
 * Measures end to end, through the real doors: a desk with a connectors file whose webhooks point at a
 * recording HTTP server on loopback, an RPZ file connector, and a profile whose block lifts by itself.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { parseDocument } from "yaml";
import { auditTrail } from "../src/audit.ts";
import { sweepDeadlines } from "../src/cases/timers.ts";
import { measureDeps } from "../src/measures/actions.ts";
import { executeCall, sweepMeasures } from "../src/measures/execute.ts";
import { caseRow, insertCustomer, openCaseFor } from "./cases.fixtures.ts";
import { json, quietLog, ROOT, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";
import { type Answer, type Recorder, startRecorder } from "./webhook-recorder.ts";

const SECRET = "test-panel-secret-0123456789";
let t: TestDesk;
let rec: Recorder;
let dir: string;
const answers = new Map<string, Answer>();

before(async () => {
  process.env.ABUSEDESK_TEST_PANEL_SECRET = SECRET;
  rec = await startRecorder(SECRET, (r) => answers.get(r.path)?.(r) ?? 200);
  dir = mkdtempSync(path.join(tmpdir(), "abusedesk-measures-"));
  // The repository's profiles, with Web://Xtra's block lifted by itself after about four seconds.
  const policyDir = path.join(dir, "profiles");
  cpSync(path.join(ROOT, "policy", "profiles"), policyDir, { recursive: true });
  const webxtra = parseDocument(readFileSync(path.join(policyDir, "webxtra.yaml"), "utf8"));
  webxtra.set("measures", {
    block: { lift_after: { count: 0.0011, unit: "hours" }, source: "test: a block lasts four seconds" },
  });
  writeFileSync(path.join(policyDir, "webxtra.yaml"), webxtra.toString());
  const connectors = path.join(dir, "connectors.yaml");
  writeFileSync(
    connectors,
    `connectors:
  - id: panel
    type: webhook
    url: ${rec.url("/panel")}
    secret: \${ABUSEDESK_TEST_PANEL_SECRET}
    brands: [x2com-nl, x2com-be]
    steps: [suspend, terminate]
  - id: flaky
    type: webhook
    url: ${rec.url("/flaky")}
    secret: \${ABUSEDESK_TEST_PANEL_SECRET}
    brands: [extin]
    steps: [block]
    retry: { attempts: 4, backoff_seconds: 0.2 }
  - id: broken
    type: webhook
    url: ${rec.url("/broken")}
    secret: \${ABUSEDESK_TEST_PANEL_SECRET}
    brands: [webxtra]
    steps: [suspend]
    retry: { attempts: 3, backoff_seconds: 0.2 }
  - id: dns
    type: rpz
    path: ${path.join(dir, "blocked.rpz")}
    zone: rpz.abusedesk.test
    brands: [webxtra]
    steps: [block]
`,
  );
  t = await startTestDesk({
    demo: true,
    config: { connectors, measuresSweepSeconds: 1, policyDir },
  });
});
after(async () => {
  await t.stop();
  await rec.close();
  rmSync(dir, { recursive: true, force: true });
});

const db = () => t.desk.conn.db;
const policies = () => t.desk.services.policies;
const post = (role: Parameters<TestDesk["api"]>[0], p: string, body: unknown = {}) =>
  t.api(role, p, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const action = async (id: number) => json(await t.api("auditor", `/api/v1/actions/${id}`));
const reaches = (id: number, state: string) =>
  waitFor(
    async () => {
      const a = await action(id);
      return a.state === state ? a : undefined;
    },
    30_000,
    `action ${id} to become ${state}`,
  );

async function caseFor(
  customer: string,
  brand: string,
  spec: { ip?: string; url?: string; category?: string },
) {
  await insertCustomer(db(), customer, brand, `Klant ${customer}`);
  return openCaseFor(db(), policies(), {
    brand,
    customer,
    category: (spec.category ?? "botnet") as "botnet",
    ...(spec.ip ? { ip: spec.ip } : {}),
    ...(spec.url ? { url: spec.url } : {}),
  });
}

test("a suspension approved by a second person reaches the webhook once, signed, with the contract's JSON", async () => {
  const kase = await caseFor("ms-1", "x2com-nl", { ip: "192.0.2.7" });
  const asked = await post("supervisor", `/api/v1/cases/${kase}/actions`, {
    step: "suspend",
    reason: "the host attacks other networks",
    params: { service: "vps-12" },
  });
  assert.equal(asked.status, 201);
  const id = (await json(asked)).action.id;
  const waiting = await action(id);
  assert.equal(waiting.state, "awaiting_approval");
  assert.equal(waiting.execution, null, "no call exists before a second person approves");

  assert.equal((await post("supervisor", `/api/v1/actions/${id}/approve`)).status, 403, "not the asker");
  const approved = await post("legal", `/api/v1/actions/${id}/approve`, { note: "agreed" });
  assert.equal(approved.status, 200);
  const key = (await json(approved)).execution.idempotency_key;
  assert.match(key, /^[0-9a-f-]{36}$/);

  const [call] = await rec.waitFor(1, "/panel");
  const done = await reaches(id, "done");
  assert.equal(call!.key, key, "the key fixed at approval is the one sent");
  assert.ok(call!.signatureValid, "X-Abusedesk-Signature is the HMAC-SHA256 of the body");
  assert.deepEqual(call!.json, {
    id: key,
    action_id: id,
    case_id: kase,
    brand: "x2com-nl",
    step: "suspend",
    undo: false,
    customer: { id: "ms-1", name: "Klant ms-1" },
    subjects: [{ kind: "ip", value: "192.0.2.7" }],
    subjects_total: 1,
    params: { service: "vps-12" },
    clause: null,
    requested_by: "test-supervisor@abusedesk.test (token:test-supervisor)",
    approved_by: "test-legal@abusedesk.test (token:test-legal)",
    reason: "the host attacks other networks",
    order: null,
  });
  assert.equal(done.execution.state, "done");
  assert.equal(done.execution.attempts, 1);
  assert.equal(done.execution.last_status, 200);
  assert.equal((await caseRow(db(), kase)).state, "measures");

  // Once: a duplicate job and a sweep do not call again.
  const deps = measureDeps(t.desk.services);
  const callRow = await db()
    .selectFrom("measure_calls")
    .select("id")
    .where("action_id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(await executeCall(deps, callRow.id), "not_taken");
  await sweepMeasures(deps);
  assert.equal(rec.on("/panel").length, 1);
  assert.deepEqual(
    [...rec.delivered()].filter((k) => k === key),
    [key],
  );

  const trail = await auditTrail(db(), "case", kase);
  const doneEntry = trail.find((e) => e.action === "case.action.done")!;
  assert.equal(doneEntry.actor, "system:measures");
  assert.deepEqual(
    {
      connector: (doneEntry.details as { connector: string }).connector,
      key: (doneEntry.details as { key: string }).key,
    },
    { connector: "panel", key },
  );
  assert.ok(
    trail.some((e) => e.action === "notify.measure_done"),
    "the customer is told (timeline notifier)",
  );

  // Undo goes to the connector that did the step, with a key of its own, and the case goes back to review.
  assert.equal((await post("agent", `/api/v1/actions/${id}/undo`)).status, 422, "undo needs a reason");
  const undo = await post("agent", `/api/v1/actions/${id}/undo`, { reason: "the customer cleaned the host" });
  assert.equal(undo.status, 200);
  const [, undoCall] = await rec.waitFor(2, "/panel");
  const undone = await reaches(id, "undone");
  assert.equal(undoCall!.json.undo, true);
  assert.equal(undoCall!.json.action_id, id);
  assert.equal(undoCall!.json.reason, "the customer cleaned the host");
  assert.ok(undoCall!.signatureValid);
  assert.notEqual(undoCall!.key, key);
  assert.equal(undone.undo.idempotency_key, undoCall!.key);
  assert.equal(undone.undoable, false);
  assert.equal((await caseRow(db(), kase)).state, "in_review");
});

test("a failing webhook is retried with backoff and succeeds with the same key and the same body", async () => {
  answers.set("/flaky", (r) => (r.nth <= 2 ? 503 : 200));
  const kase = await caseFor("ms-2", "extin", { ip: "198.51.100.77", category: "spam" });
  const taken = await post("agent", `/api/v1/cases/${kase}/actions`, {
    step: "block",
    reason: "the customer's mail server relays spam",
  });
  assert.equal(taken.status, 201);
  const id = (await json(taken)).action.id;
  const done = await reaches(id, "done");
  const calls = rec.on("/flaky");
  assert.equal(calls.length, 3);
  assert.deepEqual(
    calls.map((c) => c.status),
    [503, 503, 200],
  );
  assert.equal(new Set(calls.map((c) => c.key)).size, 1, "every attempt sends the same key");
  assert.equal(calls[0]!.key, done.execution.idempotency_key);
  assert.equal(new Set(calls.map((c) => c.body)).size, 1, "and the same bytes");
  assert.deepEqual(
    calls.map((c) => c.attempt),
    ["1", "2", "3"],
  );
  assert.equal(done.execution.attempts, 3);

  // The customer complies and an agent confirms: the block is lifted through the same connector.
  const complied = await post("agent", `/api/v1/cases/${kase}/complied`, {
    reason: "the relay is closed, checked by telnet",
  });
  assert.equal(complied.status, 200);
  assert.deepEqual((await json(complied)).undoing, [id]);
  const undone = await reaches(id, "undone");
  const undoCall = rec.on("/flaky").find((c) => c.json.undo === true)!;
  assert.equal(undoCall.key, undone.undo.idempotency_key);
  assert.match(undoCall.json.reason, /the customer complied: the relay is closed/);
  assert.equal(undone.undo.requested_by, "test-agent@abusedesk.test (token:test-agent)");
});

test("a webhook that keeps failing ends in failed with its answer kept, tells the supervisors, and retry sends the same key", async () => {
  answers.set("/broken", () => 500);
  const kase = await caseFor("ms-3", "webxtra", { ip: "203.0.113.200", category: "spam" });
  const taken = await post("agent", `/api/v1/cases/${kase}/actions`, {
    step: "suspend",
    reason: "zero tolerance for spam",
  });
  const id = (await json(taken)).action.id;
  const failed = await reaches(id, "failed");
  assert.equal(failed.execution.state, "failed");
  assert.equal(failed.execution.attempts, 3);
  assert.equal(failed.execution.last_status, 500);
  assert.match(failed.execution.last_error, /answered 500/);
  assert.deepEqual(JSON.parse(failed.execution.answer), { ok: false, seen: 3 });

  const list = await json(await t.api("supervisor", `/api/v1/notifications?case_id=${kase}`));
  assert.equal(list.total, 1);
  const note = list.items[0];
  assert.equal(note.kind, "measure_failed");
  assert.match(note.summary, /suspend \(action \d+\) failed at connector broken: the webhook answered 500/);
  assert.equal((await t.api("agent", "/api/v1/notifications")).status, 403, "the list is for supervisors");
  const read = await json(await post("supervisor", `/api/v1/notifications/${note.id}/read`));
  assert.equal(read.read.by, "test-supervisor@abusedesk.test (token:test-supervisor)");
  const ack = await post("supervisor", `/api/v1/notifications/${note.id}/acknowledge`, {
    note: "calling the panel team",
  });
  assert.equal(ack.status, 200);
  assert.equal((await json(ack)).acknowledged.note, "calling the panel team");
  assert.equal((await post("legal", `/api/v1/notifications/${note.id}/acknowledge`)).status, 409);
  const open = await json(await t.api("supervisor", `/api/v1/notifications?case_id=${kase}`));
  assert.equal(open.total, 0, "acknowledged: no longer open");

  answers.set("/broken", () => 200);
  assert.equal((await post("agent", `/api/v1/actions/${id}/retry`, { reason: "panel is back" })).status, 200);
  const done = await reaches(id, "done");
  const calls = rec.on("/broken");
  assert.equal(calls.length, 4);
  assert.equal(
    new Set(calls.map((c) => c.key)).size,
    1,
    "the retry sends the key fixed when the step was taken",
  );
  assert.equal(done.execution.idempotency_key, calls[0]!.key);
  assert.ok(done.history.some((h: { action: string }) => h.action === "case.action.retry"));
  const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
  assert.match(metrics, /abusedesk_measure_calls_total\{connector="broken",outcome="failed"\} 1/);
  assert.match(metrics, /abusedesk_measure_calls_total\{connector="broken",outcome="retrying"\} 2/);
});

test("a step with no connector is done by a person who marks it done, and is undone the same way", async () => {
  const kase = await caseFor("ms-4", "x2com-nl", { ip: "192.0.2.8", category: "spam" });
  const taken = await post("agent", `/api/v1/cases/${kase}/actions`, {
    step: "downgrade",
    reason: "fair use, three requests sent",
  });
  const id = (await json(taken)).action.id;
  const pending = await action(id);
  assert.equal(pending.state, "pending");
  assert.equal(pending.execution.connector, null);
  assert.equal(pending.execution.by_hand, true);
  const noNote = await post("agent", `/api/v1/actions/${id}/done`, { note: " " });
  assert.equal(noNote.status, 422);
  assert.match((await json(noNote)).message, /say in "note" what was done/);
  const done = await post("agent", `/api/v1/actions/${id}/done`, {
    note: "profile set to 10 Mbit/s in the CRM",
  });
  assert.equal(done.status, 200);
  const d = await json(done);
  assert.equal(d.state, "done");
  assert.equal(d.execution.done_by, "test-agent@abusedesk.test (token:test-agent)");
  assert.equal(d.execution.note, "profile set to 10 Mbit/s in the CRM");
  assert.equal(d.undoable, true);

  assert.equal(
    (await post("agent", `/api/v1/actions/${id}/undo`, { reason: "usage normal again" })).status,
    200,
  );
  const waitingUndo = await action(id);
  assert.equal(waitingUndo.state, "done");
  assert.equal(waitingUndo.undo.state, "queued");
  assert.equal(waitingUndo.undo.connector, null);
  assert.equal((await post("agent", `/api/v1/actions/${id}/undo`, { reason: "again" })).status, 409);
  const undone = await post("agent", `/api/v1/actions/${id}/done`, { note: "profile restored in the CRM" });
  assert.equal((await json(undone)).state, "undone");
  const timeline = (await json(await t.api("agent", `/api/v1/cases/${kase}`))).timeline.map(
    (e: { summary: string }) => e.summary,
  );
  assert.ok(
    timeline.includes(`step downgrade done (action ${id}) by hand: profile set to 10 Mbit/s in the CRM`),
  );
  assert.ok(timeline.includes(`step downgrade undone (action ${id}) by hand: profile restored in the CRM`));
});

test("refusing and cancelling: who may, with a reason, and only while nothing was carried out", async () => {
  const kase = await caseFor("ms-5", "x2com-nl", { ip: "192.0.2.9" });
  const ask = async () =>
    (
      await json(
        await post("supervisor", `/api/v1/cases/${kase}/actions`, {
          step: "terminate",
          reason: "structural abuse",
        }),
      )
    ).action.id as number;
  const a = await ask();
  assert.equal((await post("agent", `/api/v1/actions/${a}/refuse`, { reason: "no" })).status, 403);
  const self = await post("supervisor", `/api/v1/actions/${a}/refuse`, { reason: "no" });
  assert.equal(self.status, 403);
  assert.match((await json(self)).message, /four eyes/);
  assert.equal((await post("legal", `/api/v1/actions/${a}/refuse`, {})).status, 422);
  const refused = await json(
    await post("legal", `/api/v1/actions/${a}/refuse`, { reason: "a warning first" }),
  );
  assert.equal(refused.state, "refused");
  assert.deepEqual(
    { by: refused.closed.by, reason: refused.closed.reason },
    { by: "test-legal@abusedesk.test (token:test-legal)", reason: "a warning first" },
  );
  assert.equal((await post("legal", `/api/v1/actions/${a}/approve`)).status, 409);

  const b = await ask();
  const notMine = await post("agent", `/api/v1/actions/${b}/cancel`, { reason: "oops" });
  assert.equal(notMine.status, 403);
  assert.match((await json(notMine)).message, /only the person who asked/);
  assert.equal((await post("auditor", `/api/v1/actions/${b}/cancel`, { reason: "x" })).status, 403);
  const cancelled = await json(
    await post("supervisor", `/api/v1/actions/${b}/cancel`, { reason: "asked by mistake" }),
  );
  assert.equal(cancelled.state, "cancelled");
  assert.equal((await post("supervisor", `/api/v1/actions/${b}/cancel`, { reason: "again" })).status, 409);
  assert.equal(rec.requests.filter((r) => r.json?.case_id === kase).length, 0, "nothing was sent");
  const trail = (await auditTrail(db(), "case", kase)).map((e) => e.action);
  assert.ok(trail.includes("case.action.refuse") && trail.includes("case.action.cancel"));
});

test("a block through the RPZ file connector is lifted by itself when the profile's term ends", async () => {
  const kase = await caseFor("ms-6", "webxtra", {
    url: "https://nep-bank.example/login",
    category: "phishing",
  });
  const taken = await post("agent", `/api/v1/cases/${kase}/actions`, {
    step: "block",
    reason: "phishing kit",
  });
  const id = (await json(taken)).action.id;
  const done = await reaches(id, "done");
  assert.equal(done.execution.connector, "dns");
  assert.match(done.execution.answer, /^added 1; 1 in the file, serial \d+$/);
  assert.ok(done.lift_at, "the profile's term gives the block an end");
  assert.ok(new Date(done.lift_at).getTime() > new Date(done.done_at).getTime());

  const undone = await reaches(id, "undone");
  assert.equal(undone.undo.connector, "dns", "undo goes to the connector that did the step");
  assert.equal(undone.undo.requested_by, "system:measures");
  assert.match(undone.undo.reason, /term of the block ran out .*test: a block lasts four seconds/);
  const zone = readFileSync(path.join(dir, "blocked.rpz"), "utf8");
  assert.doesNotMatch(zone, /nep-bank/);
  assert.match(zone, /; end of zone \(0 blocked\)/);
  const check = spawnSync("named-checkzone", ["rpz.abusedesk.test", path.join(dir, "blocked.rpz")], {
    encoding: "utf8",
  });
  assert.equal(check.status, 0, check.stdout + check.stderr);
});

test("GET /api/v1/actions lists by state, brand and case with a cursor; roles are checked", async () => {
  const all = await json(await t.api("auditor", "/api/v1/actions?brand=x2com-nl&limit=200"));
  assert.ok(all.total >= 4);
  assert.ok(all.items.every((a: { brand: string }) => a.brand === "x2com-nl"));
  const undone = await json(await t.api("auditor", "/api/v1/actions?state=undone,refused&brand=x2com-nl"));
  assert.ok(undone.items.length >= 2);
  assert.ok(undone.items.every((a: { state: string }) => a.state === "undone" || a.state === "refused"));
  const seen: number[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const page: { items: { id: number }[]; next_cursor: string | null } = await json(
      await t.api("auditor", `/api/v1/actions?brand=x2com-nl&limit=2${cursor ? `&cursor=${cursor}` : ""}`),
    );
    seen.push(...page.items.map((a) => a.id));
    cursor = page.next_cursor;
  }
  assert.deepEqual(
    seen,
    all.items.map((a: { id: number }) => a.id),
  );
  assert.deepEqual(
    seen,
    [...seen].sort((a, b) => b - a),
    "newest first",
  );
  const kase = all.items[0].case_id;
  const byCase = await json(await t.api("auditor", `/api/v1/actions?case_id=${kase}`));
  assert.ok(byCase.items.every((a: { case_id: number }) => a.case_id === kase));
  const bad = await t.api("auditor", "/api/v1/actions?state=done,nonsense");
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).message, /not an action state/);
  assert.equal((await t.api("auditor", "/api/v1/actions?cursor=bm9wZQ")).status, 400);
  assert.equal((await t.api("auditor", "/api/v1/actions/999999")).status, 404);
  assert.equal((await post("agent", `/api/v1/actions/${all.items[0].id}/approve`)).status, 403);
  assert.equal((await fetch(`${t.baseUrl}/api/v1/actions`)).status, 401);
});

test("an escalation reaches the supervisors' list, and the escalated case leads the queue of its kind", async () => {
  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  await insertCustomer(db(), "ms-7", "x2com-be", "Escalatie BV");
  const escalated = await openCaseFor(db(), policies(), {
    brand: "x2com-be",
    customer: "ms-7",
    category: "spam",
    ip: "192.0.2.140",
    receivedAt: weekAgo,
    occurredAt: weekAgo,
  });
  const { conn, jobs } = t.desk;
  await sweepDeadlines({ conn, jobs, log: quietLog });
  assert.equal((await caseRow(db(), escalated)).escalated, true);
  // A case overdue for longer, that was not escalated (yet): the escalated one still comes first.
  const older = new Date(Date.now() - 9 * 86_400_000);
  const other = await openCaseFor(db(), policies(), {
    brand: "x2com-be",
    customer: "ms-7",
    category: "phishing",
    ip: "192.0.2.141",
    receivedAt: older,
    occurredAt: older,
  });
  const queue = await json(await t.api("agent", "/api/v1/cases?customer=ms-7"));
  assert.deepEqual(
    queue.items.map((c: { id: number }) => c.id),
    [escalated, other],
  );
  assert.equal(queue.items[0].escalated, true);

  const delivered = await waitFor(
    async () => {
      const trail = await auditTrail(db(), "case", escalated);
      return trail.find((e) => e.action === "notify.escalated");
    },
    20_000,
    "the notify.supervisor job to be delivered",
  );
  assert.equal((delivered.details as { kind: string }).kind, "supervisor_escalation");
  const list = await json(await t.api("supervisor", `/api/v1/notifications?case_id=${escalated}`));
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].kind, "supervisor_escalation");
  assert.match(list.items[0].summary, /reply_to_reporter was due/);
  assert.ok(list.items[0].delivered_at);
  assert.deepEqual(list.items[0].case.customer, { id: "ms-7", name: "Escalatie BV" });
});
