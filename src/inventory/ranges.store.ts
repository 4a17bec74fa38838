/** The address space each brand holds itself (its RIPE allocations): "not ours" says whether it is ours at all. */
import { sql } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { type BrandScope, brandInScope, EVERY_BRAND, inBrandScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import { fail, ok, type Result } from "../errors.ts";
import { readPrefix } from "../resolution/ip.ts";
import { lockInventory, recordInventoryChanges } from "./inventory.store.ts";

export interface BrandRange {
  id: number;
  brand_id: string;
  cidr: string;
  note: string | null;
  created_at: Date;
}

export async function listBrandRanges(
  db: DB,
  brand?: string,
  scope: BrandScope = EVERY_BRAND,
): Promise<BrandRange[]> {
  let q = db
    .selectFrom("brand_ranges")
    .select(["id", "brand_id", sql<string>`cidr::text`.as("cidr"), "note", "created_at"])
    .where(inBrandScope(scope, "brand_ranges.brand_id"));
  if (brand) q = q.where("brand_id", "=", brand);
  return q.orderBy("brand_id").orderBy("cidr").execute();
}

/** Adds a range; adding one that the brand has already is no change. */
export async function addBrandRange(
  db: DB,
  by: Actor,
  brand: string,
  cidr: string,
  note: string | null = null,
): Promise<Result<{ range: BrandRange; created: boolean }>> {
  const read = readPrefix(cidr.trim(), { strictMapped: true });
  if (!read.ok) return fail(422, read.problem);
  const text = read.prefix.text;
  const known = await db.selectFrom("brands").select("id").where("id", "=", brand).executeTakeFirst();
  if (!known || !brandInScope(by.brands, brand)) return fail(422, `there is no brand "${brand}"`);
  return db.transaction().execute(async (trx) => {
    await lockInventory(trx);
    const existing = await trx
      .selectFrom("brand_ranges")
      .select(["id", "brand_id", sql<string>`cidr::text`.as("cidr"), "note", "created_at"])
      .where(sql<boolean>`cidr = ${text}::cidr`)
      .executeTakeFirst();
    if (existing) {
      if (existing.brand_id !== brand) {
        return fail(409, `${text} is a range of ${existing.brand_id} already; remove it there first`);
      }
      return ok({ range: existing, created: false });
    }
    const range = await trx
      .insertInto("brand_ranges")
      .values({ brand_id: brand, cidr: text, note })
      .returning(["id", "brand_id", sql<string>`cidr::text`.as("cidr"), "note", "created_at"])
      .executeTakeFirstOrThrow();
    await recordInventoryChanges(trx, "ranges");
    await appendAudit(trx, {
      actor: by.name,
      action: "inventory.range.add",
      subjectType: "brand",
      subjectId: brand,
      details: { cidr: text, note },
    });
    return ok({ range, created: true });
  });
}

export async function removeBrandRange(db: DB, by: Actor, id: number): Promise<Result<BrandRange>> {
  return db.transaction().execute(async (trx) => {
    await lockInventory(trx);
    const removed = await trx
      .deleteFrom("brand_ranges")
      .where("id", "=", id)
      .where(inBrandScope(by.brands, "brand_id"))
      .returning(["id", "brand_id", sql<string>`cidr::text`.as("cidr"), "note", "created_at"])
      .executeTakeFirst();
    if (!removed) return fail(404, `there is no brand range ${id}`);
    await recordInventoryChanges(trx, "ranges");
    await appendAudit(trx, {
      actor: by.name,
      action: "inventory.range.remove",
      subjectType: "brand",
      subjectId: removed.brand_id,
      details: { cidr: removed.cidr },
    });
    return ok(removed);
  });
}
