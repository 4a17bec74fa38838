/**
 * Importing an inventory file: one transaction that checks the file against what is stored, writes
 * customers and resources, records every change in the change log for the resolution indexes, announces
 * it (NOTIFY, delivered at commit) and writes one audit entry. Nothing is ever deleted.
 */
import { createHash } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { Actor } from "../auth/auth.store.ts";
import { brandInScope, describeScope } from "../auth/scope.ts";
import type { DB } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import type { Result } from "../errors.ts";
import { INVENTORY_CHANNEL } from "../resolution/resolver.store.ts";
import type { ResourceKind } from "../resolution/types.ts";
import {
  findOverlaps,
  type InventoryBrand,
  type InventoryError,
  type InventoryRow,
  parseInventoryCsv,
} from "./csv.ts";
import { planSync, type StoredResource, type SyncPlan } from "./sync-plan.ts";

type Trx = Transaction<Database>;

// Inventory writers take this lock: changes then commit in the order of their seq, so a process that
// has applied seq N has seen every change before it; and two imports never check overlaps at once.
const INVENTORY_LOCK = 0x696e7674; // "invt"

export async function lockInventory(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${INVENTORY_LOCK})`.execute(trx);
}

/** Records changes for the resolution indexes and announces them (PostgreSQL delivers at commit). */
export async function recordInventoryChanges(
  trx: Trx,
  op: "add" | "end" | "ranges",
  resourceIds: readonly number[] = [],
): Promise<void> {
  if (op === "ranges") {
    await trx.insertInto("inventory_changes").values({ op, resource_id: null }).execute();
  } else if (resourceIds.length > 0) {
    await sql`insert into inventory_changes (op, resource_id)
              select ${op}, unnest(${resourceIds as number[]}::bigint[])`.execute(trx);
  } else {
    return;
  }
  await sql`select pg_notify(${INVENTORY_CHANNEL}, (select max(seq)::text from inventory_changes))`.execute(
    trx,
  );
}

export interface ImportOptions {
  /** The file is the whole truth for one brand: what it no longer lists is closed. */
  sync?: boolean;
  /** Every row must be of this brand (and a sync is for it). */
  brand?: string | null;
  /** Allows a sync with an empty file (it closes everything current of the brand). */
  force?: boolean;
  filename?: string | null;
  now?: Date;
  /** Works out everything the import would do, answers it with `changes`, and stores nothing. */
  preview?: boolean;
}

/** How many changes of each kind a preview lists (the counts are always whole). */
export const PREVIEW_CHANGES = 200;

/** One change an import makes to a resource, as a preview shows it. */
export interface ResourceChange {
  change: "add" | "close" | "change_end";
  customer_id: string;
  kind: string;
  value: string;
  valid_from: string;
  /** The end after the import (null: still assigned). */
  valid_to: string | null;
  /** The end before it, for a change or a close. */
  was_valid_to?: string | null;
}

export interface ImportCounts {
  rows: number;
  brand: string | null;
  sync: boolean;
  customers_created: number;
  customers_updated: number;
  customers_unchanged: number;
  resources_added: number;
  resources_closed: number;
  resources_changed: number;
  resources_unchanged: number;
  /** The new resources, for re-resolution after commit. */
  added_ids: number[];
  /** A preview's changes, at most PREVIEW_CHANGES of each kind (none when the import was stored). */
  changes?: ResourceChange[];
}

/** Thrown inside the transaction to undo a preview, carrying what it found. */
class PreviewDone extends Error {
  constructor(readonly counts: ImportCounts) {
    super("preview: rolled back");
  }
}

export interface ImportRefusal {
  status: 400 | 409 | 422;
  message: string;
  problems: InventoryError[];
}

function refuse(status: ImportRefusal["status"], message: string, problems: InventoryError[] = []) {
  return { ok: false as const, error: { status, message, problems } };
}

const day = (d: Date | null) =>
  d === null
    ? "open"
    : d
        .toISOString()
        .replace(/T00:00:00\.000Z$/, "")
        .replace(/\.000Z$/, "Z");

export async function inventoryBrands(db: DB): Promise<InventoryBrand[]> {
  const rows = await db.selectFrom("brands").select(["id", "country", "time_zone"]).orderBy("id").execute();
  return rows.map((b) => ({ id: b.id, country: b.country, timeZone: b.time_zone }));
}

interface Stored extends StoredResource {
  brand: string;
}

async function storedResources(
  trx: Trx,
  rows: readonly InventoryRow[],
  brand: string | null,
): Promise<Stored[]> {
  const kinds = rows.map((r) => r.kind);
  const values = rows.map((r) => r.value);
  const byBrand = brand ? sql`or c.brand_id = ${brand}` : sql``;
  const { rows: found } = await sql<{
    id: number;
    customer_id: string;
    kind: ResourceKind;
    value: string;
    valid_from: Date;
    valid_to: Date | null;
    brand_id: string;
  }>`select r.id, r.customer_id, r.kind, r.value, r.valid_from, r.valid_to, c.brand_id
       from resources r join customers c on c.id = r.customer_id
      where (r.kind, r.value) in (select * from unnest(${kinds}::text[], ${values}::text[])) ${byBrand}`.execute(
    trx,
  );
  return found.map((r) => ({
    id: String(r.id),
    customerId: r.customer_id,
    kind: r.kind,
    value: r.value,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    brand: r.brand_id,
  }));
}

interface Period {
  customerId: string;
  kind: ResourceKind;
  value: string;
  validFrom: Date;
  validTo: Date | null;
  row: InventoryRow | null;
  stored: Stored | null;
}

/** Every pair of stored and imported periods that would give one resource two holders at once. */
function conflictsWithStored(plan: SyncPlan, stored: readonly Stored[], closeAll: boolean): InventoryError[] {
  const periods: Period[] = [];
  const settled = new Map<string, Period>();
  for (const { resource, row } of plan.unchanged) {
    settled.set(resource.id, { ...resource, row, stored: resource as Stored });
  }
  for (const { resource, row, validTo } of plan.changeEnd) {
    settled.set(resource.id, { ...resource, validTo, row, stored: resource as Stored });
  }
  if (closeAll) {
    for (const { resource, validTo } of plan.close) {
      settled.set(resource.id, { ...resource, validTo, row: null, stored: resource as Stored });
    }
  }
  for (const s of stored) periods.push(settled.get(s.id) ?? { ...s, row: null, stored: s });
  for (const row of plan.add) periods.push({ ...row, row, stored: null });

  const problems: InventoryError[] = [];
  for (const [a, b] of findOverlaps(periods)) {
    if (a.row === null && b.row === null) continue; // already so before this import
    if (a.row !== null && b.row !== null && a.stored === null && b.stored === null) continue; // the parser's
    const [mine, theirs] = a.row !== null && (b.row === null || b.stored !== null) ? [a, b] : [b, a];
    const row = mine.row!;
    const held = theirs.stored
      ? `the desk holds it for ${theirs.customerId} from ${day(theirs.validFrom)} to ${day(theirs.validTo)} (resource ${theirs.stored.id}${theirs.row ? `, row ${theirs.row.row}` : ""})`
      : `row ${theirs.row!.row} gives it to ${theirs.customerId} from ${day(theirs.validFrom)} to ${day(theirs.validTo)}`;
    const advice =
      mine.customerId === theirs.customerId
        ? "give the stored period's valid_from on this row, or end the stored period first"
        : `a resource has one holder at a time: end ${theirs.customerId}'s period first (import a row for ${theirs.customerId} with its valid_to), or start this one later`;
    problems.push({
      row: row.row,
      column: "value",
      message: `row ${row.row}, column value: ${row.value} for ${mine.customerId} from ${day(mine.validFrom)} to ${day(mine.validTo)} overlaps: ${held}; ${advice}`,
    });
  }
  return problems.sort((x, y) => x.row - y.row);
}

