import assert from "node:assert/strict";
import { test } from "node:test";
import { History } from "./history.ts";
import { parseIpv4 } from "./ip.ts";
import { PrefixTable } from "./prefix-table.ts";

function table() {
  const history = new History();
  const v4 = new PrefixTable(history, 4);
  const add = (cidr: string, customer: string) => {
    const [ip, len] = cidr.split("/");
    const slot = history.push(cidr, customer, cidr, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    v4.add([parseIpv4(ip!)], Number(len), slot);
  };
  const who = (ip: string) => {
    const slot = v4.lookup4(parseIpv4(ip), 0);
    return slot < 0 ? null : history.customers[history.customer[slot]!]!;
  };
  return { v4, add, who };
}

test("an empty table finds nothing", () => {
  const { v4, who } = table();
  v4.compile();
  assert.equal(who("192.0.2.1"), null);
});

test("compiling again after adds keeps every prefix findable", () => {
  const { v4, add, who } = table();
  add("10.0.0.0/8", "a");
  add("10.1.0.0/16", "b");
  v4.compile();
  add("9.0.0.0/8", "c");
  add("10.1.2.0/24", "d");
  v4.compile();
  v4.compile();
  assert.equal(who("9.1.1.1"), "c");
  assert.equal(who("10.1.2.3"), "d");
  assert.equal(who("10.1.3.3"), "b");
  assert.equal(who("10.2.3.3"), "a");
  assert.equal(who("11.0.0.0"), null);
  assert.equal(v4.pendingCount, 0);
});

test("many intervals: the search tree finds each one's prefix", () => {
  const { v4, add, who } = table();
  for (let i = 0; i < 3000; i++) add(`10.${i >> 8}.${i & 255}.0/24`, `c${i}`);
  for (let i = 0; i < 3000; i += 2) add(`10.${i >> 8}.${i & 255}.128/25`, `h${i}`);
  v4.compile();
  for (let i = 0; i < 3000; i++) {
    assert.equal(who(`10.${i >> 8}.${i & 255}.1`), `c${i}`);
    assert.equal(who(`10.${i >> 8}.${i & 255}.200`), i % 2 === 0 ? `h${i}` : `c${i}`);
  }
  assert.equal(who("10.11.184.0"), null, "just after the last /24");
  assert.equal(who("9.255.255.255"), null);
});
