/**
 * GET /api/v1/stats/overview: every figure is the total of the list it links to (the same filters of the
 * cases and reports APIs), the medians follow the first message and step, and a person of one brand sees
 * only that brand's figures.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const total = async (path: string) => (await json(await t.api("agent", path))).total as number;

test("each figure of the overview is the total of the list behind it", async () => {
  const s = await json(await t.api("auditor", "/api/v1/stats/overview"));
  assert.ok(s.open > 0, "the demo has open cases");
  assert.equal(s.open, await total("/api/v1/cases"));
  assert.equal(s.overdue, await total(`/api/v1/cases?due_before=${encodeURIComponent(s.to)}`));
  assert.equal(s.awaiting_approval, await total("/api/v1/cases?awaiting_approval=true"));
  assert.equal(s.needs_classification, await total("/api/v1/cases?needs_classification=true"));
  assert.equal(s.triage, await total("/api/v1/reports?state=triage"));
  const opened = s.volumes.reduce((n: number, v: { count: number }) => n + v.count, 0);
  assert.equal(
    opened,
    await total("/api/v1/cases?state=all"),
    "every demo case was opened in the last 30 days",
  );
  const cases = s.top_customers.map((c: { cases: number }) => c.cases);
  assert.deepEqual(
    cases,
    [...cases].sort((a, b) => b - a),
    "top customers, most cases first",
  );
  assert.ok(s.top_customers.length <= 10);
  assert.equal((await t.api("agent", "/api/v1/stats/overview?zone=Mars/Olympus")).status, 400);
  assert.equal((await t.api("agent", "/api/v1/stats/overview?days=367")).status, 400);
});

test("the medians follow the first step taken, and a severe step waiting shows as awaiting approval", async () => {
  const list = await json(await t.api("agent", "/api/v1/cases?limit=100"));
  const target = list.items.find((c: { customer: unknown }) => c.customer);
  const before = await json(await t.api("agent", "/api/v1/stats/overview"));
  const took = await t.api("supervisor", `/api/v1/cases/${target.id}/actions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ step: "suspend", reason: "repeated abuse after warnings" }),
  });
  assert.equal(took.status, 201, await took.clone().text());
  const after = await json(await t.api("agent", "/api/v1/stats/overview"));
  assert.equal(after.awaiting_approval, before.awaiting_approval + 1);
  assert.equal(after.awaiting_approval, await total("/api/v1/cases?awaiting_approval=true"));
  assert.equal(await total("/api/v1/cases?awaiting_approval=false"), after.open - after.awaiting_approval);
  // The suspension waits: no step is taken yet, so the median to action comes from the others only.
  const warn = list.items.find((c: { id: number; customer: unknown }) => c.customer && c.id !== target.id);
  await t.api("agent", `/api/v1/cases/${warn.id}/actions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ step: "warn", reason: "a warning first" }),
  });
  const acted = await json(await t.api("agent", "/api/v1/stats/overview"));
  assert.equal(typeof acted.median_to_action_seconds, "number");
  assert.ok(acted.median_to_action_seconds >= 0);
});

test("a person of one brand sees that brand's figures only", async () => {
  const person = await createUser(t.desk.conn.db, SYSTEM, {
    email: "extin-only@desk.test",
    role: "agent",
    brands: ["extin"],
  });
  assert.ok(person.ok);
  const token = await createToken(t.desk.conn.db, SYSTEM, { name: "extin", user: person.value.id });
  assert.ok(token.ok);
  const headers = { authorization: `Bearer ${token.value.token}` };
  const mine = await json(await fetch(`${t.baseUrl}/api/v1/stats/overview`, { headers }));
  const all = await json(await t.api("agent", "/api/v1/stats/overview"));
  assert.equal(mine.open, await total("/api/v1/cases?brand=extin"));
  assert.ok(mine.open < all.open);
  assert.deepEqual([...new Set(mine.volumes.map((v: { brand: string }) => v.brand))], ["extin"]);
});