/** Imports an inventory file, whole or not at all. */
export async function importInventory(
  db: DB,
  actor: Actor,
  text: string | Uint8Array,
  opts: ImportOptions = {},
): Promise<Result<ImportCounts, ImportRefusal>> {
  const brands = await inventoryBrands(db);
  const brandIds = brands.map((b) => (typeof b === "string" ? b : b.id));
  if (opts.brand && (!brandIds.includes(opts.brand) || !brandInScope(actor.brands, opts.brand))) {
    return refuse(400, `there is no brand "${opts.brand}"; use one of ${brandIds.join(", ")}`);
  }
  const parsed = parseInventoryCsv(text, { brands });
  if (!parsed.ok) {
    return refuse(
      422,
      `the inventory file was refused, nothing was imported: ${parsed.error.length} problem(s)`,
      parsed.error,
    );
  }
  const rows = parsed.value;
  const fileBrands = [...new Set(rows.map((r) => r.brand))];
  const outside = fileBrands.filter((b) => !brandInScope(actor.brands, b));
  if (outside.length > 0) {
    return refuse(
      422,
      `the file has rows for ${outside.slice(0, 5).join(", ")}, outside your brands (${describeScope(actor.brands)}); nothing was imported`,
    );
  }
  let brand = opts.brand ?? null;
  if (brand) {
    const others = rows.filter((r) => r.brand !== brand);
    if (others.length > 0) {
      return refuse(
        422,
        `the inventory file was refused, nothing was imported: ${others.length} row(s) are not of brand ${brand}`,
        others.map((r) => ({
          row: r.row,
          column: "brand" as const,
          message: `row ${r.row}, column brand: \`${r.brand}\` is not the brand of this import (${brand}); import other brands' rows separately`,
        })),
      );
    }
  } else if (opts.sync) {
    if (fileBrands.length === 1) brand = fileBrands[0]!;
    else if (fileBrands.length === 0) {
      return refuse(400, "the file has no rows, so it names no brand; a sync needs --brand (or ?brand=)");
    } else {
      return refuse(
        400,
        `a sync is the whole truth for one brand, and this file has rows of ${fileBrands.join(", ")}; give --brand (?brand=) or split the file`,
      );
    }
  }
  const sync = opts.sync === true;
  const now = opts.now ?? new Date();

  const stored = db.transaction().execute(async (trx) => {
    await lockInventory(trx);
    if (sync && rows.length === 0 && !opts.force) {
      const { n } = await trx
        .selectFrom("resources as r")
        .innerJoin("customers as c", "c.id", "r.customer_id")
        .where("c.brand_id", "=", brand!)
        .where((eb) => eb.or([eb("r.valid_to", "is", null), eb("r.valid_to", ">", now)]))
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return refuse(
        409,
        `the file has no rows: a sync with it would close all ${Number(n)} current resource(s) of ${brand}. If that is what you want, repeat with --force (?force=true)`,
      );
    }

    const stored = await storedResources(trx, rows, sync ? brand : null);
    const plans: SyncPlan[] = [];
    for (const b of sync ? [brand!] : fileBrands) {
      const existing = stored.filter((s) => (sync ? s.brand === b : true));
      const plan = planSync(b, existing, sync ? rows : rows.filter((r) => r.brand === b), now);
      if (!sync) plan.close = [];
      plans.push(plan);
    }
    const merged: SyncPlan = {
      brand: brand ?? "",
      add: plans.flatMap((p) => p.add),
      close: plans.flatMap((p) => p.close),
      changeEnd: plans.flatMap((p) => p.changeEnd),
      unchanged: plans.flatMap((p) => p.unchanged),
      otherBrands: [],
    };
    const problems = conflictsWithStored(merged, stored, sync);
    if (problems.length > 0) {
      return refuse(
        409,
        `the inventory file was refused, nothing was imported: ${problems.length} row(s) conflict with the stored inventory`,
        problems,
      );
    }

    const customers = await saveCustomers(trx, rows);
    const add = plans.flatMap((p) => p.add);
    const addedIds = await insertResources(trx, add);
    const ends = [
      ...plans.flatMap((p) =>
        p.close.map((c) => ({ id: Number(c.resource.id), validTo: c.validTo as Date | null })),
      ),
      ...plans.flatMap((p) => p.changeEnd.map((c) => ({ id: Number(c.resource.id), validTo: c.validTo }))),
    ];
    await setEnds(trx, ends);
    await recordInventoryChanges(trx, "add", addedIds);
    await recordInventoryChanges(
      trx,
      "end",
      ends.map((e) => e.id),
    );

    const counts: ImportCounts = {
      rows: rows.length,
      brand,
      sync,
      ...customers,
      resources_added: addedIds.length,
      resources_closed: plans.reduce((n, p) => n + p.close.length, 0),
      resources_changed: plans.reduce((n, p) => n + p.changeEnd.length, 0),
      resources_unchanged: plans.reduce((n, p) => n + p.unchanged.length, 0),
      added_ids: addedIds,
    };
    if (opts.preview) {
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      counts.changes = [
        ...add.slice(0, PREVIEW_CHANGES).map((r) => ({
          change: "add" as const,
          customer_id: r.customerId,
          kind: r.kind,
          value: r.value,
          valid_from: r.validFrom.toISOString(),
          valid_to: iso(r.validTo),
        })),
        ...plans
          .flatMap((p) => p.close)
          .slice(0, PREVIEW_CHANGES)
          .map((c) => ({
            change: "close" as const,
            customer_id: c.resource.customerId,
            kind: c.resource.kind,
            value: c.resource.value,
            valid_from: c.resource.validFrom.toISOString(),
            valid_to: iso(c.validTo),
            was_valid_to: iso(c.resource.validTo),
          })),
        ...plans
          .flatMap((p) => p.changeEnd)
          .slice(0, PREVIEW_CHANGES)
          .map((c) => ({
            change: "change_end" as const,
            customer_id: c.resource.customerId,
            kind: c.resource.kind,
            value: c.resource.value,
            valid_from: c.resource.validFrom.toISOString(),
            valid_to: iso(c.validTo),
            was_valid_to: iso(c.resource.validTo),
          })),
      ];
      counts.added_ids = [];
      throw new PreviewDone(counts);
    }
    const { added_ids: _ids, ...summary } = counts;
    await appendAudit(trx, {
      actor: actor.name,
      action: sync ? "inventory.sync" : "inventory.import",
      subjectType: "inventory",
      subjectId: brand,
      details: {
        ...summary,
        filename: opts.filename ?? null,
        sha256: createHash("sha256").update(text).digest("hex"),
      },
    });
    return { ok: true as const, value: counts };
  });
  // A preview did all of it inside the transaction, then undid it by throwing what it found.
  return stored.catch((err: unknown) => {
    if (err instanceof PreviewDone) return { ok: true as const, value: err.counts };
    throw err;
  });
}

