/**
 * Demo data so that a newcomer sees a living desk: the four seed brands and a dozen customers with
 * IPv4/IPv6 ranges (documentation ranges, which the sample reports also use), domains, sites, mailboxes
 * and phone numbers, one range with a history of re-assignment. Loading it twice changes nothing.
 */
import { sql } from "kysely";
import { appendAudit } from "./audit.ts";
import type { Actor } from "./auth/auth.store.ts";
import { SEED_BRANDS, saveBrand } from "./brands.ts";
import type { DB } from "./db/index.ts";

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

interface Row {
  customer_id: string;
  customer_name: string;
  brand: string;
  contact_email: string;
  kind: "ip" | "domain" | "url" | "email" | "phone";
  value: string;
  valid_from: string;
  valid_to: string;
}

function rows(csv: string): Row[] {
  const [header, ...lines] = csv.trim().split("\n");
  const cols = header!.split(",") as (keyof Row)[];
  return lines.map(
    (line) => Object.fromEntries(line.split(",").map((v, i) => [cols[i], v])) as unknown as Row,
  );
}

/** Loads the demo brands and inventory; returns how many customers and resources are there afterwards. */
export async function loadDemo(
  db: DB,
  by: Actor,
): Promise<{ brands: number; customers: number; resources: number }> {
  for (const brand of SEED_BRANDS) await saveBrand(db, by, brand);
  const demo = rows(DEMO_INVENTORY);
  await db.transaction().execute(async (trx) => {
    for (const r of demo) {
      await trx
        .insertInto("customers")
        .values({
          id: r.customer_id,
          brand_id: r.brand,
          name: r.customer_name,
          contact_emails: [r.contact_email],
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    }
    for (const r of demo) {
      const exists = await trx
        .selectFrom("resources")
        .select("id")
        .where("customer_id", "=", r.customer_id)
        .where("kind", "=", r.kind)
        .where("value", "=", r.value)
        .where("valid_from", "=", new Date(`${r.valid_from}T00:00:00Z`))
        .executeTakeFirst();
      if (exists) continue;
      await trx
        .insertInto("resources")
        .values({
          customer_id: r.customer_id,
          kind: r.kind,
          value: r.value,
          ip: r.kind === "ip" ? r.value : null,
          valid_from: new Date(`${r.valid_from}T00:00:00Z`),
          valid_to: r.valid_to ? new Date(`${r.valid_to}T00:00:00Z`) : null,
        })
        .execute();
    }
    await appendAudit(trx, {
      actor: by.name,
      action: "demo.load",
      subjectType: "system",
      details: { rows: demo.length },
    });
  });
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
