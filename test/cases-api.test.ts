import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { auditTrail } from "../src/audit.ts";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { caseRow, insertCustomer, openCaseFor } from "./cases.fixtures.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const db = () => t.desk.conn.db;
const policies = () => t.desk.services.policies;
const post = (role: Parameters<TestDesk["api"]>[0], path: string, body: unknown) =>
  t.api(role, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("GET /api/v1/cases/:id shows the Case of the contract: deadlines, proposal with its clause, timeline", async () => {
  const id = await openCaseFor(db(), policies(), {
    brand: "extin",
    customer: "ext-3001",
    category: "spam",
    ip: "198.51.100.7",
    count: 3,
  });
  const res = await t.api("auditor", `/api/v1/cases/${id}`);
  assert.equal(res.status, 200);
  const c = await json(res);
  assert.equal(c.id, id);
  assert.equal(c.brand, "extin");
  assert.deepEqual(c.customer, { id: "ext-3001", name: "Webwinkel Tulp BV" });
  assert.equal(c.category, "spam");
  assert.equal(c.kind, "abuse");
  assert.equal(c.state, "new");
  assert.deepEqual(c.subjects, ["198.51.100.7"]);
  assert.equal(c.event_count, 3);
  assert.deepEqual(
    c.deadlines.map((d: { name: string }) => d.name),
    ["acknowledge_receipt", "reply_to_reporter"],
  );
  assert.ok(c.deadlines.every((d: { due_at: string; source: string }) => d.due_at && d.source));
  assert.equal(c.proposal.step, "warn");
  assert.match(c.proposal.clause.article, /Anti-spam policy/);
  assert.equal(c.proposal.clause.document, "Extin Algemene Voorwaarden (hosting)");
  assert.match(c.proposal.reasoning, /extin-spam/);
  assert.equal(c.events.total, 3);
  assert.equal(c.events.items.length, 3);
  assert.equal(c.events.items[0].subject.ip, "198.51.100.7");
  assert.equal(c.events.items[0].case_id, id);
  assert.deepEqual(
    c.timeline.map((e: { action: string }) => e.action),
    ["events.received", "case.open"],
  );
  assert.ok(c.customer_history.cases.some((h: { id: number }) => h.id === id));
  assert.ok(c.allowed_transitions.includes("in_review"));

  const missing = await t.api("agent", "/api/v1/cases/999999");
  assert.equal(missing.status, 404);
  assert.match((await json(missing)).message, /no case 999999/);
});

test("roles: an auditor reads but may not act (403); without a token 401", async () => {
  const id = await openCaseFor(db(), policies(), {
    brand: "extin",
    customer: "ext-3002",
    category: "spam",
    ip: "198.51.100.130",
  });
  assert.equal((await t.api("auditor", "/api/v1/cases")).status, 200);
  for (const [path, body] of [
    [`/api/v1/cases/${id}/actions`, { step: "warn" }],
    [`/api/v1/cases/${id}/transitions`, { to: "in_review" }],
    [`/api/v1/cases/${id}/notes`, { body: "x" }],
    ["/api/v1/cases/bulk", { ids: [id], action: "close", reason: "x" }],
  ] as const) {
    const res = await post("auditor", path, body);
    assert.equal(res.status, 403, path);
    assert.match((await json(res)).message, /may not do this/);
  }
  assert.equal((await fetch(`${t.baseUrl}/api/v1/cases`)).status, 401);
});

test("transitions: allowed ones are audited with actor and reason; an illegal one is 409 with a clear message", async () => {
  const id = await openCaseFor(db(), policies(), {
    brand: "x2com-nl",
    customer: "x2c-1001",
    category: "phishing",
    url: "http://korenschoof.example/login",
  });
  const ok = await post("agent", `/api/v1/cases/${id}/transitions`, { to: "in_review", reason: "looking" });
  assert.equal(ok.status, 200);
  assert.deepEqual(await json(ok), { id, from: "new", to: "in_review" });
  const entry = (await auditTrail(db(), "case", id)).at(-1)!;
  assert.equal(entry.action, "case.transition");
  assert.equal(entry.actor, "test-agent@abusedesk.test (token:test-agent)");
  assert.deepEqual(entry.details, { from: "new", to: "in_review", reason: "looking" });

  const noReason = await post("agent", `/api/v1/cases/${id}/transitions`, { to: "rejected" });
  assert.equal(noReason.status, 422);
  assert.match((await json(noReason)).message, /needs a reason/);

  assert.equal((await post("agent", `/api/v1/cases/${id}/transitions`, { to: "resolved" })).status, 200);
  const illegal = await post("agent", `/api/v1/cases/${id}/transitions`, { to: "measures" });
  assert.equal(illegal.status, 409);
  assert.match(
    (await json(illegal)).message,
    /the case is in state resolved \(resolved\) and cannot move to measures; from resolved it can move to closed or in_review/,
  );
  // Finished: its clocks no longer run.
  const c = await json(await t.api("agent", `/api/v1/cases/${id}`));
  assert.ok(c.deadlines.every((d: { met_at: string | null }) => d.met_at !== null));
});

test("taking the proposed step needs no reason; another step without one is 422, with one it is stored and audited", async () => {
  const id = await openCaseFor(db(), policies(), {
    brand: "extin",
    customer: "ext-3003",
    category: "spam",
    ip: "198.51.100.200",
  });
  const deviate = await post("agent", `/api/v1/cases/${id}/actions`, { step: "block" });
  assert.equal(deviate.status, 422);
  assert.match((await json(deviate)).message, /proposed step is warn .*needs a reason/);

  const withReason = await post("agent", `/api/v1/cases/${id}/actions`, {
    step: "block",
    reason: "the customer asked us to block the port",
    note: "called on the phone",
  });
  assert.equal(withReason.status, 201);
  const body = await json(withReason);
  assert.equal(body.action.step, "block");
  assert.equal(body.action.proposed_step, "warn");
  assert.equal(body.case_state, "measures");
  const row = await db()
    .selectFrom("actions")
    .selectAll()
    .where("id", "=", body.action.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.reason, "the customer asked us to block the port");
  assert.equal(row.clause_article, null);
  const trail = await auditTrail(db(), "case", id);
  const entry = trail.find((e) => e.action === "case.action")!;
  assert.equal((entry.details as { reason: string }).reason, "the customer asked us to block the port");
  assert.equal((entry.details as { deviates: boolean }).deviates, true);

  // The proposed step itself: no reason needed, the clause is kept with the action.
  const id2 = await openCaseFor(db(), policies(), {
    brand: "extin",
    customer: "ext-3003",
    category: "phishing",
    url: "http://servermeesters.example/x",
  });
  const proposed = (await json(await t.api("agent", `/api/v1/cases/${id2}`))).proposal;
  const taken = await post("agent", `/api/v1/cases/${id2}/actions`, { step: proposed.step });
  assert.equal(taken.status, 201);
  const row2 = await db()
    .selectFrom("actions")
    .selectAll()
    .where("id", "=", (await json(taken)).action.id)
    .executeTakeFirstOrThrow();
  assert.equal(row2.clause_article, proposed.clause.article);
  // A warning starts the customer's clock and the case waits for the customer.
  assert.equal((await caseRow(db(), id2)).state, "waiting_customer");
});

test("four eyes: a severe step waits for a second person with the approve permission", async () => {
  await insertCustomer(db(), "fe-1", "x2com-nl");
  const id = await openCaseFor(db(), policies(), {
    brand: "x2com-nl",
    customer: "fe-1",
    category: "botnet",
    ip: "10.9.0.1",
  });
  const asked = await post("supervisor", `/api/v1/cases/${id}/actions`, {
    step: "suspend",
    reason: "the host attacks our own network",
  });
  assert.equal(asked.status, 201);
  const { action } = await json(asked);
  assert.equal(action.state, "awaiting_approval");
  assert.equal(action.needs_approval, true);
  assert.equal((await caseRow(db(), id)).state, "new", "nothing happens before approval");

  const self = await post("supervisor", `/api/v1/cases/${id}/actions/${action.id}/approve`, {});
  assert.equal(self.status, 403);
  assert.match((await json(self)).message, /second person/);
  const agent = await post("agent", `/api/v1/cases/${id}/actions/${action.id}/approve`, {});
  assert.equal(agent.status, 403);

  const approved = await post("legal", `/api/v1/cases/${id}/actions/${action.id}/approve`, {
    note: "agreed",
  });
  assert.equal(approved.status, 200);
  const out = await json(approved);
  assert.equal(out.action.state, "approved");
  assert.equal(out.case_state, "measures");
  const again = await post("legal", `/api/v1/cases/${id}/actions/${action.id}/approve`, {});
  assert.equal(again.status, 409);
  const c = await json(await t.api("agent", `/api/v1/cases/${id}`));
  assert.equal(c.actions[0].approved_by, "test-legal@abusedesk.test (token:test-legal)");
  assert.ok(c.timeline.some((e: { action: string }) => e.action === "case.action.approve"));

  // People, not tokens: one person with two tokens is still one person; a token of no person is nobody.
  const second = await createToken(db(), SYSTEM, {
    name: "second-token",
    user: "test-supervisor@abusedesk.test",
  });
  const service = await createToken(db(), SYSTEM, { name: "a-robot", role: "legal" });
  assert.ok(second.ok && service.ok);
  const bearer = (token: string, path: string, body: unknown) =>
    fetch(`${t.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const asked2 = await json(
    await post("supervisor", `/api/v1/cases/${id}/actions`, { step: "terminate", reason: "still attacking" }),
  );
  const approve2 = `/api/v1/cases/${id}/actions/${asked2.action.id}/approve`;
  const ownSecondToken = await bearer(second.value.token, approve2, {});
  assert.equal(ownSecondToken.status, 403);
  assert.match((await json(ownSecondToken)).message, /second person/);
  const robot = await bearer(service.value.token, approve2, {});
  assert.equal(robot.status, 403);
  assert.match((await json(robot)).message, /no person/);
  const robotAsks = await bearer(service.value.token, `/api/v1/cases/${id}/actions`, {
    step: "terminate",
    reason: "a script decided",
  });
  assert.equal(robotAsks.status, 403);
  assert.equal((await post("legal", approve2, {})).status, 200, "another person may");

  // Extin waives four eyes: its open relays are disconnected at once.
  const relay = await openCaseFor(db(), policies(), {
    brand: "extin",
    customer: "ext-3001",
    category: "open_relay",
    ip: "198.51.100.9",
  });
  const now = await post("agent", `/api/v1/cases/${relay}/actions`, { step: "suspend" });
  assert.equal(now.status, 201);
  assert.equal((await json(now)).action.state, "pending");

  // Data goes to an authority only with the legal permission.
  const data = await post("agent", `/api/v1/cases/${relay}/actions`, {
    step: "provide_data",
    reason: "police",
  });
  assert.equal(data.status, 403);
});

test("queue: due first, filters, search and a keyset cursor through every page", async () => {
  await insertCustomer(db(), "q-1", "webxtra", "Queue Tester");
  const ids: number[] = [];
  for (let i = 0; i < 7; i++)
    ids.push(
      await openCaseFor(db(), policies(), {
        brand: "webxtra",
        customer: "q-1",
        category: "copyright",
        url: `http://queue.example/${i}`,
        receivedAt: new Date(Date.UTC(2026, 0, 14, 16 - i)),
      }),
    );
  const res = await t.api("agent", "/api/v1/cases?customer=q-1&limit=3");
  assert.equal(res.status, 200);
  const first = await json(res);
  assert.equal(first.total, 7);
  assert.equal(first.items.length, 3);
  // One notice per URL; the oldest notice's reply is due first.
  assert.deepEqual(
    first.items.map((c: { id: number }) => c.id),
    [ids[6], ids[5], ids[4]],
  );
  assert.equal(first.items[0].next_deadline.name, "reply_to_reporter");
  assert.deepEqual(first.items[0].customer, { id: "q-1", name: "Queue Tester" });
  const seen = [...first.items];
  let cursor = first.next_cursor;
  while (cursor) {
    const page = await json(await t.api("agent", `/api/v1/cases?customer=q-1&limit=3&cursor=${cursor}`));
    seen.push(...page.items);
    cursor = page.next_cursor;
  }
  assert.deepEqual(
    seen.map((c) => c.id),
    [...ids].reverse(),
  );
  const q = await json(await t.api("agent", "/api/v1/cases?q=queue.example/3"));
  assert.deepEqual(
    q.items.map((c: { id: number }) => c.id),
    [ids[3]],
  );
  const byName = await json(await t.api("agent", "/api/v1/cases?q=queue%20tester&state=all"));
  assert.equal(byName.total, 7);
  const due = await json(
    await t.api(
      "agent",
      `/api/v1/cases?customer=q-1&due_before=${encodeURIComponent("2026-01-16T12:30:00Z")}`,
    ),
  );
  assert.ok(due.total >= 1 && due.total < 7);
  const bad = await t.api("agent", "/api/v1/cases?state=open,bogus");
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).message, /not a case state/);
  assert.equal((await t.api("agent", "/api/v1/cases?cursor=garbage")).status, 400);
});

