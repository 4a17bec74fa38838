import assert from "node:assert/strict";
import { test } from "node:test";
import { makeEvent, normalizeIp, parseDate } from "./common.ts";
import { missingOf } from "./completeness.ts";

test("abuse report: contact, description, technical data", () => {
  assert.deepEqual(missingOf({ reporter: {}, events: [], description: false }), [
    "reporter_contact",
    "description",
    "technical_data",
  ]);
  const e = makeEvent("botnet", { ip: "192.0.2.1" }, null, {});
  assert.deepEqual(missingOf({ reporter: { email: "a@b.example" }, events: [e], description: true }), []);
});

test("notice (NTD): location and reasons; a P2P notice is located by address", () => {
  const noUrl = makeEvent("copyright", { domain: "site.example" }, null, {});
  assert.deepEqual(
    missingOf({ reporter: { email: "a@b.example" }, events: [noUrl], description: true, reasons: false }),
    ["location", "reasons"],
  );
  const p2p = makeEvent("copyright", { ip: "192.0.2.1", port: 6881 }, null, { p2p: true });
  assert.deepEqual(missingOf({ reporter: { email: "a@b.example" }, events: [p2p], description: true }), []);
});

test("spam without the offending message's headers", () => {
  const e = makeEvent("spam", { ip: "192.0.2.1" }, null, {});
  assert.deepEqual(
    missingOf({ reporter: { email: "a@b.example" }, events: [e], description: true, fullHeaders: false }),
    ["full_headers"],
  );
  assert.deepEqual(missingOf({ reporter: { email: "a@b.example" }, events: [e], description: true }), []);
});

test("addresses and dates", () => {
  assert.equal(normalizeIp("148.163.85.135 (host.example)"), "148.163.85.135");
  assert.equal(normalizeIp("[IPv6:2001:0db8::0001]"), "2001:db8::1");
  assert.equal(normalizeIp("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(normalizeIp("37.120.178.9.10"), undefined);
  assert.equal(normalizeIp("127.1"), undefined);
  assert.equal(parseDate("Thu, 9 Apr 2006 23:34:45 JST")?.toISOString(), "2006-04-09T14:34:45.000Z");
  assert.equal(parseDate("Tue, 19 Jan 2016 14:32:40 -0500 (EST)")?.toISOString(), "2016-01-19T19:32:40.000Z");
  assert.equal(parseDate("2021-03-04 00:00:00")?.toISOString(), "2021-03-04T00:00:00.000Z");
  assert.equal(parseDate("not a date"), null);
  assert.equal(parseDate("1970-01-01 00:00:00"), null);
});
