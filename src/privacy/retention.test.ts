import assert from "node:assert/strict";
import { test } from "node:test";
import { rawWithinBudget } from "./export.ts";
import { MAX_EXPORT_RAW_BYTES, MAX_EXPORT_RAW_REPORTS } from "./privacy.store.ts";
import {
  DEFAULT_RETENTION_DAYS,
  MAX_RETENTION_DAYS,
  MAX_RETENTION_ENTRIES,
  MIN_RETENTION_DAYS,
  parseRetention,
} from "./retention.ts";

test("retention: defaults, every brand's terms and one brand's own", () => {
  const none = parseRetention(undefined);
  assert.ok(none.ok);
  assert.equal(none.value.days("raw_reports", "extin"), DEFAULT_RETENTION_DAYS.raw_reports);
  const r = parseRetention("raw_reports=90, x2com-be.raw_reports=30,messages=365");
  assert.ok(r.ok);
  assert.equal(r.value.days("raw_reports", "extin"), 90);
  assert.equal(r.value.days("raw_reports", "x2com-be"), 30);
  assert.equal(r.value.days("raw_reports", null), 90);
  assert.equal(r.value.days("messages", "x2com-be"), 365);
  assert.equal(r.value.days("reporters", "x2com-be"), DEFAULT_RETENTION_DAYS.reporters);
  assert.deepEqual(r.value.brandsWithOwn("raw_reports"), ["x2com-be"]);
});

test("retention: what cannot be read is a sentence that says what to write", () => {
  const bad = (text: string, re: RegExp) => {
    const r = parseRetention(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.error, re);
  };
  bad("raw_reports", /is not kind=days or brand\.kind=days/);
  bad("audit_log=30", /"audit_log" is not a kind of data; use raw_reports, messages, reporters, events/);
  bad(`raw_reports=${MIN_RETENTION_DAYS - 1}`, /outside 7 to 3650 days/);
  bad(`raw_reports=${MAX_RETENTION_DAYS + 1}`, /outside/);
  bad(
    Array.from({ length: MAX_RETENTION_ENTRIES + 1 }, () => "messages=30").join(","),
    /more than 200 entries/,
  );
  bad("__proto__.raw_reports=30,x", /not kind=days/);
  const proto = parseRetention("__proto__.raw_reports=30");
  assert.equal(proto.ok, false, "brand names are lowercase letters, digits and dashes");
});

test("the export's raw reports stop at their count and byte bounds", () => {
  const small = Array.from({ length: MAX_EXPORT_RAW_REPORTS + 5 }, (_, i) => ({ id: i + 1, size: 10 }));
  assert.equal(rawWithinBudget(small).length, MAX_EXPORT_RAW_REPORTS);
  const big = [
    { id: 1, size: MAX_EXPORT_RAW_BYTES - 100 },
    { id: 2, size: 200 },
    { id: 3, size: 10 },
  ];
  assert.deepEqual(rawWithinBudget(big), [1]);
});