test("owner, notes, merge, split and bulk close", async () => {
  const user = await createUser(db(), SYSTEM, {
    email: "agent.smit@desk.example",
    role: "agent",
    name: "Smit",
  });
  assert.ok(user.ok);
  await insertCustomer(db(), "m-1", "x2com-be");
  const a = await openCaseFor(db(), policies(), {
    brand: "x2com-be",
    customer: "m-1",
    category: "spam",
    ip: "10.5.0.1",
  });
  const b = await openCaseFor(db(), policies(), {
    brand: "x2com-be",
    customer: "m-1",
    category: "brute_force",
    ip: "10.5.0.2",
    count: 2,
  });

  const assigned = await post("agent", `/api/v1/cases/${a}/assign`, { owner: "agent.smit@desk.example" });
  assert.equal(assigned.status, 200);
  assert.equal((await json(assigned)).owner.email, "agent.smit@desk.example");
  assert.equal((await post("agent", `/api/v1/cases/${a}/assign`, { owner: "nobody@x.example" })).status, 422);

  assert.equal((await post("agent", `/api/v1/cases/${a}/notes`, { body: "internal remark" })).status, 201);
  assert.equal(
    (await post("agent", `/api/v1/cases/${a}/notes`, { body: "told the customer", visibility: "shared" }))
      .status,
    201,
  );
  const merged = await post("agent", `/api/v1/cases/${a}/merge`, { from: [b], reason: "same incident" });
  assert.equal(merged.status, 200);
  const ca = await json(await t.api("agent", `/api/v1/cases/${a}`));
  assert.equal(ca.event_count, 3);
  assert.deepEqual([...ca.subjects].sort(), ["10.5.0.1", "10.5.0.2"]);
  assert.deepEqual(
    ca.notes.map((n: { visibility: string }) => n.visibility),
    ["internal", "shared"],
  );
  assert.equal(ca.owner.email, "agent.smit@desk.example");
  const cb = await caseRow(db(), b);
  assert.equal(cb.state, "closed");
  assert.equal(cb.merged_into, a);

  const split = await post("agent", `/api/v1/cases/${a}/split`, {
    subjects: ["10.5.0.2"],
    reason: "another host, another problem",
  });
  assert.equal(split.status, 201);
  const s = await json(split);
  assert.equal(s.events, 2);
  const cn = await json(await t.api("agent", `/api/v1/cases/${s.new_case}`));
  assert.deepEqual(cn.subjects, ["10.5.0.2"]);
  assert.equal(cn.event_count, 2);
  assert.equal((await caseRow(db(), a)).event_count, 1);
  assert.equal(
    (await post("agent", `/api/v1/cases/${a}/split`, { subjects: ["10.5.0.1"], reason: "x" })).status,
    422,
  );

  const noReason = await post("agent", "/api/v1/cases/bulk", {
    filter: { customer: "m-1" },
    action: "close",
  });
  assert.equal(noReason.status, 422);
  const bulk = await post("agent", "/api/v1/cases/bulk", {
    filter: { customer: "m-1" },
    action: "close",
    reason: "handled by phone",
  });
  assert.equal(bulk.status, 200);
  const outcome = await json(bulk);
  assert.equal(outcome.matched, 2);
  assert.deepEqual([...outcome.changed].sort(), [a, s.new_case].sort());
  const closedEntry = (await auditTrail(db(), "case", a)).at(-1)!;
  assert.deepEqual(closedEntry.details, { from: "new", to: "closed", reason: "handled by phone" });
  const bulkAssign = await post("agent", "/api/v1/cases/bulk", {
    ids: [a],
    action: "transition",
    to: "in_review",
    reason: "reopened",
  });
  assert.deepEqual((await json(bulkAssign)).changed, [a]);
});

