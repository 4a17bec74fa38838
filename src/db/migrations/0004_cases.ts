import { type Kysely, sql } from "kysely";
import { FINISHED_STATES_SQL } from "../case-states.ts";

/**
 * Cases beyond the initial model: the subjects a case is about (a Shadowserver case lists thousands of
 * hosts), the facts an agent judged (serious, known offender, opt-in proof, ...), the earliest open
 * deadline kept on the case for the queue's order, grouping windows per brand and category, and the
 * supervisor notifications that escalation records for the communication part to send.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table cases
  add column facts jsonb not null default '{}',
  -- The earliest deadline not yet met; 'infinity' when none runs, so that the queue's keyset order has no nulls.
  add column next_due_at timestamptz not null default 'infinity',
  add column subject_count integer not null default 0 check (subject_count >= 0);

-- The default queue: open cases, what is due first, then priority.
create index cases_open_due on cases (next_due_at, priority, id)
  where state not in ${FINISHED_STATES_SQL};
create index cases_all_due on cases (next_due_at, priority, id);
create index cases_brand_due on cases (brand_id, next_due_at, priority, id);
create index cases_merged_into on cases (merged_into) where merged_into is not null;

create table case_subjects (
  case_id bigint not null references cases(id) on delete cascade,
  kind text not null check (kind in ('ip', 'url', 'domain', 'email', 'phone')),
  value text not null,
  event_count integer not null default 0 check (event_count >= 0),
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  primary key (case_id, kind, value)
);

-- How long a case stays the one new events join: after this many days without events, new ones open a
-- new case. category '*' is the brand's default; no row at all means 30 days.
create table case_windows (
  brand_id text not null references brands(id) on delete cascade,
  category text not null,
  window_days integer not null check (window_days between 1 and 3650),
  primary key (brand_id, category)
);

-- Escalations to a supervisor, written in the transaction that escalates; the job that delivers one is
-- queued after commit (queued_at), and the sweep queues again what a crash left unqueued.
create table case_notifications (
  id bigint generated always as identity primary key,
  case_id bigint not null references cases(id) on delete cascade,
  deadline_id bigint references case_deadlines(id) on delete set null,
  kind text not null check (kind in ('supervisor_escalation')),
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  queued_at timestamptz,
  sent_at timestamptz
);
create index case_notifications_unqueued on case_notifications (id) where queued_at is null;

alter table actions add column approved_at timestamptz;
create index actions_awaiting on actions (case_id) where state = 'awaiting_approval';
create index case_deadlines_open_due on case_deadlines (due_at)
  where met_at is null and escalated_at is null;
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
