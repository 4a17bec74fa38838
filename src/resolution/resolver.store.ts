/**
 * What the resolver reads and writes: the inventory snapshot an index is built from, the change log it
 * follows, and the resolution written onto events — set-based, one statement per batch.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../db/schema.ts";
import { STORED_EVENT_COLUMNS, type StoredEventRow, storedEventOf } from "../events/event.store.ts";
import type { StoredEvent } from "../pipeline.ts";
import type { Assignment, ProviderRange, ResourceKind } from "./types.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** The channel every inventory change is announced on (delivered at commit). */
export const INVENTORY_CHANNEL = "abusedesk_inventory";

export interface InventorySnapshot {
  /** The last change the snapshot includes. */
  seq: number;
  assignments: Assignment[];
  ranges: ProviderRange[];
  /** Brand id → country, to read national phone numbers of that brand's events. */
  brandCountries: Map<string, "NL" | "BE">;
}

const PAGE = 100_000;

/**
 * Everything an index is built from. The change seq is read first: a change committed while the
 * resources are read is then in both the snapshot and the log after `seq`, and applying it again is
 * harmless (the resolver's apply is idempotent), whereas reading seq last could skip one.
 */
export async function loadInventorySnapshot(db: Db): Promise<InventorySnapshot> {
  const seq = await currentChangeSeq(db);
  const assignments: Assignment[] = [];
  let after = 0;
  for (;;) {
    // epoch milliseconds as float8: a million Date parses from text cost seconds
    const { rows } = await sql<{
      id: number;
      customer_id: string;
      kind: ResourceKind;
      value: string;
      f: number;
      t: number | null;
    }>`select id, customer_id, kind, value,
              extract(epoch from valid_from)::float8 * 1000 as f,
              extract(epoch from valid_to)::float8 * 1000 as t
         from resources where id > ${after} order by id limit ${PAGE}`.execute(db);
    for (const r of rows) {
      assignments.push({
        id: String(r.id),
        customerId: r.customer_id,
        kind: r.kind,
        value: r.value,
        validFrom: new Date(r.f),
        validTo: r.t === null ? null : new Date(r.t),
      });
    }
    if (rows.length < PAGE) break;
    after = Number(rows.at(-1)!.id);
  }
  const ranges = await db
    .selectFrom("brand_ranges")
    .select(["brand_id as brand", sql<string>`cidr::text`.as("cidr")])
    .orderBy("id")
    .execute();
  const brands = await db.selectFrom("brands").select(["id", "country"]).execute();
  return { seq, assignments, ranges, brandCountries: new Map(brands.map((b) => [b.id, b.country])) };
}

export async function currentChangeSeq(db: Db): Promise<number> {
  const { rows } = await sql<{ seq: number }>`
    select coalesce(max(seq), 0)::bigint as seq from inventory_changes`.execute(db);
  return Number(rows[0]?.seq ?? 0);
}

export interface InventoryChange {
  seq: number;
  op: "add" | "end" | "ranges";
  assignment: Assignment | null;
}

/** Changes after `seq`, oldest first, each with the resource as it stands now; at most `limit`. */
export async function changesAfter(db: Db, seq: number, limit: number): Promise<InventoryChange[]> {
  const { rows } = await sql<{
    seq: number;
    op: "add" | "end" | "ranges";
    id: number | null;
    customer_id: string | null;
    kind: ResourceKind | null;
    value: string | null;
    valid_from: Date | null;
    valid_to: Date | null;
  }>`select c.seq, c.op, r.id, r.customer_id, r.kind, r.value, r.valid_from, r.valid_to
       from inventory_changes c left join resources r on r.id = c.resource_id
      where c.seq > ${seq} order by c.seq limit ${limit}`.execute(db);
  return rows.map((r) => ({
    seq: Number(r.seq),
    op: r.op,
    assignment:
      r.id === null
        ? null
        : {
            id: String(r.id),
            customerId: r.customer_id!,
            kind: r.kind!,
            value: r.value!,
            validFrom: r.valid_from!,
            validTo: r.valid_to,
          },
  }));
}

/** One event's outcome, as `writeResolutions` stores it. */
export interface ResolutionRow {
  id: number;
  customerId: string | null;
  resolution: "matched" | "not_ours" | "pending";
  /** The snapshot without the customer's name and brand (the statement adds those from `customers`). */
  detail: Record<string, unknown>;
  /** The brand whose range holds a not-ours address, used when the event has no brand yet. */
  rangeBrand: string | null;
}

/**
 * Writes outcomes onto events in one statement. The customer's name and brand go into the snapshot and
 * the customer's brand wins over the report's. `onlyUnmatched` (re-resolution) leaves an event that was
 * matched meanwhile alone. Answers each written event's id and brand.
 */