test("GET /api/v1/cases/proposals: each case's proposed step, as GET /cases/:id says it; within the reader's brands; bounded", async () => {
  const list = await json(await t.api("agent", "/api/v1/cases?state=all&limit=100"));
  assert.ok(list.items.length > 0);
  const ids = list.items.map((c: { id: number }) => c.id);
  const res = await t.api("agent", `/api/v1/cases/proposals?ids=${ids.join(",")}`);
  assert.equal(res.status, 200);
  const got = await json(res);
  assert.equal(got.items.length, ids.length);
  for (const p of got.items) {
    const one = await json(await t.api("agent", `/api/v1/cases/${p.id}`));
    assert.equal(p.step, one.proposal?.step ?? null, `case ${p.id}`);
    assert.equal(p.needs_approval, one.proposal?.needs_approval ?? false);
    if (one.proposal)
      assert.deepEqual(p.clause, {
        document: one.proposal.clause.document,
        article: one.proposal.clause.article,
      });
    else assert.equal(p.note, one.proposal_note ?? null);
  }
  assert.equal((await t.api("agent", "/api/v1/cases/proposals?ids=1,x")).status, 400);
  const many = Array.from({ length: 101 }, (_, i) => i + 1).join(",");
  assert.equal((await t.api("agent", `/api/v1/cases/proposals?ids=${many}`)).status, 400);
  // A person of one brand gets the proposals of that brand's cases only.
  const person = await createUser(t.desk.conn.db, SYSTEM, {
    email: "one-brand@desk.test",
    role: "agent",
    brands: ["extin"],
  });
  assert.ok(person.ok);
  const token = await createToken(t.desk.conn.db, SYSTEM, { name: "one-brand", user: person.value.id });
  assert.ok(token.ok);
  const scoped = await json(
    await fetch(`${t.baseUrl}/api/v1/cases/proposals?ids=${ids.join(",")}`, {
      headers: { authorization: `Bearer ${token.value.token}` },
    }),
  );
  const extin = list.items
    .filter((c: { brand: string }) => c.brand === "extin")
    .map((c: { id: number }) => c.id);
  assert.deepEqual(scoped.items.map((p: { id: number }) => p.id).sort(), extin.sort());
});

test("GET /api/v1/cases?unassigned=true|false splits the queue into cases nobody owns and cases someone owns", async () => {
  const total = async (q: string) => (await json(await t.api("agent", `/api/v1/cases${q}`))).total as number;
  const open = await total("");
  const list = await json(await t.api("agent", "/api/v1/cases?unassigned=true"));
  assert.ok(list.items.length > 0);
  assert.ok(list.items.every((c: { owner: unknown }) => c.owner === null));
  const id = list.items[0].id;
  const assigned = await t.api("agent", `/api/v1/cases/${id}/assign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ owner: "test-agent@abusedesk.test" }),
  });
  assert.equal(assigned.status, 200, await assigned.clone().text());
  const owned = await json(await t.api("agent", "/api/v1/cases?unassigned=false"));
  assert.ok(owned.items.some((c: { id: number }) => c.id === id));
  assert.ok(owned.items.every((c: { owner: unknown }) => c.owner !== null));
  assert.equal((await total("?unassigned=true")) + owned.total, open);
});
