import { type Kysely, sql } from "kysely";

/**
 * The raw bytes of feeds in monthly partitions (issue 9; src/db/partitions.ts), as events are since 0018:
 * a large provider's feeds are gigabytes a day, and the retention purge drops a month of chunks instead of
 * deleting them row by row (each an 8 MB value whose TOAST rows would wait for vacuum). `report_chunks`
 * gains `received_at` (its report's) and becomes partitioned by it: `report_chunks_pYYYYMM`,
 * `report_chunks_default`, and the chunks stored before this migration in `report_chunks_legacy`, attached
 * as they are. The key becomes (report_id, seq, received_at).
 *
 * Mails' raw bytes stay in `reports.raw`: a report row is the record of what arrived (its SHA-256 and size
 * outlive the bytes) and is referred to by cases, notices, orders and messages, so it is never dropped; the
 * purge replaces a mail's bytes by a tombstone in batches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table report_chunks rename to report_chunks_legacy;
alter table report_chunks_legacy drop constraint report_chunks_pkey;
alter table report_chunks_legacy add column received_at timestamptz;
update report_chunks_legacy k set received_at = r.received_at from reports r where r.id = k.report_id;
alter table report_chunks_legacy alter column received_at set not null;

create table report_chunks (
  report_id bigint not null references reports(id) on delete cascade,
  seq integer not null constraint report_chunks_seq_check check (seq >= 0),
  data bytea not null,
  received_at timestamptz not null,
  primary key (report_id, seq, received_at)
) partition by range (received_at);
create table report_chunks_default partition of report_chunks default;

do $$
declare
  last_at timestamptz;
begin
  select max(received_at) into last_at from report_chunks_legacy;
  if last_at is null then
    drop table report_chunks_legacy;
  else
    execute format(
      'alter table report_chunks attach partition report_chunks_legacy for values from (minvalue) to (%L)',
      (date_trunc('month', last_at at time zone 'UTC') + interval '1 month') at time zone 'UTC');
  end if;
end $$;
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
