import { type Kysely, sql } from "kysely";

/**
 * Intake: what a report needs to be processed exactly once by any worker (a retry time and an attempt count),
 * the hint it was submitted with (so a worker parses it as the API would have), the parser's warnings,
 * and where each IMAP mailbox was read up to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table reports
  add column parse_hint jsonb not null default '{}',
  add column warnings text[] not null default '{}',
  -- After a failed attempt, not again before this time.
  add column next_attempt_at timestamptz,
  add column last_error text,
  add column processed_at timestamptz;

-- The workers' queue: only reports still to be processed are in it.
create index reports_to_process on reports (id) where state = 'processing';

-- Feeds and organisations without an e-mail address are one reporter each, not one per report.
create unique index reporters_org on reporters (org) where email is null and org is not null;

-- Attempts are counted outside the processing transaction (which a crash rolls back), and without a
-- foreign key, whose check would wait for the processing transaction's row lock on the report.
create table report_attempts (
  report_id bigint primary key,
  attempts integer not null check (attempts > 0),
  last_started_at timestamptz not null default now()
);

create table imap_mailboxes (
  name text primary key,
  uid_validity bigint,
  last_uid bigint not null default 0,
  last_polled_at timestamptz,
  last_error text
);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
