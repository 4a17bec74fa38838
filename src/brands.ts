/** Brands: the provider's labels, each with its country, time zone, languages, abuse addresses and policy profile. */
import type { Transaction } from "kysely";
import { z } from "zod";
import { appendAudit } from "./audit.ts";
import type { Actor } from "./auth/auth.store.ts";
import { actorOf } from "./auth/http.ts";
import { type BrandScope, EVERY_BRAND, inBrandScope } from "./auth/scope.ts";
import type { DB } from "./db/index.ts";
import type { Database } from "./db/schema.ts";
import type { RouteModule } from "./server.ts";

export const BrandInput = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lower-case letters, digits and dashes, e.g. x2com-nl"),
  name: z.string().min(1),
  country: z.enum(["NL", "BE"]),
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "not an IANA time zone; use e.g. Europe/Amsterdam"),
  languages: z.array(z.enum(["nl", "en", "fr", "de"])).min(1),
  abuseAddresses: z.array(z.email().transform((s) => s.toLowerCase())).min(1),
  policyProfile: z.string().min(1),
});
export type BrandInput = z.infer<typeof BrandInput>;

/** The four providers whose policies abusedesk is built from (../shared/seeds), with the ids of ARCHITECTURE.md. */
export const SEED_BRANDS: BrandInput[] = [
  {
    id: "x2com-nl",
    name: "X2com B.V.",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    languages: ["nl", "en"],
    abuseAddresses: ["abuse@x2com.nl"],
    policyProfile: "x2com-nl",
  },
  {
    id: "x2com-be",
    name: "X2com BV (België)",
    country: "BE",
    timeZone: "Europe/Brussels",
    languages: ["nl", "fr", "en"],
    abuseAddresses: ["abuse@x2com.be"],
    policyProfile: "x2com-be",
  },
  {
    id: "extin",
    name: "Extin",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    languages: ["nl", "en"],
    abuseAddresses: ["abuse@extin.eu"],
    policyProfile: "extin",
  },
  {
    id: "webxtra",
    name: "Web://Xtra",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    languages: ["nl", "en"],
    abuseAddresses: ["abuse@webxtra.nl", "support@webxtra.nl"],
    policyProfile: "webxtra",
  },
];

/** Creates or updates a brand and its abuse addresses (an address moves to the brand that names it last). */
export async function saveBrand(db: DB, by: Actor, input: BrandInput): Promise<void> {
  const b = BrandInput.parse(input);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("brands")
      .values({
        id: b.id,
        name: b.name,
        country: b.country,
        time_zone: b.timeZone,
        languages: b.languages,
        policy_profile: b.policyProfile,
      })
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({
          name: b.name,
          country: b.country,
          time_zone: b.timeZone,
          languages: b.languages,
          policy_profile: b.policyProfile,
        }),
      )
      .execute();
    for (const address of b.abuseAddresses) {
      await trx
        .insertInto("brand_addresses")
        .values({ address, brand_id: b.id })
        .onConflict((oc) => oc.column("address").doUpdateSet({ brand_id: b.id }))
        .execute();
    }
    await appendAudit(trx, {
      actor: by.name,
      action: "brand.save",
      subjectType: "brand",
      subjectId: b.id,
      details: b,
    });
  });
}

/** The brand's time zone (times people write without a zone are read in it), if the brand exists. */
export async function brandTimeZone(
  db: DB | Transaction<Database>,
  brandId: string | null,
): Promise<string | undefined> {
  if (!brandId) return undefined;
  const row = await db.selectFrom("brands").select("time_zone").where("id", "=", brandId).executeTakeFirst();
  return row?.time_zone;
}

export interface BrandView {
  id: string;
  name: string;
  country: "NL" | "BE";
  time_zone: string;
  languages: string[];
  policy_profile: string;
  abuse_addresses: string[];
}

export async function listBrands(db: DB, scope: BrandScope = EVERY_BRAND): Promise<BrandView[]> {
  const brands = await db
    .selectFrom("brands")
    .selectAll()
    .where(inBrandScope(scope, "brands.id"))
    .orderBy("id")
    .execute();
  const addresses = await db.selectFrom("brand_addresses").selectAll().orderBy("address").execute();
  return brands.map((b) => ({
    id: b.id,
    name: b.name,
    country: b.country,
    time_zone: b.time_zone,
    languages: b.languages,
    policy_profile: b.policy_profile,
    abuse_addresses: addresses.filter((a) => a.brand_id === b.id).map((a) => a.address),
  }));
}

const BrandView = z.object({
  id: z.string(),
  name: z.string(),
  country: z.enum(["NL", "BE"]),
  time_zone: z.string(),
  languages: z.array(z.string()),
  policy_profile: z.string(),
  abuse_addresses: z.array(z.string()),
});

export const brandsApi: RouteModule = (app, { db }) => {
  app.get(
    "/api/v1/brands",
    {
      config: { ability: "read" },
      schema: {
        tags: ["brands"],
        response: { 200: z.object({ items: z.array(BrandView), next_cursor: z.null(), total: z.number() }) },
      },
    },
    async (req) => {
      const items = await listBrands(db, actorOf(req).brands);
      return { items, next_cursor: null, total: items.length };
    },
  );
};
