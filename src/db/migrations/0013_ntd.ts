import { type Kysely, sql } from "kysely";
import { FINISHED_STATES_SQL } from "../case-states.ts";

/**
 * Notice-and-takedown (SPEC C11, DSA arts. 16-23): notices as they were received (form, API, mail) with
 * their files, one procedure per notice and location (the case of that location), internal complaints
 * against decisions (art. 20), notifiers warned or suspended for misuse (art. 23), a trusted flagger's
 * notices leading the queue (art. 22: `cases.lead`), and the art. 18 flag (threat to life or safety).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table notices (
  id bigint generated always as identity primary key,
  reference text not null unique,
  brand_id text not null references brands(id),
  report_id bigint not null unique references reports(id),
  channel text not null check (channel in ('form', 'api', 'mail')),
  reporter_id bigint references reporters(id),
  notifier_name text,
  notifier_email text,
  notifier_role text,
  interest text,
  legal_ground text,
  category text not null,
  explanation text,
  locations text[] not null,
  unresolved text[] not null default '{}',
  good_faith boolean not null default false,
  anonymous boolean not null default false,
  trusted boolean not null default false,
  missing text[] not null default '{}',
  language text not null default 'en',
  received_at timestamptz not null,
  completed_at timestamptz,
  created_by text not null,
  created_by_user bigint references users(id)
);
create index notices_received on notices (received_at);
create index notices_reporter on notices (reporter_id, received_at);

create table notice_files (
  id bigint generated always as identity primary key,
  notice_id bigint not null references notices(id) on delete cascade,
  filename text not null,
  declared_type text,
  size integer not null,
  sha256 text not null,
  data bytea,
  created_at timestamptz not null default now()
);
create index notice_files_notice on notice_files (notice_id);

create table ntd_procedures (
  case_id bigint primary key references cases(id) on delete cascade,
  notice_id bigint not null references notices(id) on delete cascade,
  location text not null,
  state text not null check (state in
    ('received', 'incomplete', 'assessment', 'forwarded', 'reaction_forwarded', 'decided', 'lapsed')),
  state_since timestamptz not null default now(),
  forwarded_at timestamptz,
  reaction text,
  reaction_at timestamptz,
  rebuttal text,
  rebuttal_at timestamptz,
  decision text check (decision in ('upheld', 'to_court', 'rejected')),
  decision_basis text check (decision_basis in ('manifest', 'law', 'order', 'terms', 'assessment')),
  decision_reason text,
  decision_ground jsonb,
  manifestly_unfounded boolean not null default false,
  decided_at timestamptz,
  decided_by text,
  decided_by_user bigint references users(id),
  action_id bigint references actions(id),
  unique (notice_id, location)
);
create index ntd_procedures_notice on ntd_procedures (notice_id);
create index ntd_procedures_decided on ntd_procedures (decided_at) where decided_at is not null;

create table ntd_complaints (
  id bigint generated always as identity primary key,
  case_id bigint not null references ntd_procedures(case_id) on delete cascade,
  notice_id bigint not null references notices(id) on delete cascade,
  complainant text not null check (complainant in ('notifier', 'customer')),
  channel text not null check (channel in ('portal', 'api', 'mail')),
  text text not null,
  received_at timestamptz not null default now(),
  due_at timestamptz not null,
  recorded_by text not null,
  outcome text check (outcome in ('upheld', 'reversed', 'modified')),
  outcome_reason text,
  decided_at timestamptz,
  decided_by text,
  decided_by_user bigint references users(id)
);
create index ntd_complaints_case on ntd_complaints (case_id);
create index ntd_complaints_open on ntd_complaints (id) where decided_at is null;
create index ntd_complaints_received on ntd_complaints (received_at);

alter table reporters
  add column notices_warned_at timestamptz,
  add column notices_suspended_until timestamptz,
  add column notices_suspension_reason text;

create table case_threats (
  case_id bigint primary key references cases(id) on delete cascade,
  flagged_at timestamptz not null default now(),
  flagged_by text not null,
  flagged_by_user bigint references users(id),
  reason text not null,
  informed_at timestamptz,
  informed_by text,
  informed_by_user bigint references users(id),
  authority text,
  authority_reference text
);

-- A trusted flagger's notice leads the queue after orders and escalations (DSA art. 22).
alter table cases add column lead boolean not null default false;
drop index cases_open_queue;
drop index cases_all_queue;
drop index cases_brand_queue;
alter table cases drop column queue_rank;
alter table cases add column queue_rank smallint not null
  generated always as (case when priority = 0 then 0 when escalated then 1 when lead then 2 else 3 end) stored;
create index cases_open_queue on cases (queue_rank, next_due_at, priority, id)
  where state not in ${FINISHED_STATES_SQL};
create index cases_all_queue on cases (queue_rank, next_due_at, priority, id);
create index cases_brand_queue on cases (brand_id, queue_rank, next_due_at, priority, id);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
