import assert from "node:assert/strict";
import { test } from "node:test";
import { toE164 } from "./phone.ts";

test("Dutch numbers in the ways people write them", () => {
  for (const n of [
    "020-1234567",
    "020 123 4567",
    "(020) 123 45 67",
    "+31 20 123 4567",
    "+31201234567",
    "0031 20 1234567",
    "+31 (0)20 123 4567",
    "+31 020 1234567",
    "tel:+31-20-1234567",
    "020.123.45.67",
  ]) {
    assert.equal(toE164(n), "+31201234567", n);
  }
  assert.equal(toE164("06-12345678"), "+31612345678");
  assert.equal(toE164("0800-1234"), null, "short service numbers have no E.164 form we can check");
});

test("Belgian numbers: 8 digits for fixed lines, 9 for mobiles", () => {
  assert.equal(toE164("+32 2 123 45 67"), "+3221234567");
  assert.equal(toE164("02 123 45 67", "BE"), "+3221234567");
  assert.equal(toE164("0470 12 34 56", "BE"), "+32470123456");
  assert.equal(toE164("0032 470 12 34 56"), "+32470123456");
  assert.equal(toE164("+32 2 123 45 678"), null, "a 9-digit number that is not a mobile");
});

test("the country decides how a national number is read", () => {
  assert.equal(toE164("02 123 45 67", "NL"), null);
  assert.equal(toE164("020-1234567", "BE"), null);
});

test("other countries are accepted in international form by length alone", () => {
  assert.equal(toE164("+49 30 1234567"), "+49301234567");
  assert.equal(toE164("+1 (202) 555-0100"), "+12025550100");
  assert.equal(toE164("+1234567890123456"), null, "more than 15 digits");
});

test("not numbers", () => {
  for (const bad of ["", "12345", "abc", "+31 20 CALL NOW", "0", "+0 123 456 789", "1234567890"]) {
    assert.equal(toE164(bad), null, bad);
  }
});
