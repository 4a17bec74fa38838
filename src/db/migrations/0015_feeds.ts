import { type Kysely, sql } from "kysely";

/**
 * Feeds of any size (src/intake/feeds.ts): a large file's bytes are stored as they come, in chunks of
 * bounded size (`report_chunks`), and processed in batches of rows, each batch its own transaction that
 * also moves the report's progress on (`report_progress`), so that a crash resumes from the last batch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table reports add column streamed boolean not null default false;
create table report_chunks (
  report_id bigint not null references reports(id) on delete cascade,
  seq integer not null check (seq >= 0),
  data bytea not null,
  primary key (report_id, seq)
);
create table report_progress (
  report_id bigint primary key references reports(id) on delete cascade,
  rows_done bigint not null default 0,
  events bigint not null default 0,
  rejected bigint not null default 0,
  updated_at timestamptz not null default now()
);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
