/**
 * `inventory import --sync`: the file is the whole truth for one brand. Pure planning; the store carries
 * the plan out in one transaction. Nothing is ever deleted: what the file no longer holds is closed
 * (valid_to = now), so the history of who held what stays and old events keep resolving.
 */
import type { ResourceKind } from "../resolution/types.ts";
import type { InventoryRow } from "./csv.ts";

/** A resource as the store holds it. */
export interface StoredResource {
  id: string;
  customerId: string;
  kind: ResourceKind;
  value: string;
  validFrom: Date;
  validTo: Date | null;
}

export interface SyncPlan {
  brand: string;
  /** Rows to insert as new resources. */
  add: InventoryRow[];
  /** Current resources the file no longer lists: end them at `validTo` (now, or their start if that lies ahead). */
  close: Array<{ resource: StoredResource; validTo: Date }>;
  /** Resources the file lists with another end: set valid_to to the file's. */
  changeEnd: Array<{ resource: StoredResource; row: InventoryRow; validTo: Date | null }>;
  unchanged: Array<{ resource: StoredResource; row: InventoryRow }>;
  /** Rows of other brands: a sync is for one brand, so the caller refuses the file or leaves these out. */
  otherBrands: InventoryRow[];
}

const key = (r: { customerId: string; kind: ResourceKind; value: string }) =>
  `${r.customerId}\u0000${r.kind}\u0000${r.value}`;

const same = (a: Date | null, b: Date | null) =>
  a === null ? b === null : b !== null && a.getTime() === b.getTime();

/**
 * Plans a sync of `brand`. `existing` is what the store holds for the brand (at least the current
 * resources; past ones let history rows in the file be recognised instead of added again).
 * A row is the same resource as a stored one when customer, kind, value and valid_from agree; a row
 * still current also matches the stored current resource of the same customer, kind and value whatever
 * its valid_from (the store's start date stands: it is history, and the file may have been written
 * later). A row that matches nothing is added.
 */
export function planSync(
  brand: string,
  existing: readonly StoredResource[],
  rows: readonly InventoryRow[],
  now: Date,
): SyncPlan {
  const plan: SyncPlan = { brand, add: [], close: [], changeEnd: [], unchanged: [], otherBrands: [] };
  const t = now.getTime();
  const isCurrent = (r: { validTo: Date | null }) => r.validTo === null || r.validTo.getTime() > t;
  const used = new Set<StoredResource>();
  const byKey = new Map<string, StoredResource[]>();
  for (const resource of existing) {
    const k = key(resource);
    const list = byKey.get(k);
    if (list) list.push(resource);
    else byKey.set(k, [resource]);
  }

  const settle = (resource: StoredResource, row: InventoryRow) => {
    used.add(resource);
    if (same(resource.validTo, row.validTo)) plan.unchanged.push({ resource, row });
    else plan.changeEnd.push({ resource, row, validTo: row.validTo });
  };

  const mine = rows.filter((row) => {
    if (row.brand === brand) return true;
    plan.otherBrands.push(row);
    return false;
  });
  const pending: InventoryRow[] = [];
  // exact matches first, so that a current row does not take a stored resource another row names exactly
  for (const row of mine) {
    const exact = byKey
      .get(key(row))
      ?.find((r) => !used.has(r) && r.validFrom.getTime() === row.validFrom.getTime());
    if (exact) settle(exact, row);
    else pending.push(row);
  }
  for (const row of pending) {
    const current = isCurrent(row)
      ? byKey.get(key(row))?.find((r) => !used.has(r) && isCurrent(r))
      : undefined;
    if (current) settle(current, row);
    else plan.add.push(row);
  }
  for (const resource of existing) {
    if (used.has(resource) || !isCurrent(resource)) continue;
    // one that has not begun yet ends where it begins: an empty period, kept as a record
    const validTo = resource.validFrom.getTime() > t ? resource.validFrom : now;
    plan.close.push({ resource, validTo });
  }
  return plan;
}
