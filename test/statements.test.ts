/**
 * Statements of reasons (DSA art. 17) through the API: a restriction carried out becomes a Transparency
 * Database statement that passes the database's rules, within the reader's brands, without the
 * notifier's identity.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createToken, createUser, SYSTEM } from "../src/auth/auth.store.ts";
import { statementProblems } from "../src/ntd/statements.ts";
import { json, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

const post = (path: string, body: unknown) =>
  t.api("agent", path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("a block carried out by hand is exported as a statement the Transparency Database accepts", async () => {
  const cases = await json(await t.api("agent", "/api/v1/cases?limit=50"));
  const kase = cases.items.find(
    (c: { customer: unknown; brand: string }) => c.customer && c.brand === "extin",
  );
  assert.ok(kase, "an extin case with a customer in the demo");
  const taken = await post(`/api/v1/cases/${kase.id}/actions`, {
    step: "block",
    reason: "reported by Jan de Vries of Rechthebbende BV; confirmed",
  });
  assert.equal(taken.status, 201, await taken.clone().text());
  const id = (await json(taken)).action.id;
  const done = await post(`/api/v1/actions/${id}/done`, { note: "blocked in the firewall" });
  assert.equal(done.status, 200, await done.clone().text());

  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  const res = await t.api("auditor", `/api/v1/statements?from=${encodeURIComponent(yesterday)}`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get("content-type") ?? "", /^application\/x-ndjson/);
  const lines = (await res.text()).trim().split("\n").filter(Boolean);
  const statements = lines.map((l) => JSON.parse(l));
  const mine = statements.find((s) => s.puid === `abusedesk-extin-action-${id}`);
  assert.ok(mine, lines.join("\n"));
  for (const s of statements) assert.deepEqual(statementProblems(s), [], JSON.stringify(s));
  assert.deepEqual(mine.decision_visibility, ["DECISION_VISIBILITY_CONTENT_DISABLED"]);
  assert.equal(mine.application_date, new Date().toISOString().slice(0, 10));
  assert.doesNotMatch(lines.join("\n"), /Jan de Vries|Rechthebbende/, "public: no notifier's identity");

  // Before the period, nothing; another brand's reader, nothing of extin's.
  const earlier = await t.api("auditor", "/api/v1/statements?from=2020-01-01&to=2020-02-01");
  assert.equal(await earlier.text(), "");
  const person = await createUser(t.desk.services.db, SYSTEM, {
    email: "sor-x2@abusedesk.test",
    role: "auditor",
    brands: ["x2com-nl"],
  });
  assert.ok(person.ok);
  const token = await createToken(t.desk.services.db, SYSTEM, { name: "sor-x2", user: person.value.id });
  assert.ok(token.ok);
  const scoped = await fetch(`${t.baseUrl}/api/v1/statements?from=${encodeURIComponent(yesterday)}`, {
    headers: { authorization: `Bearer ${token.value.token}` },
  });
  assert.doesNotMatch(await scoped.text(), /abusedesk-extin-/);

  const backwards = await t.api("auditor", "/api/v1/statements?from=2026-02-01&to=2026-01-01");
  assert.equal(backwards.status, 422);
  assert.match((await json(backwards)).message, /`from` must lie before `to`/);
  assert.equal((await t.api("auditor", "/api/v1/statements?from=nonsense")).status, 400);
});
