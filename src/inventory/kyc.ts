/**
 * Know your customer (abuse policy §9, SPEC C13): the status derived from a customer's verification
 * records. Pure, so the rule can be read and tested on one screen.
 *
 * - Only the latest record of each method counts, and only while it is valid (`valid_until`).
 * - high_risk: a latest record is `flagged` (a high-risk finding by any method), or the latest
 *   high-risk check (crypto or other high-risk services) `failed`.
 * - verified: an identification passed (KvK/KBO, ID document or LEI: the policy's "identificatie") and
 *   no latest record failed. A 1-cent payment or a WHOIS check supports, but does not identify.
 * - unverified: everything else, including no records at all.
 */
import type { KycStatus } from "../policy/schema.ts";

export const VERIFICATION_METHODS = [
  "kvk_kbo",
  "id_document",
  "lei",
  "bank_payment",
  "domain_whois",
  "high_risk_check",
] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

export const VERIFICATION_RESULTS = ["passed", "failed", "flagged"] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

export type { KycStatus };

const IDENTIFICATION: readonly VerificationMethod[] = ["kvk_kbo", "id_document", "lei"];

export interface VerificationFacts {
  method: VerificationMethod;
  result: VerificationResult;
  verifiedAt: Date;
  validUntil: Date | null;
}

export function deriveKycStatus(records: readonly VerificationFacts[], now: Date): KycStatus {
  const latest = new Map<VerificationMethod, VerificationFacts>();
  for (const r of records) {
    if (r.validUntil !== null && r.validUntil.getTime() <= now.getTime()) continue;
    if (r.verifiedAt.getTime() > now.getTime()) continue;
    const seen = latest.get(r.method);
    if (!seen || seen.verifiedAt.getTime() <= r.verifiedAt.getTime()) latest.set(r.method, r);
  }
  const current = [...latest.values()];
  if (current.some((r) => r.result === "flagged")) return "high_risk";
  if (latest.get("high_risk_check")?.result === "failed") return "high_risk";
  const identified = IDENTIFICATION.some((m) => latest.get(m)?.result === "passed");
  if (identified && !current.some((r) => r.result === "failed")) return "verified";
  return "unverified";
}
