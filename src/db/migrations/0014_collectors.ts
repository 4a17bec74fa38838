import { type Kysely, sql } from "kysely";

/**
 * Reports fetched by a collector (the Shadowserver Reports API, src/intake/shadowserver-api.ts): each
 * source's report id, claimed before it is fetched and recorded with the report it became, so that it is
 * fetched once. Reports get the channel `collector`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table collected_reports (
  source text not null,
  external_id text not null,
  claimed_at timestamptz not null default now(),
  report_id bigint references reports(id),
  file text,
  collected_at timestamptz,
  primary key (source, external_id)
);
alter table reports drop constraint reports_channel_check;
alter table reports add constraint reports_channel_check
  check (channel in ('smtp', 'imap', 'file', 'api', 'form', 'authority', 'collector'));
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
