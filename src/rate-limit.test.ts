import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_TRACKED_KEYS, RateLimiter } from "./rate-limit.ts";

test("a key may knock `limit` times per window, then is told when to come back", () => {
  let now = 1_000_000;
  const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 }, () => now);
  assert.deepEqual(limiter.take("192.0.2.1"), { allowed: true, remaining: 2 });
  limiter.take("192.0.2.1");
  assert.deepEqual(limiter.take("192.0.2.1"), { allowed: true, remaining: 0 });
  assert.deepEqual(limiter.take("192.0.2.1"), { allowed: false, retryAfterSeconds: 60 });
  assert.equal(limiter.take("192.0.2.2").allowed, true, "another key has its own count");
  now += 45_000;
  assert.deepEqual(limiter.take("192.0.2.1"), { allowed: false, retryAfterSeconds: 15 });
  now += 15_000;
  assert.equal(limiter.take("192.0.2.1").allowed, true, "a new window starts");
  limiter.reset("192.0.2.1");
  assert.deepEqual(limiter.take("192.0.2.1"), { allowed: true, remaining: 2 });
});

test("the table of keys is bounded: a flood of new addresses cannot fill memory", () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 60_000 }, () => 0, 1_000);
  for (let i = 0; i < 5_000; i++) limiter.take(`198.51.100.${i}`);
  assert.ok(limiter.size <= 1_000);
  assert.ok(MAX_TRACKED_KEYS >= 10_000, "the default remembers enough keys for a busy desk");
});

test("keys named like Object.prototype's properties are ordinary keys", () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 1_000 }, () => 0);
  assert.equal(limiter.take("__proto__").allowed, true);
  assert.equal(limiter.take("__proto__").allowed, false);
  assert.equal(limiter.take("constructor").allowed, true);
  assert.equal(({} as Record<string, unknown>).count, undefined);
});
