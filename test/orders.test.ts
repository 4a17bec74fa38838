/**
 * Authority orders end to end: recorded through the API (or recognised in a stored mail), resolved to
 * customers, deadlines from the law, the queue, the measures carried out through a loopback webhook,
 * gagged cases, data provision and preservation, proof of execution through the notifier seam.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { auditTrail } from "../src/audit.ts";
import { createToken, SYSTEM } from "../src/auth/auth.store.ts";
import { sweepDeadlines } from "../src/cases/timers.ts";
import { type MeasureNotifier, timelineNotifier } from "../src/measures/notifier.ts";
import { MAX_ORDER_SUBJECTS } from "../src/orders/orders.ts";
import { caseRow } from "./cases.fixtures.ts";
import { json, quietLog, startTestDesk, type TestDesk, waitFor } from "./helpers.ts";
import { type Recorder, startRecorder } from "./webhook-recorder.ts";

const SECRET = "orders-test-secret-0123456789";
let t: TestDesk;
let rec: Recorder;
let dir: string;
/** What the notifier seam was told, in order (it also records on the timeline, as the default does). */
const told: { method: keyof MeasureNotifier; event: Record<string, unknown> }[] = [];
const recording: MeasureNotifier = {
  async measureDone(trx, events) {
    for (const e of events) told.push({ method: "measureDone", event: e as never });
    await timelineNotifier.measureDone(trx, events);
  },
  async measureUndone(trx, events) {
    for (const e of events) told.push({ method: "measureUndone", event: e as never });
    await timelineNotifier.measureUndone(trx, events);
  },
  async orderExecuted(trx, e) {
    told.push({ method: "orderExecuted", event: e as never });
    await timelineNotifier.orderExecuted(trx, e);
  },
  async escalated(trx, e) {
    told.push({ method: "escalated", event: e as never });
    await timelineNotifier.escalated(trx, e);
  },
};

