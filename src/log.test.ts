import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { createLogger, isPretty, safeError } from "./log.ts";

function capture() {
  let text = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk;
      done();
    },
  });
  return { sink, text: () => text };
}

test("an error is logged as type, message, code, a short cause and a few lines of stack; nothing else", () => {
  const err = Object.assign(
    new Error("x".repeat(5000), { cause: new Error(`driver: ${"y".repeat(1000)}`) }),
    {
      code: "57P01",
      client: { secretKey: 1234, processID: 99, password: "pw" },
    },
  );
  const out = safeError(err) as { message: string; cause: string; stack: string };
  assert.deepEqual(Object.keys(out).sort(), ["cause", "code", "message", "stack", "type"]);
  assert.equal(out.message.length, 2000);
  assert.equal(out.cause.length, 300);
  assert.ok(out.stack.split("\n").length <= 6);
  assert.equal(safeError("plain words"), "plain words");
});

test("secrets in headers and in fields named like secrets are blanked; pretty or JSON as asked", () => {
  const json = capture();
  createLogger("info", "json", json.sink).info(
    { req: { headers: { authorization: "Bearer abc", cookie: "s=1" } }, db: { password: "pw", user: "u" } },
    "hello",
  );
  const line = JSON.parse(json.text()) as {
    req: { headers: Record<string, string> };
    db: Record<string, string>;
  };
  assert.equal(line.req.headers.authorization, "[redacted]");
  assert.equal(line.req.headers.cookie, "[redacted]");
  assert.equal(line.db.password, "[redacted]");
  assert.equal(line.db.user, "u");
  const pretty = capture();
  createLogger("info", "pretty", pretty.sink).info("hello");
  assert.match(pretty.text(), /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO: hello\n$/);
  assert.equal(isPretty("auto", true), true);
  assert.equal(isPretty("auto", false), false);
  assert.equal(isPretty("json", true), false);
});