export async function writeResolutions(
  trx: Transaction<Database>,
  rows: readonly ResolutionRow[],
  opts: { onlyUnmatched?: boolean } = {},
): Promise<Map<number, string | null>> {
  const written = new Map<number, string | null>();
  if (rows.length === 0) return written;
  const ids: number[] = [];
  const customers: (string | null)[] = [];
  const resolutions: string[] = [];
  const details: string[] = [];
  const rangeBrands: (string | null)[] = [];
  for (const r of rows) {
    ids.push(r.id);
    customers.push(r.customerId);
    resolutions.push(r.resolution);
    details.push(JSON.stringify(r.detail));
    rangeBrands.push(r.rangeBrand);
  }
  const guard = opts.onlyUnmatched ? sql`and e.resolution <> 'matched'` : sql``;
  const { rows: out } = await sql<{ id: number; brand_id: string | null }>`
    update events e set
      customer_id = v.customer_id,
      resolution = v.resolution,
      brand_id = coalesce(c.brand_id, e.brand_id, v.range_brand),
      resolution_detail = case when c.id is null then v.detail::json
        else (v.detail || jsonb_build_object('customer_name', c.name, 'customer_brand', c.brand_id))::json end
    from unnest(${ids}::bigint[], ${customers}::text[], ${resolutions}::text[], ${details}::jsonb[],
                ${rangeBrands}::text[]) as v(id, customer_id, resolution, detail, range_brand)
      left join customers c on c.id = v.customer_id
    where e.id = v.id ${guard}
    returning e.id, e.brand_id`.execute(trx);
  for (const r of out) written.set(Number(r.id), r.brand_id);
  return written;
}

/**
 * Unresolved events (not ours, or pending) that new resources may now cover, locked for the caller's
 * transaction (others skip them): IP events inside one of the new prefixes, found through the
 * not-ours GiST index, and name events whose subject contains one of the new names (the index decides).
 */
export async function candidatesForResources(
  trx: Transaction<Database>,
  resourceIds: readonly number[],
  afterId: number,
  limit: number,
): Promise<StoredEvent[]> {
  if (resourceIds.length === 0) return [];
  const { rows } = await sql<StoredEventRow>`
    select ${STORED_EVENT_COLUMNS} from events e
     where e.id in (
       select e2.id from resources r join events e2
           on e2.resolution = 'not_ours' and e2.subject_ip is not null and e2.subject_ip <<= r.ip
        where r.id = any(${resourceIds as number[]}::bigint[]) and r.kind = 'ip'
       union
       select e2.id from resources r join events e2
           on e2.resolution = 'not_ours' and e2.subject_ip is null
          and position(r.value in lower(concat_ws(' ', e2.subject_url, e2.subject_domain, e2.subject_email,
                                                  regexp_replace(e2.subject_phone, '[^0-9+]', '', 'g')))) > 0
        where r.id = any(${resourceIds as number[]}::bigint[]) and r.kind <> 'ip'
       union
       select e2.id from events e2 where e2.resolution = 'pending' and e2.report_id in (
         select id from reports where state <> 'processing')
     ) and e.id > ${afterId}
     order by e.id limit ${limit}
     for update of e skip locked`.execute(trx);
  return rows.map(storedEventOf);
}

/** Unresolved events received since `since`, after id `afterId`, a page at a time (`reresolve`). */
export async function unresolvedEvents(
  trx: Transaction<Database>,
  opts: { since: Date | null; afterId: number; limit: number },
): Promise<StoredEvent[]> {
  const since = opts.since ? sql`and e.received_at >= ${opts.since}` : sql``;
  const { rows } = await sql<StoredEventRow>`
    select ${STORED_EVENT_COLUMNS} from events e
     where e.id > ${opts.afterId} and e.resolution <> 'matched' ${since}
       and not exists (select 1 from reports p where p.id = e.report_id and p.state = 'processing')
     order by e.id limit ${opts.limit}
     for update of e skip locked`.execute(trx);
  return rows.map(storedEventOf);
}

/** Name and brand of customers, for the resolution snapshot. */
export async function customersByIds(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, { name: string; brand_id: string }>> {
  if (ids.length === 0) return new Map();
  // One array parameter, not one parameter per id: a feed names thousands of customers (the protocol
  // allows 65,535 parameters a statement).
  const rows = await db
    .selectFrom("customers")
    .select(["id", "name", "brand_id"])
    .where(sql<boolean>`id = any(${[...ids]}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, brand_id: r.brand_id }]));
}

/** Links re-resolved events to the cases grouping put them in (null: no case). */
export async function setEventCases(
  trx: Transaction<Database>,
  events: readonly { id: number }[],
  caseIds: readonly (number | null)[],
): Promise<void> {
  const pairs = events.flatMap((e, i) => (caseIds[i] == null ? [] : [[e.id, caseIds[i]!] as const]));
  if (pairs.length === 0) return;
  await sql`
    update events e set case_id = v.case_id
    from unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[]) as v(id, case_id)
    where e.id = v.id`.execute(trx);
}
