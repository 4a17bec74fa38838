import assert from "node:assert/strict";
import { test } from "node:test";
import { checkTotp, newTotpSecret, TOTP_PERIOD_SECONDS, TOTP_WINDOW, totpCode, totpUri } from "./totp.ts";

// RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", in base32.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

test("codes are those of RFC 6238 (6 digits, 30 s, SHA-1)", () => {
  // The RFC lists 8 digits; authenticator apps show the last 6.
  assert.equal(totpCode(RFC_SECRET, 59_000), "287082");
  assert.equal(totpCode(RFC_SECRET, 1_111_111_109_000), "081804");
  assert.equal(totpCode(RFC_SECRET, 1_234_567_890_000), "005924");
});

test("a code is accepted within one step of drift, once, and never an older one", () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const now = 1_800_000_000_000;
  const code = totpCode(secret, now);
  const first = checkTotp(secret, code, null, now);
  assert.ok(first.ok);
  assert.equal(checkTotp(secret, code, first.step, now).ok, false, "the same code twice");
  assert.equal(TOTP_WINDOW, 1);
  const late = now + TOTP_PERIOD_SECONDS * 1000;
  assert.ok(checkTotp(secret, code, null, late).ok, "one step late is still fine");
  assert.equal(checkTotp(secret, code, null, now + 3 * TOTP_PERIOD_SECONDS * 1000).ok, false);
  const next = checkTotp(secret, totpCode(secret, late), first.step, late);
  assert.ok(next.ok && next.step === first.step + 1);
  assert.equal(checkTotp(secret, "12345", null, now).ok, false);
  assert.equal(checkTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, null, now).ok, true);
});

test("the otpauth URI names the issuer and the account", () => {
  const uri = totpUri("JBSWY3DPEHPK3PXP", "jan@x2com.nl");
  assert.match(uri, /^otpauth:\/\/totp\/abusedesk:jan%40x2com\.nl\?/);
  assert.match(uri, /secret=JBSWY3DPEHPK3PXP/);
  assert.match(uri, /issuer=abusedesk/);
});
