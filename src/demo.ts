/**
 * Demo data so that a newcomer sees a living desk: the four seed brands and a dozen customers with
 * IPv4/IPv6 ranges (documentation ranges, which the sample reports also use), domains, sites, mailboxes
 * and phone numbers, one range with a history of re-assignment. Loading it twice changes nothing.
 */
import { sql } from "kysely";
import type { Actor } from "./auth/auth.store.ts";
import { SEED_BRANDS, saveBrand } from "./brands.ts";
import type { DB } from "./db/index.ts";
import { importInventory } from "./inventory/inventory.store.ts";
import { addVerification } from "./inventory/kyc.store.ts";
import type { VerificationMethod, VerificationResult } from "./inventory/kyc.ts";
import { addBrandRange } from "./inventory/ranges.store.ts";

/** In the inventory CSV format of ARCHITECTURE.md. */
export const DEMO_INVENTORY = `customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to
x2c-1001,Bakkerij De Korenschoof,x2com-nl,info@korenschoof.example,ip,192.0.2.0/26,2024-01-01,
x2c-1001,Bakkerij De Korenschoof,x2com-nl,info@korenschoof.example,domain,korenschoof.example,2024-01-01,
x2c-1001,Bakkerij De Korenschoof,x2com-nl,info@korenschoof.example,email,info@korenschoof.example,2024-01-01,
x2c-1002,Jansen Installatietechniek,x2com-nl,administratie@jansen-installatie.example,ip,192.0.2.64/27,2024-03-01,
x2c-1002,Jansen Installatietechniek,x2com-nl,administratie@jansen-installatie.example,ip,192.0.2.96/27,2025-01-01,2026-06-01
x2c-1003,Studio Vermeulen,x2com-nl,hallo@studiovermeulen.example,ip,192.0.2.96/27,2026-06-01,
x2c-1003,Studio Vermeulen,x2com-nl,hallo@studiovermeulen.example,ip,2001:db8:100::/48,2026-06-01,
x2c-1004,Sportclub Demo,x2com-nl,bestuur@sportclub.example,ip,2001:db8:400::/48,2025-02-01,
x2c-1004,Sportclub Demo,x2com-nl,bestuur@sportclub.example,phone,+31201234567,2025-02-01,
x2b-2001,Brasserie Het Anker,x2com-be,info@hetanker.example,ip,192.0.2.128/26,2024-05-01,
x2b-2001,Brasserie Het Anker,x2com-be,info@hetanker.example,ip,2001:db8:200::/48,2024-05-01,
x2b-2001,Brasserie Het Anker,x2com-be,info@hetanker.example,domain,hetanker.example,2024-05-01,
x2b-2002,Dupont Logistique,x2com-be,it@dupont-logistique.example,ip,192.0.2.192/26,2025-09-01,
x2b-2002,Dupont Logistique,x2com-be,it@dupont-logistique.example,phone,+3221234567,2025-09-01,
ext-3001,Webwinkel Tulp BV,extin,klantenservice@webwinkeltulp.example,ip,198.51.100.0/25,2023-11-01,
ext-3001,Webwinkel Tulp BV,extin,klantenservice@webwinkeltulp.example,domain,webwinkeltulp.example,2023-11-01,
ext-3002,Nieuwsbrief Centrale,extin,postmaster@nieuwsbriefcentrale.example,ip,198.51.100.128/26,2024-06-01,
ext-3002,Nieuwsbrief Centrale,extin,postmaster@nieuwsbriefcentrale.example,domain,nieuwsbriefcentrale.example,2024-06-01,
ext-3003,Servermeesters,extin,noc@servermeesters.example,ip,198.51.100.192/26,2025-01-15,
ext-3003,Servermeesters,extin,noc@servermeesters.example,ip,2001:db8:300::/48,2025-01-15,
wx-4001,Fotografie Lens,webxtra,studio@fotografielens.example,ip,203.0.113.0/26,2024-02-01,
wx-4001,Fotografie Lens,webxtra,studio@fotografielens.example,domain,fotografielens.example,2024-02-01,
wx-4001,Fotografie Lens,webxtra,studio@fotografielens.example,url,https://fotografielens.example/portfolio/,2024-02-01,
wx-4002,Vereniging De Zeilvogels,webxtra,secretaris@zeilvogels.example,ip,203.0.113.64/26,2024-08-01,
wx-4002,Vereniging De Zeilvogels,webxtra,secretaris@zeilvogels.example,domain,zeilvogels.example,2024-08-01,
wx-4002,Vereniging De Zeilvogels,webxtra,secretaris@zeilvogels.example,email,secretaris@zeilvogels.example,2024-08-01,
wx-4003,Crypto Kansen BV,webxtra,info@cryptokansen.example,ip,203.0.113.128/26,2026-09-01,
wx-4003,Crypto Kansen BV,webxtra,info@cryptokansen.example,domain,cryptokansen.example,2026-09-01,
`;

