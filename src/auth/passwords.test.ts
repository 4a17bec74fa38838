import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_PASSWORD_LENGTH,
  MIN_DISTINCT_CHARACTERS,
  MIN_PASSWORD_LENGTH,
  passwordWeakness,
} from "./passwords.ts";

const email = "jan.jansen@x2com.nl";

test("a password needs MIN_PASSWORD_LENGTH characters; a passphrase of a few words is fine", () => {
  assert.equal(MIN_PASSWORD_LENGTH, 12);
  assert.equal(passwordWeakness("Tr0ub4dor&3", email)?.code, "short");
  assert.match(passwordWeakness("Tr0ub4dor&3", email)!.message, /11 characters; choose one of at least 12/);
  assert.equal(passwordWeakness("correct horse battery staple", email), undefined);
  assert.equal(passwordWeakness("zes woorden passen hier best in", email), undefined);
  // Characters, not bytes or UTF-16 units: 12 accented letters are 12.
  assert.equal(passwordWeakness("ééàèüöïçñøåß", email), undefined);
  assert.equal(passwordWeakness("x".repeat(MAX_PASSWORD_LENGTH + 1), email)?.code, "long");
});

test("not the e-mail address, not a well-known password with digits added, not one character repeated", () => {
  assert.equal(passwordWeakness("jan.jansen@x2com.nl!", email)?.code, "email");
  assert.equal(passwordWeakness("my name is Jan.Jansen ok", email)?.code, "email");
  assert.equal(passwordWeakness("Password2026!", email)?.code, "common");
  assert.equal(passwordWeakness("Wachtwoord123", email)?.code, "common");
  assert.equal(passwordWeakness("123456789012", email)?.code, "common");
  assert.equal(passwordWeakness("aaaaaaaaaaaaaaaa", email)?.code, "variety");
  assert.ok(MIN_DISTINCT_CHARACTERS > 1);
  assert.equal(passwordWeakness("abababababab", email)?.code, "variety");
});