async function saveCustomers(
  trx: Trx,
  rows: readonly InventoryRow[],
): Promise<Pick<ImportCounts, "customers_created" | "customers_updated" | "customers_unchanged">> {
  const wanted = new Map<string, InventoryRow>();
  for (const r of rows) if (!wanted.has(r.customerId)) wanted.set(r.customerId, r);
  const ids = [...wanted.keys()];
  const existing = new Map<string, { name: string; brand_id: string; contact_emails: string[] }>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const found = await trx
      .selectFrom("customers")
      .select(["id", "name", "brand_id", "contact_emails"])
      .where("id", "in", ids.slice(i, i + 5_000))
      .execute();
    for (const c of found) existing.set(c.id, c);
  }
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  const fresh: InventoryRow[] = [];
  const changed: InventoryRow[] = [];
  for (const [id, r] of wanted) {
    const c = existing.get(id);
    if (!c) {
      fresh.push(r);
      created++;
    } else if (
      c.name !== r.customerName ||
      c.brand_id !== r.brand ||
      c.contact_emails.join(";") !== r.contactEmails.join(";")
    ) {
      changed.push(r);
      updated++;
    } else {
      unchanged++;
    }
  }
  for (let i = 0; i < fresh.length; i += 2_000) {
    await trx
      .insertInto("customers")
      .values(
        fresh.slice(i, i + 2_000).map((r) => ({
          id: r.customerId,
          brand_id: r.brand,
          name: r.customerName,
          contact_emails: r.contactEmails,
        })),
      )
      .execute();
  }
  if (changed.length > 0) {
    await sql`update customers c set name = v.name, brand_id = v.brand, contact_emails = string_to_array(v.contacts, ';'),
                     updated_at = now()
                from unnest(${changed.map((r) => r.customerId)}::text[], ${changed.map((r) => r.customerName)}::text[],
                            ${changed.map((r) => r.brand)}::text[], ${changed.map((r) => r.contactEmails.join(";"))}::text[])
                  as v(id, name, brand, contacts)
               where c.id = v.id`.execute(trx);
  }
  return { customers_created: created, customers_updated: updated, customers_unchanged: unchanged };
}

