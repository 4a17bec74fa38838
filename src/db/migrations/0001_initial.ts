import { type Kysely, sql } from "kysely";
import { CASE_STATES_SQL, FINISHED_STATES_SQL } from "../case-states.ts";

/**
 * The data model of ARCHITECTURE.md: tables with constraints. Reports are immutable originals; events are
 * observations taken from them; cases group events per customer; actions are what we do; the audit log is
 * append-only and hash-chained.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table brands (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null,
  country text not null check (country in ('NL', 'BE')),
  time_zone text not null,
  languages text[] not null check (cardinality(languages) > 0),
  policy_profile text not null,
  created_at timestamptz not null default now()
);

create table brand_addresses (
  address text primary key check (address = lower(address) and address like '%_@_%'),
  brand_id text not null references brands(id) on delete cascade,
  purpose text not null default 'abuse' check (purpose in ('abuse', 'support', 'ntd', 'authority'))
);

create table customers (
  id text primary key check (length(id) between 1 and 200),
  brand_id text not null references brands(id),
  name text not null,
  contact_emails text[] not null default '{}',
  language text not null default 'nl' check (language in ('nl', 'en', 'fr', 'de')),
  registration_number text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index customers_brand on customers (brand_id);

create table contracts (
  id bigint generated always as identity primary key,
  customer_id text not null references customers(id) on delete cascade,
  service text not null,
  product text,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  check (ended_at is null or ended_at > started_at)
);

create table resources (
  id bigint generated always as identity primary key,
  customer_id text not null references customers(id),
  contract_id bigint references contracts(id),
  kind text not null check (kind in ('ip', 'domain', 'url', 'email', 'phone')),
  value text not null,
  ip cidr,
  valid_from timestamptz not null,
  valid_to timestamptz,
  created_at timestamptz not null default now(),
  check ((kind = 'ip') = (ip is not null)),
  check (valid_to is null or valid_to > valid_from)
);
create index resources_ip on resources using gist (ip inet_ops) where ip is not null;
create index resources_value on resources (kind, value);
create index resources_customer on resources (customer_id);

create table reporters (
  id bigint generated always as identity primary key,
  email text check (email is null or email = lower(email)),
  name text,
  org text,
  kind text not null default 'person' check (kind in ('person', 'feed', 'trusted_flagger', 'authority')),
  trusted boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index reporters_email on reporters (email) where email is not null;

create table reports (
  id bigint generated always as identity primary key,
  channel text not null check (channel in ('smtp', 'imap', 'file', 'api', 'form', 'authority')),
  received_at timestamptz not null default now(),
  sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
  raw bytea not null,
  size integer not null check (size >= 0),
  content_type text,
  filename text,
  mail_from text,
  rcpt_to text[] not null default '{}',
  brand_id text references brands(id),
  message_id text,
  subject text,
  reporter_id bigint references reporters(id),
  format text,
  state text not null default 'processing' check (state in ('processing', 'parsed', 'triage', 'error')),
  triage_reason text,
  missing text[] not null default '{}',
  check ((state = 'triage') = (triage_reason is not null))
);
create index reports_message_id on reports (message_id) where message_id is not null;
create index reports_state on reports (state, received_at);

create table users (
  id bigint generated always as identity primary key,
  email text not null unique check (email = lower(email) and email like '%_@_%'),
  name text,
  role text not null check (role in ('agent', 'supervisor', 'legal', 'admin', 'auditor')),
  password_hash text not null,
  must_change_password boolean not null default true,
  totp_secret text,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

create table sessions (
  id text primary key check (id ~ '^[0-9a-f]{64}$'),
  user_id bigint not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_expiry on sessions (expires_at);

create table api_tokens (
  id bigint generated always as identity primary key,
  name text not null check (length(name) between 1 and 200),
  role text not null check (role in ('agent', 'supervisor', 'legal', 'admin', 'auditor')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table cases (
  id bigint generated always as identity primary key,
  brand_id text not null references brands(id),
  customer_id text references customers(id),
  category text not null,
  kind text not null check (kind in ('abuse', 'ntd', 'authority')),
  subject_key text not null,
  state text not null default 'new' check (state in
    ${CASE_STATES_SQL}),
  priority smallint not null default 3,
  owner_id bigint references users(id),
  escalated boolean not null default false,
  event_count integer not null default 0 check (event_count >= 0),
  opened_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  first_event_at timestamptz,
  last_event_at timestamptz,
  closed_at timestamptz,
  merged_into bigint references cases(id)
);
-- One open case per key: concurrent intake can never make two.
create unique index cases_one_open on cases (brand_id, coalesce(customer_id, ''), category, subject_key)
  where state not in ${FINISHED_STATES_SQL};
create index cases_queue on cases (state, priority, updated_at);
create index cases_customer on cases (customer_id, opened_at);

create table events (
  id bigint generated always as identity primary key,
  report_id bigint not null references reports(id),
  brand_id text references brands(id),
  category text not null,
  kind text not null check (kind in ('abuse', 'ntd', 'authority')),
  subject_ip inet,
  subject_port integer check (subject_port between 0 and 65535),
  subject_url text,
  subject_domain text,
  subject_email text,
  subject_phone text,
  occurred_at timestamptz,
  received_at timestamptz not null,
  customer_id text references customers(id),
  resolution text not null default 'pending' check (resolution in ('matched', 'not_ours', 'pending')),
  resolution_detail jsonb,
  case_id bigint references cases(id),
  details jsonb not null default '{}',
  check (num_nonnulls(subject_ip, subject_url, subject_domain, subject_email, subject_phone) > 0)
);
create index events_report on events (report_id);
create index events_case on events (case_id);
create index events_customer on events (customer_id, occurred_at);
create index events_pending on events (id) where resolution = 'pending';

create table case_deadlines (
  id bigint generated always as identity primary key,
  case_id bigint not null references cases(id) on delete cascade,
  name text not null,
  due_at timestamptz not null,
  source text not null,
  met_at timestamptz,
  escalated_at timestamptz,
  unique (case_id, name)
);
create index case_deadlines_due on case_deadlines (due_at) where met_at is null;

create table case_notes (
  id bigint generated always as identity primary key,
  case_id bigint not null references cases(id) on delete cascade,
  author_id bigint references users(id),
  visibility text not null check (visibility in ('internal', 'shared')),
  body text not null,
  created_at timestamptz not null default now()
);

create table actions (
  id bigint generated always as identity primary key,
  case_id bigint not null references cases(id),
  step text not null check (step in ('warn', 'request_information', 'notice_of_default', 'suspend', 'block',
    'remove_content', 'downgrade', 'terminate', 'refer_to_authority', 'provide_data', 'no_action')),
  proposed_step text,
  state text not null default 'pending' check (state in
    ('pending', 'awaiting_approval', 'approved', 'done', 'failed', 'undone', 'cancelled')),
  actor text not null,
  approved_by text,
  reason text,
  note text,
  params jsonb not null default '{}',
  clause_document text,
  clause_article text,
  clause_quote text,
  created_at timestamptz not null default now(),
  done_at timestamptz,
  result jsonb,
  -- Deviating from the proposal needs a reason (SPEC C9).
  check (proposed_step is null or step = proposed_step or reason is not null)
);
create index actions_case on actions (case_id, created_at);

create table audit_log (
  seq bigint primary key check (seq > 0),
  at timestamptz not null,
  actor text not null,
  action text not null,
  subject_type text not null,
  subject_id text,
  details jsonb not null default '{}',
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$')
);
create index audit_subject on audit_log (subject_type, subject_id, seq);

-- Append-only: an update or delete is refused; a superuser who gets round this is caught by the hash chain.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only: % is not allowed', tg_op;
end $$;
create trigger audit_log_no_update before update or delete or truncate on audit_log
  for each statement execute function audit_log_append_only();
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("the initial migration cannot be undone; restore a backup instead");
}
