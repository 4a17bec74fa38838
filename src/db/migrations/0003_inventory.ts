import { type Kysely, sql } from "kysely";

/**
 * Inventory and resolution beyond the initial model:
 * - `inventory_changes`: one row per resource added or whose end changed, written in the transaction
 *   that made the change; every process's resolution index follows this log (see docs/inventory.md).
 * - `brand_ranges`: the address space each brand holds itself, so "not ours" can say whether the address
 *   is in our space (unassigned) or someone else's network.
 * - `customer_verifications`: know-your-customer records (abuse policy §9, SPEC C13).
 * - `rdap_networks`: a cache of RDAP answers (the abuse contact of networks that are not ours).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table inventory_changes (
  seq bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- add: a new resource; end: its valid_to changed; ranges: the brand ranges changed (processes rebuild)
  op text not null check (op in ('add', 'end', 'ranges')),
  resource_id bigint references resources(id),
  check ((op = 'ranges') = (resource_id is null))
);

-- A sync closes a resource that has not begun yet where it begins: an empty period, kept as a record.
do $$
declare c text;
begin
  for c in select conname from pg_constraint
            where conrelid = 'resources'::regclass and contype = 'c'
              and pg_get_constraintdef(oid) like '%valid_to > valid_from%' loop
    execute format('alter table resources drop constraint %I', c);
  end loop;
end $$;
alter table resources add constraint resources_period check (valid_to is null or valid_to >= valid_from);

-- Stored resources are compared by kind and value (overlap checks, sync).
create index resources_brand_lookup on resources (customer_id, kind, value);

create table brand_ranges (
  id bigint generated always as identity primary key,
  brand_id text not null references brands(id) on delete cascade,
  cidr cidr not null unique,
  note text,
  created_at timestamptz not null default now()
);

create table customer_verifications (
  id bigint generated always as identity primary key,
  customer_id text not null references customers(id) on delete cascade,
  method text not null check (method in
    ('kvk_kbo', 'id_document', 'lei', 'bank_payment', 'domain_whois', 'high_risk_check')),
  -- passed: checked and in order; failed: checked and not in order; flagged: a high-risk finding
  result text not null check (result in ('passed', 'failed', 'flagged')),
  verified_at timestamptz not null,
  verified_by text not null,
  reference text,
  note text,
  valid_until timestamptz,
  created_at timestamptz not null default now(),
  check (valid_until is null or valid_until > verified_at)
);
create index customer_verifications_customer on customer_verifications (customer_id, verified_at);

create table rdap_networks (
  id bigint generated always as identity primary key,
  -- first and last address of the network RDAP answered for (host addresses, /32 or /128)
  first_ip inet not null,
  last_ip inet not null,
  handle text,
  name text,
  abuse_email text,
  -- set when the lookup failed (timeout, 404, ...): a short-lived negative answer
  error text,
  fetched_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index rdap_networks_range on rdap_networks (first_ip, last_ip);

-- Re-resolution after an import looks for not-ours events inside the new prefixes; matched events
-- (the bulk) stay out of this index, so intake does not pay for it.
create index events_not_ours_ip on events using gist (subject_ip inet_ops)
  where resolution = 'not_ours' and subject_ip is not null;
create index events_not_ours_names on events (id)
  where resolution = 'not_ours' and subject_ip is null;
-- Events waiting for their network's abuse contact (RDAP).
create index events_rdap_pending on events (id)
  where resolution = 'not_ours' and (resolution_detail ->> 'abuse_contact_pending') = 'true';
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