before(async () => {
  process.env.ABUSEDESK_TEST_ORDERS_SECRET = SECRET;
  rec = await startRecorder(SECRET);
  dir = mkdtempSync(path.join(tmpdir(), "abusedesk-orders-"));
  const connectors = path.join(dir, "connectors.yaml");
  writeFileSync(
    connectors,
    `connectors:
  - id: panel
    type: webhook
    url: ${rec.url("/panel")}
    secret: \${ABUSEDESK_TEST_ORDERS_SECRET}
    steps: [suspend, remove_content]
`,
  );
  t = await startTestDesk({
    demo: true,
    config: { connectors, measuresSweepSeconds: 1 },
    parts: { notifier: recording },
  });
});
after(async () => {
  await t.stop();
  await rec.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (role: Parameters<TestDesk["api"]>[0], p: string, body: unknown) =>
  t.api(role, p, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const getOrder = async (id: number) => json(await t.api("auditor", `/api/v1/orders/${id}`));
const executed = (id: number) =>
  waitFor(
    async () => {
      const o = await getOrder(id);
      return o.executed_at ? o : undefined;
    },
    30_000,
    `order ${id} to be executed`,
  );
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

test("a TCO removal order received on a Sunday night is due one hour later, leads the queue, and is carried out", async () => {
  const res = await post("legal", "/api/v1/orders", {
    authority: "tco_authority",
    reference: "TCO-2026-0042",
    received_at: "2026-03-29T23:40:00+02:00",
    legal_basis: "Regulation (EU) 2021/784 art. 3",
    subjects: ["https://hetanker.example/propaganda.html"],
    requested: ["remove_content"],
    contact: "tco-contact@politie.example",
  });
  assert.equal(res.status, 201, JSON.stringify(await res.clone().json()));
  const order = await json(res);
  assert.equal(
    order.deadline.due_at,
    "2026-03-29T22:40:00.000Z",
    "one hour after receipt, on a Sunday night",
  );
  assert.equal(order.deadline.source, "TCO Regulation (EU) 2021/784 art. 3(3)");
  assert.equal(order.deadline.half_term_at, "2026-03-29T22:10:00.000Z");
  assert.equal(order.category, "terrorist_content");
  assert.deepEqual(order.contact, { email: "tco-contact@politie.example" });
  assert.deepEqual(order.unresolved, []);
  assert.equal(order.cases.length, 1);
  assert.deepEqual(order.cases[0].customer, { id: "x2b-2001", name: "Brasserie Het Anker" });

  const kase = await json(await t.api("agent", `/api/v1/cases/${order.cases[0].id}`));
  assert.equal(kase.kind, "authority");
  assert.equal(kase.priority, 0);
  const clock = kase.deadlines.find((d: { name: string }) => d.name === "authority_order");
  assert.equal(clock.due_at, "2026-03-29T22:40:00.000Z");
  assert.ok(kase.deadlines.some((d: { name: string }) => d.name === "authority_order_half_term"));
  const queue = await json(await t.api("agent", "/api/v1/cases?limit=3"));
  assert.equal(queue.items[0].kind, "authority", "orders lead the queue");
  assert.ok(queue.total > 3, "ahead of the demo's other cases");

  const [call] = await rec.waitFor(1, "/panel");
  assert.equal(call!.json.step, "remove_content");
  assert.deepEqual(call!.json.order, {
    id: order.id,
    authority: "tco_authority",
    reference: "TCO-2026-0042",
    legal_basis: "Regulation (EU) 2021/784 art. 3",
  });
  assert.deepEqual(call!.json.clause, {
    document: "TCO competent authority order TCO-2026-0042",
    article: "Regulation (EU) 2021/784 art. 3",
    quote: "The order of 2026-03-29 demands: removal of content.",
  });
  const done = await executed(order.id);
  // Received in March, carried out now: the order's page says the deadline was missed.
  assert.equal(done.deadline.state, "missed");
  assert.equal(done.deadline.met, false);
  assert.ok(done.took_seconds > 3600);
  const proof = told.find(
    (x) => x.method === "orderExecuted" && (x.event.order as { id: number }).id === order.id,
  )!;
  assert.equal(proof.event.deadline_met, false);
  assert.equal(proof.event.took_seconds, done.took_seconds);
  assert.deepEqual((proof.event.order as { contact: unknown }).contact, {
    email: "tco-contact@politie.example",
  });
  const clocks = (await json(await t.api("agent", `/api/v1/cases/${order.cases[0].id}`))).deadlines;
  assert.ok(
    clocks.find((d: { name: string }) => d.name === "authority_order").met_at,
    "the legal clock is met",
  );
});

test("an Offlimits order carried out in time is met, and the authority's confirmation says how long it took", async () => {
  const res = await post("legal", "/api/v1/orders", {
    authority: "offlimits",
    reference: "OL-778",
    received_at: minutesAgo(3),
    legal_basis: "NTD-code addendum 2018",
    subjects: ["https://zeilvogels.example/gallery/1.jpg"],
    requested: ["remove_content"],
    contact: { name: "Offlimits hotline", email: "meldpunt@offlimits.example" },
  });
  assert.equal(res.status, 201);
  const order = await json(res);
  assert.equal(
    new Date(order.deadline.due_at).getTime() - new Date(order.received_at).getTime(),
    24 * 3_600_000,
  );
  assert.equal(order.category, "csam");
  const done = await executed(order.id);
  assert.equal(done.deadline.state, "met");
  assert.equal(done.deadline.met, true);
  assert.ok(done.took_seconds >= 180 && done.took_seconds < 24 * 3600);
  const proof = told.find(
    (x) => x.method === "orderExecuted" && (x.event.order as { id: number }).id === order.id,
  )!;
  assert.equal(proof.event.deadline_met, true);
  // Not gagged: the customer is told too.
  const caseId = done.cases[0].id;
  assert.ok(told.some((x) => x.method === "measureDone" && (x.event.case as { id: number }).id === caseId));
  const trail = (await auditTrail(t.desk.conn.db, "order", order.id)).map((e) => e.action);
  assert.deepEqual(trail, ["order.create", "order.executed", "notify.order_executed"]);
});

test("a gagged order to suspend: the case is gagged, four eyes apply, and the customer is never told", async () => {
  const res = await post("legal", "/api/v1/orders", {
    authority: "police",
    reference: "PL-2026-113",
    received_at: minutesAgo(10),
    deadline_at: new Date(Date.now() + 110 * 60_000).toISOString(),
    legal_basis: "art. 126nd Wetboek van Strafvordering",
    subjects: ["192.0.2.150"],
    requested: ["suspend"],
    gag: true,
    contact: { name: "Team High Tech Crime", phone: "+31 88 1234567" },
  });
  assert.equal(res.status, 201);
  const order = await json(res);
  assert.equal(order.gag, true);
  assert.equal(order.deadline.source, "art. 126nd Wetboek van Strafvordering (the term the order sets)");
  const caseId = order.cases[0].id;
  assert.equal((await caseRow(t.desk.conn.db, caseId)).gag, true);
  const kase = await json(await t.api("agent", `/api/v1/cases/${caseId}`));
  // X2com BE 19.7.6: an order to suspend is carried out; the profile's rule proposes it.
  assert.equal(kase.proposal.step, "suspend");
  assert.equal(kase.proposal.clause.article, "art. 19.7.6");
  const [actionId] = order.actions.map((a: { id: number }) => a.id);
  const action = await json(await t.api("agent", `/api/v1/actions/${actionId}`));
  assert.equal(action.state, "awaiting_approval", "suspension needs a second person, also for an order");
  assert.equal(
    action.clause.article,
    "art. 126nd Wetboek van Strafvordering",
    "the legal basis is the clause",
  );
  assert.equal(action.gagged, true);
  assert.equal(
    (await post("legal", `/api/v1/actions/${actionId}/approve`, {})).status,
    403,
    "not who recorded it",
  );
  assert.equal((await post("supervisor", `/api/v1/actions/${actionId}/approve`, {})).status, 200);
  await executed(order.id);
  const calls = rec.on("/panel").filter((c) => c.json.case_id === caseId);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.json.step, "suspend");

  const forCase = told.filter((x) => (x.event.case as { id: number } | undefined)?.id === caseId);
  assert.deepEqual(forCase, [], "the notifier is never called for the customer of a gagged case");
  assert.ok(
    told.some((x) => x.method === "orderExecuted" && (x.event.order as { id: number }).id === order.id),
  );
  const timeline = (await auditTrail(t.desk.conn.db, "case", caseId)).map((e) => e.action);
  assert.ok(!timeline.some((a) => a.startsWith("notify.measure")));
  assert.ok(timeline.includes("case.order"));
});

test("data provision is recorded with what, to whom and on which basis; preservation holds until released", async () => {
  const res = await post("legal", "/api/v1/orders", {
    authority: "court",
    reference: "ROT-24-5512",
    received_at: minutesAgo(5),
    deadline_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    legal_basis: "art. 126ng Sv, bevel rechter-commissaris",
    subjects: ["198.51.100.130"],
    requested: ["provide_data", "preserve_data"],
    contact: "griffie@rechtspraak.example",
  });
  assert.equal(res.status, 201);
  const order = await json(res);
  assert.equal(order.holds.length, 1);
  assert.equal(order.holds[0].active, true);
  assert.equal(order.holds[0].held_until, null, "until released");
  assert.deepEqual(order.holds[0].subjects, ["198.51.100.130"]);
  assert.equal(order.holds[0].customer_id, "ext-3002");
  const actionId = order.actions[0].id;
  const action = await json(await t.api("legal", `/api/v1/actions/${actionId}`));
  assert.equal(action.step, "provide_data");
  assert.equal(action.execution.by_hand, true, "data is provided by a person");

  const noRecord = await post("legal", `/api/v1/actions/${actionId}/done`, { note: "sent by secure mail" });
  assert.equal(noRecord.status, 422);
  assert.match((await json(noRecord)).message, /"provision"/);
  const byAgent = await post("agent", `/api/v1/actions/${actionId}/done`, {
    note: "x",
    provision: { what: "x", given_to: "y" },
  });
  assert.equal(byAgent.status, 403);
  const done = await post("legal", `/api/v1/actions/${actionId}/done`, {
    note: "sent by secure mail",
    provision: {
      what: "subscriber name, address and IP log 2026-01-01..31",
      given_to: "Rechtbank Rotterdam, griffie",
    },
  });
  assert.equal(done.status, 200);
  const after = await executed(order.id);
  assert.equal(after.deadline.state, "met");
  assert.deepEqual(
    after.provisions.map((p: Record<string, unknown>) => [p.what, p.given_to, p.legal_basis, p.action_id]),
    [
      [
        "subscriber name, address and IP log 2026-01-01..31",
        "Rechtbank Rotterdam, griffie",
        "art. 126ng Sv, bevel rechter-commissaris",
        actionId,
      ],
    ],
  );

  const holdId = after.holds[0].id;
  assert.equal((await post("agent", `/api/v1/holds/${holdId}/release`, { reason: "x" })).status, 403);
  assert.equal((await post("legal", `/api/v1/holds/${holdId}/release`, {})).status, 422);
  assert.equal(
    (await post("legal", `/api/v1/holds/${holdId}/release`, { reason: "the court lifted it" })).status,
    200,
  );
  assert.equal((await post("legal", `/api/v1/holds/${holdId}/release`, { reason: "again" })).status, 409);
  const released = (await getOrder(order.id)).holds[0];
  assert.equal(released.active, false);
  assert.equal(released.release_reason, "the court lifted it");
});

test("a mail a person recognises as an order becomes one, with the mail's time of receipt", async () => {
  const mail = [
    "From: Politie Eenheid Amsterdam <cybercrime@politie.example>",
    "To: abuse@x2com.nl",
    "Subject: Bevel tot verwijdering, kenmerk AMS-77",
    "Message-ID: <order-77@politie.example>",
    "Date: Mon, 2 Feb 2026 10:00:00 +0100",
    "",
    "Verwijder https://korenschoof.example/illegal binnen 24 uur.",
    "",
  ].join("\r\n");
  const stored = await t.api("agent", "/api/v1/reports", {
    method: "POST",
    headers: { "content-type": "message/rfc822" },
    body: mail,
  });
  assert.equal(stored.status, 202);
  const report = await json(stored);
  const body = {
    authority: "police",
    reference: "AMS-77",
    legal_basis: "art. 125p Sv",
    subjects: ["https://korenschoof.example/illegal"],
    requested: ["remove_content"],
    contact: { email: "cybercrime@politie.example" },
  };
  assert.equal((await post("agent", `/api/v1/reports/${report.id}/order`, body)).status, 403);
  const res = await post("legal", `/api/v1/reports/${report.id}/order`, body);
  assert.equal(res.status, 201);
  const order = await json(res);
  assert.equal(order.report_id, report.id);
  assert.equal(order.received_at, report.received_at);
  assert.deepEqual(order.cases[0].customer, { id: "x2c-1001", name: "Bakkerij De Korenschoof" });
  assert.equal((await post("legal", `/api/v1/reports/${report.id}/order`, body)).status, 409);
  assert.equal((await post("legal", "/api/v1/reports/99999999/order", body)).status, 404);
});

test("an order not carried out by half its term escalates to the supervisors", async () => {
  const received = new Date(Date.now() - 70 * 60_000);
  const res = await post("legal", "/api/v1/orders", {
    authority: "public_prosecutor",
    reference: "OM-2026-9",
    received_at: received.toISOString(),
    deadline_at: new Date(received.getTime() + 2 * 3_600_000).toISOString(),
    legal_basis: "art. 125p Sv",
    subjects: ["192.0.2.70", "203.0.113.250"],
    requested: ["block"],
    contact: "parket@om.example",
  });
  const order = await json(res);
  assert.deepEqual(order.unresolved, ["203.0.113.250"], "not ours: the authority is told");
  const caseId = order.cases[0].id;
  assert.equal((await json(await t.api("agent", `/api/v1/actions/${order.actions[0].id}`))).state, "pending");
  const { conn, jobs } = t.desk;
  await sweepDeadlines({ conn, jobs, log: quietLog });
  assert.equal((await caseRow(conn.db, caseId)).escalated, true);
  const list = await json(await t.api("supervisor", `/api/v1/notifications?case_id=${caseId}`));
  assert.equal(list.items.length, 1);
  assert.match(list.items[0].summary, /authority_order_half_term was due/);
  await waitFor(
    async () => told.find((x) => x.method === "escalated" && (x.event.case as { id: number }).id === caseId),
    20_000,
    "the escalation to reach the notifier",
  );
  assert.equal((await getOrder(order.id)).deadline.state, "open", "half the term gone, not the whole");
});

test("orders are checked: subjects, limits, dates, roles; the list filters and pages", async () => {
  const base = {
    authority: "police",
    reference: "CHK-1",
    received_at: minutesAgo(1),
    legal_basis: "art. 125p Sv",
    subjects: ["192.0.2.71"],
    requested: ["block"],
    contact: "x@politie.example",
  };
  const badSubject = await post("legal", "/api/v1/orders", {
    ...base,
    subjects: ["192.0.2.71", "not a thing"],
  });
  assert.equal(badSubject.status, 422);
  assert.match((await json(badSubject)).message, /the subject "not a thing" is not a URL, IP address/);
  const tooMany = await post("legal", "/api/v1/orders", {
    ...base,
    subjects: Array.from({ length: MAX_ORDER_SUBJECTS + 1 }, (_, i) => `10.1.${i >> 8}.${i & 255}`),
  });
  assert.equal(tooMany.status, 400);
  const early = await post("legal", "/api/v1/orders", { ...base, deadline_at: minutesAgo(30) });
  assert.equal(early.status, 422);
  assert.match((await json(early)).message, /deadline_at lies before received_at/);
  const future = await post("legal", "/api/v1/orders", {
    ...base,
    received_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  assert.equal(future.status, 422);
  assert.equal((await post("agent", "/api/v1/orders", base)).status, 403);
  // A token of no person may record an order, but not one that asks for a severe step: nothing is kept.
  const robot = await createToken(t.desk.conn.db, SYSTEM, { name: "order-robot", role: "legal" });
  assert.ok(robot.ok);
  const severe = await fetch(`${t.baseUrl}/api/v1/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${robot.value.token}` },
    body: JSON.stringify({ ...base, reference: "ROBOT-1", requested: ["suspend"] }),
  });
  assert.equal(severe.status, 403);
  assert.match((await json(severe)).message, /no person cannot take the severe step suspend/);
  const left = await t.desk.conn.db
    .selectFrom("orders")
    .select("id")
    .where("reference", "=", "ROBOT-1")
    .execute();
  assert.equal(left.length, 0, "the failed order is rolled back whole");
  assert.equal((await post("legal", "/api/v1/orders", { ...base, authority: "mayor" })).status, 400);

  const tco = await json(await t.api("auditor", "/api/v1/orders?authority=tco_authority"));
  assert.ok(
    tco.items.length >= 1 && tco.items.every((o: { authority: string }) => o.authority === "tco_authority"),
  );
  const open = await json(await t.api("auditor", "/api/v1/orders?state=open"));
  assert.ok(open.items.every((o: { executed_at: string | null }) => o.executed_at === null));
  const seen: number[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const page: { items: { id: number }[]; next_cursor: string | null; total: number } = await json(
      await t.api("auditor", `/api/v1/orders?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
    );
    seen.push(...page.items.map((o) => o.id));
    cursor = page.next_cursor;
  }
  assert.ok(seen.length >= 6);
  assert.deepEqual(
    seen,
    [...seen].sort((a, b) => b - a),
  );
  assert.equal((await t.api("auditor", "/api/v1/orders/99999999")).status, 404);
});
