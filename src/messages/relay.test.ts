import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.ts";
import {
  classifyFailure,
  describeRelay,
  MAX_SEND_ATTEMPTS,
  nextAttemptAfter,
  parseRelayUrl,
  RETRY_BASE_SECONDS,
  RETRY_MAX_SECONDS,
} from "./relay.ts";

test("the relay URL: smtp:// (STARTTLS when offered) or smtps://, user and password, options", () => {
  assert.deepEqual(parseRelayUrl("smtp://desk:p%40ss@relay.example:2525"), {
    host: "relay.example",
    port: 2525,
    secure: false,
    user: "desk",
    password: "p@ss",
    requireTls: false,
    verifyTls: true,
  });
  const s = parseRelayUrl("smtps://relay.example");
  assert.equal(s.secure, true);
  assert.equal(s.port, 465);
  assert.equal(parseRelayUrl("smtp://relay.example").port, 587);
  assert.equal(parseRelayUrl("smtp://r.example:25?starttls=required").requireTls, true);
  assert.equal(parseRelayUrl("smtp://127.0.0.1:25?tls_verify=false").verifyTls, false);
  assert.equal(describeRelay(parseRelayUrl("smtp://desk:secret@r.example:25")), "smtp://desk@r.example:25");
  for (const bad of [
    "http://r.example",
    "not a url",
    "smtp://r.example?pool=1",
    "smtp://r.example?starttls=yes",
  ])
    assert.throws(() => parseRelayUrl(bad), UserError, bad);
});

test("a 5xx to the envelope or message is final; a 4xx, a lost connection or a refused login is tried again", () => {
  assert.equal(
    classifyFailure({ message: "550 no such user", responseCode: 550, code: "EENVELOPE" }).kind,
    "refused",
  );
  assert.equal(
    classifyFailure({ message: "554 rejected", responseCode: 554, code: "EMESSAGE" }).kind,
    "refused",
  );
  assert.equal(
    classifyFailure({ message: "451 try later", responseCode: 451, code: "EENVELOPE" }).kind,
    "retry",
  );
  assert.equal(classifyFailure({ message: "connect ECONNREFUSED", code: "ESOCKET" }).kind, "retry");
  assert.equal(classifyFailure({ message: "535 auth", responseCode: 535, code: "EAUTH" }).kind, "retry");
});

test("retries back off: 30 s, 60 s, 120 s … up to an hour; about a day of attempts", () => {
  const now = new Date(0);
  const waits = Array.from(
    { length: MAX_SEND_ATTEMPTS },
    (_, i) => nextAttemptAfter(i + 1, now).getTime() / 1000,
  );
  assert.deepEqual(waits.slice(0, 4), [RETRY_BASE_SECONDS, 60, 120, 240]);
  assert.equal(Math.max(...waits), RETRY_MAX_SECONDS);
  const total = waits.slice(0, -1).reduce((a, b) => a + b, 0);
  assert.ok(total > 20 * 3600 && total < 2 * 24 * 3600, `${total} s of retries`);
});