/** The demo brands' own address space, so that "not ours" can tell unassigned space from other networks. */
export const DEMO_BRAND_RANGES: ReadonlyArray<{ brand: string; cidr: string; note: string }> = [
  { brand: "x2com-nl", cidr: "192.0.2.0/25", note: "demo allocation" },
  { brand: "x2com-nl", cidr: "2001:db8:100::/48", note: "demo allocation" },
  { brand: "x2com-nl", cidr: "2001:db8:400::/48", note: "demo allocation" },
  { brand: "x2com-be", cidr: "192.0.2.128/25", note: "demo allocation" },
  { brand: "x2com-be", cidr: "2001:db8:200::/48", note: "demo allocation" },
  { brand: "extin", cidr: "198.51.100.0/24", note: "demo allocation" },
  { brand: "extin", cidr: "2001:db8:300::/48", note: "demo allocation" },
  { brand: "webxtra", cidr: "203.0.113.0/24", note: "demo allocation" },
];

/** Know-your-customer records: two verified customers, one high-risk; the rest unverified. */
export const DEMO_VERIFICATIONS: ReadonlyArray<{
  customer: string;
  method: VerificationMethod;
  result: VerificationResult;
  reference: string;
}> = [
  { customer: "x2c-1001", method: "kvk_kbo", result: "passed", reference: "KvK 00000001 (demo)" },
  { customer: "ext-3001", method: "kvk_kbo", result: "passed", reference: "KvK 00000002 (demo)" },
  { customer: "ext-3001", method: "bank_payment", result: "passed", reference: "NL00DEMO0000000001 (demo)" },
  { customer: "wx-4003", method: "kvk_kbo", result: "passed", reference: "KvK 00000003 (demo)" },
  {
    customer: "wx-4003",
    method: "high_risk_check",
    result: "flagged",
    reference: "crypto investment offers (demo)",
  },
];

/** Loads the demo brands and inventory; returns how many customers and resources are there afterwards. */
export async function loadDemo(
  db: DB,
  by: Actor,
): Promise<{ brands: number; customers: number; resources: number }> {
  for (const brand of SEED_BRANDS) await saveBrand(db, by, brand);
  // Through the importer, as an operator would: a second load finds every row unchanged.
  const imported = await importInventory(db, by, DEMO_INVENTORY, { filename: "demo inventory" });
  if (!imported.ok) {
    throw new Error(
      `the demo inventory was refused: ${imported.error.problems.map((p) => p.message).join("; ")}`,
    );
  }
  for (const r of DEMO_BRAND_RANGES) {
    const added = await addBrandRange(db, by, r.brand, r.cidr, r.note);
    if (!added.ok) throw new Error(`demo range ${r.cidr}: ${added.error.message}`);
  }
  for (const v of DEMO_VERIFICATIONS) {
    const known = await db
      .selectFrom("customer_verifications")
      .select("id")
      .where("customer_id", "=", v.customer)
      .where("method", "=", v.method)
      .where("reference", "=", v.reference)
      .executeTakeFirst();
    if (known) continue;
    const added = await addVerification(db, by, v.customer, {
      method: v.method,
      result: v.result,
      reference: v.reference,
      verified_at: new Date("2025-01-15T10:00:00Z"),
    });
    if (!added.ok) throw new Error(`demo verification of ${v.customer}: ${added.error.message}`);
  }
  const count = async (table: "brands" | "customers" | "resources") =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
    );
  return {
    brands: await count("brands"),
    customers: await count("customers"),
    resources: await count("resources"),
  };
}
