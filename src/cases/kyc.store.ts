/**
 * The customer's know-your-customer status (abuse policy §9, SPEC C13) as the policy engine reads it.
 *
 * TO BE FILLED by the KYC/inventory work: customer verification records arrive with migration 0003.
 * Until then every customer's status is unknown (`undefined`), which the engine treats as "no KYC rule
 * applies" — deliberately not "unverified", which would make X2com's KYC rule answer every abuse case
 * with a request for verification.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import type { KycStatus } from "../policy/schema.ts";

export async function kycStatusOf(
  _db: Kysely<Database>,
  _customerId: string | null,
): Promise<KycStatus | undefined> {
  return undefined;
}
