import assert from "node:assert/strict";
import { test } from "node:test";
import type { InventoryRow } from "./csv.ts";
import { planSync, type StoredResource } from "./sync-plan.ts";

const NOW = new Date("2026-03-01T12:00:00Z");

function row(
  customerId: string,
  value: string,
  from: string,
  to: string | null = null,
  brand = "extin",
): InventoryRow {
  return {
    row: 2,
    customerId,
    customerName: customerId,
    brand,
    contactEmails: [`${customerId}@example.nl`],
    kind: "ip",
    value,
    validFrom: new Date(from),
    validTo: to ? new Date(to) : null,
  };
}

let n = 0;
function stored(customerId: string, value: string, from: string, to: string | null = null): StoredResource {
  return {
    id: `r${++n}`,
    customerId,
    kind: "ip",
    value,
    validFrom: new Date(from),
    validTo: to ? new Date(to) : null,
  };
}

test("a sync adds what is new, closes what is gone at now, and leaves the rest", () => {
  const keep = stored("a", "192.0.2.0/24", "2025-01-01");
  const gone = stored("b", "198.51.100.0/24", "2025-01-01");
  const plan = planSync(
    "extin",
    [keep, gone],
    [row("a", "192.0.2.0/24", "2025-01-01"), row("c", "203.0.113.0/24", "2026-02-01")],
    NOW,
  );
  assert.deepEqual(
    plan.unchanged.map((u) => u.resource),
    [keep],
  );
  assert.deepEqual(plan.close, [{ resource: gone, validTo: NOW }]);
  assert.deepEqual(
    plan.add.map((r) => r.customerId),
    ["c"],
  );
  assert.deepEqual(plan.changeEnd, []);
});

test("never deletes: past resources missing from the file are left as history", () => {
  const past = stored("a", "192.0.2.0/24", "2024-01-01", "2025-01-01");
  const plan = planSync("extin", [past], [], NOW);
  assert.deepEqual(plan.close, []);
  assert.deepEqual(plan.add, []);
});

test("a current row matches the stored current resource even when the file gives another start", () => {
  const current = stored("a", "192.0.2.0/24", "2024-05-17");
  const plan = planSync("extin", [current], [row("a", "192.0.2.0/24", "2026-01-01")], NOW);
  assert.deepEqual(
    plan.unchanged.map((u) => u.resource),
    [current],
  );
  assert.deepEqual(plan.add, []);
});

test("the file may end a resource later: its end date changes, nothing is added", () => {
  const current = stored("a", "192.0.2.0/24", "2025-01-01");
  const plan = planSync("extin", [current], [row("a", "192.0.2.0/24", "2025-01-01", "2026-06-01")], NOW);
  assert.equal(plan.changeEnd.length, 1);
  assert.deepEqual(plan.changeEnd[0]!.validTo, new Date("2026-06-01"));
  assert.deepEqual(plan.add, []);
  assert.deepEqual(plan.close, []);
});

test("a re-assigned prefix: the old holder is closed, the new one added", () => {
  const old = stored("a", "192.0.2.0/25", "2025-01-01");
  const plan = planSync("extin", [old], [row("b", "192.0.2.0/25", "2026-03-01T12:00:00Z")], NOW);
  assert.deepEqual(plan.close, [{ resource: old, validTo: NOW }]);
  assert.deepEqual(
    plan.add.map((r) => r.customerId),
    ["b"],
  );
});

test("history rows already stored are recognised; new history rows are added", () => {
  const past = stored("a", "192.0.2.0/25", "2024-01-01", "2025-01-01");
  const plan = planSync(
    "extin",
    [past],
    [
      row("a", "192.0.2.0/25", "2024-01-01", "2025-01-01"),
      row("z", "192.0.2.0/25", "2023-01-01", "2024-01-01"),
    ],
    NOW,
  );
  assert.deepEqual(
    plan.unchanged.map((u) => u.resource),
    [past],
  );
  assert.deepEqual(
    plan.add.map((r) => r.customerId),
    ["z"],
  );
});

test("a stored resource that has not begun yet and is gone from the file ends where it begins", () => {
  const future = stored("a", "192.0.2.0/24", "2026-09-01");
  const plan = planSync("extin", [future], [], NOW);
  assert.deepEqual(plan.close, [{ resource: future, validTo: future.validFrom }]);
});

test("rows of another brand are set apart, not planned", () => {
  const plan = planSync("extin", [], [row("a", "192.0.2.0/24", "2026-01-01", null, "webxtra")], NOW);
  assert.equal(plan.otherBrands.length, 1);
  assert.deepEqual(plan.add, []);
});

test("each stored resource answers for one row only", () => {
  const current = stored("a", "192.0.2.0/24", "2025-01-01");
  const plan = planSync(
    "extin",
    [current],
    [row("a", "192.0.2.0/24", "2026-01-01"), row("a", "192.0.2.0/24", "2025-01-01")],
    NOW,
  );
  // the exact match takes the stored resource; the other row is new
  assert.deepEqual(
    plan.unchanged.map((u) => u.row.validFrom),
    [new Date("2025-01-01")],
  );
  assert.equal(plan.add.length, 1);
});
