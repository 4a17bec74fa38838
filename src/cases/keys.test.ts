import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResolvedEvent } from "../pipeline.ts";
import { isStale, planGrouping, subjectKeyOf, WHOLE_CUSTOMER, windowDaysOf } from "./keys.ts";

const at = new Date("2026-05-01T10:00:00Z");
const ev = (over: Partial<ResolvedEvent>): ResolvedEvent => ({
  id: 1,
  report_id: 7,
  brand_id: "extin",
  category: "botnet",
  kind: "abuse",
  subject: { ip: "192.0.2.1" },
  occurred_at: at,
  received_at: at,
  customer_id: "c1",
  resolution: "matched",
  resolution_detail: {},
  ...over,
});

test("subject keys: abuse per customer, NTD per notice and URL, authority per order", () => {
  assert.equal(subjectKeyOf(ev({})), WHOLE_CUSTOMER);
  assert.equal(
    subjectKeyOf(ev({ kind: "ntd", subject: { url: "http://x/1", ip: "192.0.2.1" } })),
    "report:7:url:http://x/1",
  );
  assert.equal(subjectKeyOf(ev({ kind: "authority" })), "report:7");
});

test("a feed's rows about one customer's hosts plan one case listing the hosts; unmatched events none", () => {
  const events = Array.from({ length: 1000 }, (_, i) =>
    ev({ id: i + 1, subject: { ip: `10.0.${i >> 8}.${i & 255}` }, occurred_at: new Date(at.getTime() + i) }),
  );
  events.push(ev({ id: 5000, resolution: "not_ours", customer_id: null }));
  const plans = planGrouping(events);
  assert.equal(plans.length, 1);
  assert.equal(plans[0]!.eventIndexes.length, 1000);
  assert.equal(plans[0]!.subjects.size, 1000);
  assert.equal(plans[0]!.lastAt.getTime(), at.getTime() + 999);
  assert.equal(plans[0]!.priority, 3);
});

test("windows: the category's, else the brand's default, else 30 days; cases being acted on never go stale", () => {
  const w = new Map([
    ["extin/*", 10],
    ["extin/spam", 60],
  ]);
  assert.equal(windowDaysOf(w, "extin", "spam"), 60);
  assert.equal(windowDaysOf(w, "extin", "botnet"), 10);
  assert.equal(windowDaysOf(w, "webxtra", "spam"), 30);
  const old = { state: "new", last_event_at: new Date(at.getTime() - 31 * 86_400_000), opened_at: at };
  assert.equal(isStale(old, at, 30), true);
  assert.equal(isStale({ ...old, state: "measures" }, at, 30), false);
  assert.equal(isStale(old, at, 60), false);
});
