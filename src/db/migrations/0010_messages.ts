import { type Kysely, sql } from "kysely";

/**
 * Conversation (SPEC C3, C8): the outbox and the inbound messages of a case in one table, the files a
 * customer uploads through the portal, the portal's links (stored hashed), and on each report the decision
 * whether its reporter got an acknowledgement.
 *
 * An outgoing message is a row written in the transaction that decided it; its Message-ID is fixed then,
 * so that a send repeated after a crash carries the same Message-ID. Its text is composed once, before the
 * first attempt, and never changed afterwards (except that a portal token in it is masked once it is sent).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table messages (
  id bigint generated always as identity primary key,
  direction text not null check (direction in ('out', 'in')),
  party text not null check (party in ('reporter', 'customer', 'authority', 'other')),
  brand_id text references brands(id),
  case_id bigint references cases(id),
  -- out: the report it answers (an acknowledgement); in: the report row that holds the raw reply.
  report_id bigint references reports(id),
  -- out: the step that caused it.
  action_id bigint references actions(id),
  -- The reporter it goes to or comes from.
  reporter_id bigint references reporters(id),
  template text,
  language text check (language is null or language in ('nl', 'en', 'fr', 'de')),
  from_address text,
  to_addresses text[] not null default '{}',
  subject text,
  body text,
  message_id text not null unique check (length(message_id) between 3 and 250),
  in_reply_to text,
  refs text[] not null default '{}',
  state text not null check (state in ('held', 'queued', 'sent', 'failed', 'received')),
  -- What the composer needs that the case does not hold (the step, an order, an escalation).
  context jsonb not null default '{}',
  -- When subject and body were written; an outgoing message is sent only once composed.
  composed_at timestamptz,
  -- Deadlines the message meets once it is sent (e.g. acknowledge_receipt).
  meets text[] not null default '{}',
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  failure text check (failure is null or failure in ('refused', 'bounced', 'withheld', 'no_address', 'gave_up')),
  relay_response text,
  actor text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  failed_at timestamptz,
  check ((direction = 'in') = (state = 'received')),
  check ((state = 'failed') = (failure is not null))
);
-- The sender's queue: only what waits to be sent is in it.
create index messages_due on messages (next_attempt_at, id) where state = 'queued';
create index messages_case on messages (case_id, id) where case_id is not null;
create index messages_state on messages (state, id);
create index messages_report on messages (report_id) where report_id is not null;
-- One acknowledgement per report and reporter, one message per step, party and reporter: deciding twice
-- (a retried transaction, a second worker) writes nothing twice.
create unique index messages_one_acknowledgement on messages (report_id)
  where direction = 'out' and template in ('acknowledgement', 'missing_information');
create unique index messages_one_inbound on messages (report_id) where direction = 'in' and report_id is not null;
create unique index messages_one_per_step on messages (action_id, party, coalesce(reporter_id, 0))
  where direction = 'out' and action_id is not null;

-- Files a customer uploads through the portal: stored, never opened, served back only as attachments.
create table message_attachments (
  id bigint generated always as identity primary key,
  message_id bigint not null references messages(id),
  filename text not null check (length(filename) between 1 and 255),
  declared_type text,
  size integer not null check (size >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  data bytea not null,
  created_at timestamptz not null default now()
);
create index message_attachments_message on message_attachments (message_id);

-- Links to the portal: the token itself is only in the message that carried it; here its SHA-256.
create table portal_tokens (
  id bigint generated always as identity primary key,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  kind text not null check (kind in ('customer', 'reporter')),
  brand_id text not null references brands(id),
  customer_id text references customers(id),
  report_id bigint references reports(id),
  message_id bigint references messages(id),
  language text not null check (language in ('nl', 'en', 'fr', 'de')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by text,
  last_used_at timestamptz,
  check ((kind = 'customer') = (customer_id is not null)),
  check ((kind = 'reporter') = (report_id is not null))
);
create index portal_tokens_customer on portal_tokens (customer_id) where customer_id is not null;

-- Whether the reporter of a report got an acknowledgement (written), needs none (a feed, a machine), or
-- the report was a reply or a bounce threaded into a conversation (inbound). Reports stored before this
-- migration are left alone ('before_messages'); new ones start undecided (null).
alter table reports add column acknowledgement text default 'before_messages'
  check (acknowledgement in ('written', 'not_needed', 'inbound', 'before_messages'));
alter table reports alter column acknowledgement drop default;
create index reports_to_acknowledge on reports (id) where acknowledgement is null;
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
