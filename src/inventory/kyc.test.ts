import assert from "node:assert/strict";
import { test } from "node:test";
import { deriveKycStatus, type VerificationFacts } from "./kyc.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const v = (
  method: VerificationFacts["method"],
  result: VerificationFacts["result"],
  at = "2026-01-01",
  validUntil: string | null = null,
): VerificationFacts => ({
  method,
  result,
  verifiedAt: new Date(at),
  validUntil: validUntil === null ? null : new Date(validUntil),
});

test("no records, or only supporting checks: unverified", () => {
  assert.equal(deriveKycStatus([], NOW), "unverified");
  assert.equal(
    deriveKycStatus([v("bank_payment", "passed"), v("domain_whois", "passed")], NOW),
    "unverified",
  );
});

test("an identification (KvK/KBO, ID or LEI) that passed: verified", () => {
  for (const m of ["kvk_kbo", "id_document", "lei"] as const) {
    assert.equal(deriveKycStatus([v(m, "passed")], NOW), "verified", m);
  }
  assert.equal(deriveKycStatus([v("kvk_kbo", "passed"), v("bank_payment", "passed")], NOW), "verified");
});

test("a failed check spoils verification until a later one of that method passes", () => {
  assert.equal(deriveKycStatus([v("kvk_kbo", "passed"), v("bank_payment", "failed")], NOW), "unverified");
  assert.equal(
    deriveKycStatus(
      [
        v("kvk_kbo", "passed"),
        v("bank_payment", "failed", "2026-01-01"),
        v("bank_payment", "passed", "2026-02-01"),
      ],
      NOW,
    ),
    "verified",
  );
  assert.equal(
    deriveKycStatus([v("kvk_kbo", "passed", "2025-01-01"), v("kvk_kbo", "failed", "2026-01-01")], NOW),
    "unverified",
  );
});

test("a flagged finding or a failed high-risk check: high risk, whatever else passed", () => {
  assert.equal(deriveKycStatus([v("kvk_kbo", "passed"), v("high_risk_check", "flagged")], NOW), "high_risk");
  assert.equal(deriveKycStatus([v("high_risk_check", "failed")], NOW), "high_risk");
  assert.equal(deriveKycStatus([v("id_document", "flagged")], NOW), "high_risk");
  assert.equal(
    deriveKycStatus(
      [
        v("kvk_kbo", "passed"),
        v("high_risk_check", "flagged", "2025-01-01"),
        v("high_risk_check", "passed", "2026-01-01"),
      ],
      NOW,
    ),
    "verified",
    "a later check that clears the customer counts",
  );
});

test("expired records and records dated after now do not count", () => {
  assert.equal(deriveKycStatus([v("kvk_kbo", "passed", "2024-01-01", "2025-01-01")], NOW), "unverified");
  assert.equal(deriveKycStatus([v("kvk_kbo", "passed", "2026-06-01")], NOW), "unverified");
  assert.equal(
    deriveKycStatus([v("high_risk_check", "flagged", "2024-01-01", "2025-01-01"), v("lei", "passed")], NOW),
    "verified",
  );
});