async function insertResources(trx: Trx, rows: readonly InventoryRow[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    const { rows: out } = await sql<{ id: number }>`
      insert into resources (customer_id, kind, value, ip, valid_from, valid_to)
      select v.customer_id, v.kind, v.value, case when v.kind = 'ip' then v.value::cidr end, v.valid_from, v.valid_to
        from unnest(${chunk.map((r) => r.customerId)}::text[], ${chunk.map((r) => r.kind)}::text[],
                    ${chunk.map((r) => r.value)}::text[], ${chunk.map((r) => r.validFrom)}::timestamptz[],
                    ${chunk.map((r) => r.validTo)}::timestamptz[])
          with ordinality as v(customer_id, kind, value, valid_from, valid_to, n)
       order by v.n
      returning id`.execute(trx);
    for (const r of out) ids.push(Number(r.id));
  }
  return ids;
}

async function setEnds(trx: Trx, ends: ReadonlyArray<{ id: number; validTo: Date | null }>): Promise<void> {
  if (ends.length === 0) return;
  await sql`update resources r set valid_to = v.valid_to
              from unnest(${ends.map((e) => e.id)}::bigint[], ${ends.map((e) => e.validTo)}::timestamptz[])
                as v(id, valid_to)
             where r.id = v.id`.execute(trx);
}
