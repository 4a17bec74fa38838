import { type Kysely, sql } from "kysely";
import { FINISHED_STATES_SQL } from "../case-states.ts";

/**
 * Measures that happen and can be undone, authority orders, and escalations that reach people (SPEC C10,
 * C12): the whole lifecycle of an action, the calls to connectors with their fixed idempotency keys, the
 * entries the file connectors (RPZ, null routes) keep, orders with their data provisions and holds, and
 * the supervisors' notification list. The queue puts orders first, then escalated cases.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table orders (
  id bigint generated always as identity primary key,
  authority text not null check (authority in
    ('police', 'public_prosecutor', 'court', 'atkm', 'offlimits', 'tco_authority', 'other')),
  reference text not null check (length(reference) between 1 and 500),
  received_at timestamptz not null,
  legal_basis text not null check (length(legal_basis) between 1 and 2000),
  subjects text[] not null,
  requested text[] not null check (cardinality(requested) > 0),
  category text not null,
  -- The deadline the order states (if any), and the one the desk keeps: from the law or from the order.
  stated_deadline_at timestamptz,
  due_at timestamptz not null,
  deadline_source text not null,
  gag boolean not null default false,
  contact jsonb not null default '{}',
  -- The report that records the order's receipt: made for it, or the mail a person recognised as an order.
  report_id bigint not null unique references reports(id),
  -- Subjects no customer of ours held: the authority is told they are not ours.
  unresolved text[] not null default '{}',
  created_by text not null,
  created_by_user bigint references users(id),
  created_at timestamptz not null default now(),
  -- When the last measure the order demands was done (proof of execution).
  executed_at timestamptz
);

alter table actions drop constraint actions_state_check;
alter table actions add constraint actions_state_check check (state in
  ('pending', 'awaiting_approval', 'approved', 'executing', 'done', 'failed', 'refused', 'cancelled', 'undone'));
alter table actions
  add column order_id bigint references orders(id),
  -- A lasting measure is lifted automatically at this moment (the profile's term), if it has one.
  add column lift_at timestamptz,
  add column undone_at timestamptz,
  -- Who refused or cancelled it, and why.
  add column closed_at timestamptz,
  add column closed_by text,
  add column closed_by_user bigint references users(id),
  add column closed_reason text;
create index actions_list on actions (id desc);
create index actions_state on actions (state, id desc);
create index actions_order on actions (order_id) where order_id is not null;
create index actions_lift_due on actions (lift_at) where state = 'done' and lift_at is not null;

-- One call per action to carry it out, and one to undo it. The idempotency key is fixed when the call is
-- made (the step approved, or taken without approval); every attempt sends it and the same body.
create table measure_calls (
  id bigint generated always as identity primary key,
  action_id bigint not null references actions(id) on delete cascade,
  undo boolean not null default false,
  idempotency_key uuid not null unique,
  -- null: no connector carries the step out; a person does it and marks it done.
  connector text,
  state text not null default 'queued' check (state in ('queued', 'executing', 'done', 'failed')),
  body text not null,
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  -- While executing: after this moment the worker is taken to have died and the call is made again.
  lease_until timestamptz,
  last_status integer,
  last_error text,
  answer text,
  requested_by text not null,
  requested_by_user bigint references users(id),
  reason text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  done_by text,
  done_by_user bigint references users(id),
  note text,
  unique (action_id, undo)
);
create index measure_calls_queued on measure_calls (next_attempt_at) where state = 'queued';
create index measure_calls_leased on measure_calls (lease_until) where state = 'executing';

-- What the file connectors keep (blocked domains, null-routed prefixes): the files are written from here.
create table connector_entries (
  connector text not null,
  action_id bigint not null references actions(id) on delete cascade,
  entry text not null,
  added_at timestamptz not null default now(),
  primary key (connector, action_id, entry)
);
create table connector_files (
  connector text primary key,
  serial bigint not null check (serial > 0),
  written_at timestamptz not null default now()
);

-- Data given to an authority: what, to whom, on which legal basis (SPEC C12).
create table data_provisions (
  id bigint generated always as identity primary key,
  order_id bigint references orders(id),
  case_id bigint not null references cases(id),
  action_id bigint references actions(id),
  what text not null,
  given_to text not null,
  legal_basis text not null,
  given_at timestamptz not null default now(),
  recorded_by text not null,
  recorded_by_user bigint references users(id)
);
create index data_provisions_case on data_provisions (case_id);

-- Preservation: while a hold is active (not released, not past held_until) the retention purge keeps
-- every report, event and case of its case and customer.
create table data_holds (
  id bigint generated always as identity primary key,
  order_id bigint references orders(id),
  case_id bigint references cases(id),
  customer_id text references customers(id),
  subjects text[] not null default '{}',
  legal_basis text not null,
  reason text,
  held_from timestamptz not null default now(),
  held_until timestamptz,
  created_by text not null,
  created_by_user bigint references users(id),
  released_at timestamptz,
  released_by text,
  released_by_user bigint references users(id),
  release_reason text
);
create index data_holds_active_case on data_holds (case_id) where released_at is null;
create index data_holds_active_customer on data_holds (customer_id) where released_at is null;

-- The supervisors' list: escalations and measures that failed, read and acknowledged by people.
alter table case_notifications drop constraint case_notifications_kind_check;
alter table case_notifications add constraint case_notifications_kind_check
  check (kind in ('supervisor_escalation', 'measure_failed'));
alter table case_notifications
  add column read_at timestamptz,
  add column read_by text,
  add column acknowledged_at timestamptz,
  add column acknowledged_by text,
  add column acknowledged_by_user bigint references users(id),
  add column acknowledge_note text;
create index case_notifications_list on case_notifications (id desc);
create index case_notifications_open on case_notifications (id desc) where acknowledged_at is null;

-- The queue: authority orders lead, then escalated cases, then the rest; within each, what is due first.
alter table cases add column queue_rank smallint not null
  generated always as (case when priority = 0 then 0 when escalated then 1 else 2 end) stored;
create index cases_open_queue on cases (queue_rank, next_due_at, priority, id)
  where state not in ${FINISHED_STATES_SQL};
create index cases_all_queue on cases (queue_rank, next_due_at, priority, id);
create index cases_brand_queue on cases (brand_id, queue_rank, next_due_at, priority, id);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
