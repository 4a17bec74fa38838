import { type Kysely, sql } from "kysely";

/**
 * Events in monthly partitions (issue 9, SPEC C16): a large provider stores millions of feed events a day,
 * and the retention purge must drop a month (`drop table`, instant, no dead rows, no vacuum) instead of
 * deleting rows one by one. `events` becomes a table partitioned by range of `received_at` (when the desk
 * received the report, which is when the term starts):
 *
 *   - `events_pYYYYMM` holds one calendar month (UTC); src/db/partitions.ts makes them ahead of time;
 *   - `events_default` takes anything no month partition covers (a month not made yet, and the events the
 *     purge keeps because they are evidence in an open case or under an authority's hold), so that an
 *     insert never fails for want of a partition;
 *   - the events stored before this migration stay where they are, in `events_legacy`, attached as the
 *     partition of everything up to the end of their last month: no row is copied, however many there are.
 *
 * The primary key becomes (id, received_at): a partitioned table's unique keys must hold the partition key.
 * Ids still come from one identity, so `id` stays unique; nothing refers to an event by foreign key. The
 * statement-level reference checks of migration 0005 move to the partitioned table (they see the rows of
 * every partition).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table events rename to events_legacy;
drop trigger events_references_on_insert on events_legacy;
drop trigger events_references_on_update on events_legacy;
alter table events_legacy drop constraint events_pkey;
alter table events_legacy alter column id drop identity;
alter index events_report rename to events_legacy_report;
alter index events_case rename to events_legacy_case;
alter index events_customer rename to events_legacy_customer;
alter index events_pending rename to events_legacy_pending;
alter index events_not_ours_ip rename to events_legacy_not_ours_ip;
alter index events_not_ours_names rename to events_legacy_not_ours_names;
alter index events_rdap_pending rename to events_legacy_rdap_pending;

create table events (
  id bigint generated always as identity,
  report_id bigint not null,
  brand_id text,
  category text not null,
  kind text not null constraint events_kind_check check (kind in ('abuse', 'ntd', 'authority')),
  subject_ip inet,
  subject_port integer constraint events_subject_port_check check (subject_port between 0 and 65535),
  subject_url text,
  subject_domain text,
  subject_email text,
  subject_phone text,
  occurred_at timestamptz,
  received_at timestamptz not null,
  customer_id text,
  resolution text not null default 'pending'
    constraint events_resolution_check check (resolution in ('matched', 'not_ours', 'pending')),
  resolution_detail json,
  case_id bigint,
  details json not null default '{}',
  constraint events_check
    check (num_nonnulls(subject_ip, subject_url, subject_domain, subject_email, subject_phone) > 0),
  primary key (id, received_at)
) partition by range (received_at);
select setval(pg_get_serial_sequence('events', 'id'), coalesce((select max(id) from events_legacy), 0) + 1, false);

create index events_report on events (report_id, id);
create index events_case on events (case_id);
create index events_customer on events (customer_id, occurred_at);
create index events_pending on events (id) where resolution = 'pending';
create index events_not_ours_ip on events using gist (subject_ip inet_ops)
  where resolution = 'not_ours' and subject_ip is not null;
create index events_not_ours_names on events (id)
  where resolution = 'not_ours' and subject_ip is null;
create index events_rdap_pending on events (id)
  where resolution = 'not_ours' and (resolution_detail ->> 'abuse_contact_pending') = 'true';

create table events_default partition of events default;

create trigger events_references_on_insert after insert on events
  referencing new table as new_rows for each statement
  execute function check_references('report_id', 'reports', 'brand_id', 'brands', 'customer_id', 'customers',
    'case_id', 'cases');
create trigger events_references_on_update after update on events
  referencing new table as new_rows for each statement
  execute function check_references('report_id', 'reports', 'brand_id', 'brands', 'customer_id', 'customers',
    'case_id', 'cases');

do $$
declare
  last_at timestamptz;
begin
  select max(received_at) into last_at from events_legacy;
  if last_at is null then
    drop table events_legacy;
  else
    execute format('alter table events attach partition events_legacy for values from (minvalue) to (%L)',
      (date_trunc('month', last_at at time zone 'UTC') + interval '1 month') at time zone 'UTC');
  end if;
end $$;
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
