/**
 * The customer's know-your-customer status (abuse policy §9, SPEC C13) as the policy engine reads it,
 * from the verification records kept with the inventory.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { kycStatusOf as inventoryKycStatus } from "../inventory/kyc.store.ts";
import type { KycStatus } from "../policy/schema.ts";

export async function kycStatusOf(
  db: Kysely<Database>,
  customerId: string | null,
): Promise<KycStatus | undefined> {
  if (!customerId) return undefined;
  return inventoryKycStatus(db, customerId);
}
