/**
 * Scenarios from real sample reports through the real doors: POST /api/v1/reports → parse → resolve →
 * group → GET /api/v1/cases/:id with the proposal and its clause.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { json, SAMPLES, startTestDesk, type TestDesk } from "./helpers.ts";

let t: TestDesk;
before(async () => {
  t = await startTestDesk({ demo: true });
});
after(() => t.stop());

/**
 * A sample as if it were sent now: its abuse of March 2005 moved to March 2026, when the demo inventory
 * assigns the address, and a marker so that a second copy is a new report, not a duplicate.
 */
async function replay(sample: string, marker: string): Promise<Buffer> {
  const text = (await readFile(path.join(SAMPLES, sample), "latin1"))
    .replaceAll("Mar 2005", "Mar 2026")
    .replace(/^Subject: (.*)$/m, `Subject: $1 [${marker}]`);
  return Buffer.from(text, "latin1");
}

async function submit(raw: Buffer, query: string) {
  const res = await t.api("admin", `/api/v1/reports?${query}`, {
    method: "POST",
    headers: { "content-type": "message/rfc822" },
    body: raw,
  });
  const body = await json(res);
  assert.equal(res.status, 202, JSON.stringify(body));
  return body;
}

const post = async (p: string, body: unknown) => {
  const res = await t.api("agent", p, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(res.status < 300, `${p}: ${res.status} ${await res.text()}`);
};

test("a real ARF spam complaint about an X2com NL customer: a warning (§6), and on repetition suspension (§8)", async () => {
  const first = await submit(await replay("arf/rfc5965_B2_extended.eml", "1"), "brand=x2com-nl");
  assert.equal(first.events.length, 1);
  const event = first.events[0];
  assert.equal(event.resolution, "matched");
  assert.deepEqual(event.customer, { id: "x2c-1001", name: "Bakkerij De Korenschoof" });
  assert.ok(event.case_id, "the report's answer names the case");

  const c = await json(await t.api("agent", `/api/v1/cases/${event.case_id}`));
  assert.equal(c.category, "spam");
  // The demo's own complaint about the bakery's 192.0.2.10 is in the same open spam case: one case per problem.
  assert.deepEqual([...c.subjects].sort(), ["192.0.2.1", "192.0.2.10"]);
  assert.equal(c.proposal.step, "warn");
  assert.equal(c.proposal.clause.article, "§6 Behandeling van meldingen");
  assert.ok(c.deadlines.some((d: { name: string }) => d.name === "reply_to_reporter"));

  await post(`/api/v1/cases/${c.id}/actions`, { step: "warn" });
  await post(`/api/v1/cases/${c.id}/transitions`, { to: "resolved" });

  const second = await submit(await replay("arf/rfc5965_B2_extended.eml", "2"), "brand=x2com-nl");
  const again = second.events[0].case_id;
  assert.ok(again && again !== c.id, "a new case after the first was resolved");
  const p = (await json(await t.api("agent", `/api/v1/cases/${again}`))).proposal;
  assert.equal(p.step, "suspend");
  assert.equal(p.clause.article, "§8 Maatregelen bij vastgestelde abuse");
  assert.match(p.reasoning, /first warning was sent on/);
  assert.equal(p.needs_approval, true);
});
