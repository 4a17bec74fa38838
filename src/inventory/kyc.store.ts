/** Verification records per customer, and the status derived from them (see kyc.ts). */
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { fail, ok, type Result } from "../errors.ts";
import { deriveKycStatus, type KycStatus, type VerificationMethod, type VerificationResult } from "./kyc.ts";

export interface Verification {
  id: number;
  customer_id: string;
  method: VerificationMethod;
  result: VerificationResult;
  verified_at: Date;
  verified_by: string;
  reference: string | null;
  note: string | null;
  valid_until: Date | null;
  created_at: Date;
}

export interface NewVerification {
  method: VerificationMethod;
  result: VerificationResult;
  verified_at?: Date | undefined;
  reference?: string | null | undefined;
  note?: string | null | undefined;
  valid_until?: Date | null | undefined;
}

/** The records of these customers, oldest first. */
export async function verificationsOf(db: DB, customerIds: readonly string[]): Promise<Verification[]> {
  if (customerIds.length === 0) return [];
  return db
    .selectFrom("customer_verifications")
    .selectAll()
    .where("customer_id", "in", customerIds)
    .orderBy("verified_at")
    .orderBy("id")
    .execute();
}

export function statusOf(records: readonly Verification[], now = new Date()): KycStatus {
  return deriveKycStatus(
    records.map((r) => ({
      method: r.method,
      result: r.result,
      verifiedAt: r.verified_at,
      validUntil: r.valid_until,
    })),
    now,
  );
}

/** The customer's KYC status for the policy engine; an unknown customer is unverified. */
export async function kycStatusOf(db: DB, customerId: string): Promise<KycStatus> {
  return statusOf(await verificationsOf(db, [customerId]));
}

export async function addVerification(
  db: DB,
  by: Actor,
  customerId: string,
  input: NewVerification,
): Promise<Result<{ verification: Verification; status: KycStatus }>> {
  const verifiedAt = input.verified_at ?? new Date();
  if (input.valid_until && input.valid_until.getTime() <= verifiedAt.getTime()) {
    return fail(422, "valid_until must be after verified_at (leave it out when the check does not expire)");
  }
  if (verifiedAt.getTime() > Date.now() + 60_000) {
    return fail(422, "verified_at lies in the future; record a check when it has been done");
  }
  return db.transaction().execute(async (trx) => {
    const customer = await trx
      .selectFrom("customers")
      .select("id")
      .where("id", "=", customerId)
      .where(inBrandScope(by.brands, "customers.brand_id"))
      .executeTakeFirst();
    if (!customer) return fail(404, `there is no customer ${customerId}`);
    const verification = await trx
      .insertInto("customer_verifications")
      .values({
        customer_id: customerId,
        method: input.method,
        result: input.result,
        verified_at: verifiedAt,
        verified_by: by.name,
        reference: input.reference ?? null,
        note: input.note ?? null,
        valid_until: input.valid_until ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const all = await trx
      .selectFrom("customer_verifications")
      .selectAll()
      .where("customer_id", "=", customerId)
      .execute();
    const status = statusOf(all);
    await appendAudit(trx, {
      actor: by.name,
      action: "customer.verification",
      subjectType: "customer",
      subjectId: customerId,
      details: { id: verification.id, method: input.method, result: input.result, status },
    });
    return ok({ verification, status });
  });
}
