import assert from "node:assert/strict";
import { test } from "node:test";
import {
  findUnstorableText,
  isTransientDatabaseError,
  isUnstorableTextError,
  MAX_TEXT_SCAN_NODES,
  pgJson,
  pgText,
} from "./text.ts";

test("the first NUL or lone surrogate in a request is found with its path", () => {
  const body = { note: "fine", subjects: ["192.0.2.1", "a\u0000b"], nested: { reason: "x\ud800y" } };
  assert.deepEqual(findUnstorableText(body, "body"), {
    path: "body.subjects[1]",
    problem: "contains a NUL character (\\u0000), which text cannot hold; remove it",
  });
  assert.match(findUnstorableText({ reason: "x\ud800y" }, "body")?.problem ?? "", /lone surrogate/);
  assert.equal(findUnstorableText({ "bad\u0000key": 1 }, "query")?.path, "query (a field name)");
  assert.equal(findUnstorableText({ ok: "a\ud83d\ude00b", n: 1, b: true, z: null }, "body"), undefined);
  assert.equal(
    findUnstorableText(Buffer.from([0, 0xff]), "body"),
    undefined,
    "raw bytes are a report's, not text",
  );
});

test(`a request is searched up to MAX_TEXT_SCAN_NODES (${MAX_TEXT_SCAN_NODES}) values`, () => {
  const within = Array.from({ length: MAX_TEXT_SCAN_NODES - 10 }, () => "x");
  within.push("a\u0000b");
  assert.equal(findUnstorableText(within, "body")?.path, `body[${MAX_TEXT_SCAN_NODES - 10}]`);
  const beyond = Array.from({ length: MAX_TEXT_SCAN_NODES + 10 }, () => "x");
  beyond.push("a\u0000b");
  assert.equal(findUnstorableText(beyond, "body"), undefined);
});

test("PostgreSQL's refusals of text are recognised; pgText and pgJson make any text storable", () => {
  assert.ok(isUnstorableTextError({ code: "22021" }));
  assert.ok(isUnstorableTextError({ code: "22P05" }));
  assert.ok(!isUnstorableTextError({ code: "23505" }));
  assert.ok(!isUnstorableTextError(null));
  assert.equal(pgText("a\u0000b\ud800"), "ab\ufffd");
  assert.equal(pgJson({ a: "x\u0000" }), '{"a":"x"}');
});

test("a deadlock or serialization failure is transient (sent again, it succeeds); other errors are not", () => {
  for (const code of ["40P01", "40001", "55P03"])
    assert.equal(isTransientDatabaseError({ code }), true, code);
  for (const code of ["23505", "22021", undefined]) assert.equal(isTransientDatabaseError({ code }), false);
  assert.equal(isTransientDatabaseError(null), false);
});
