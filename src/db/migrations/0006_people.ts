import { type Kysely, sql } from "kysely";

/**
 * People, not names (SPEC C17): an API token belongs to a user (or to no person: a service token), and an
 * action records the person who asked for it and the one who approved it, so that four eyes compare people.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table api_tokens
  add column user_id bigint references users(id) on delete cascade,
  add column scope text not null default 'write' check (scope in ('read', 'write')),
  add column expires_at timestamptz;
create index api_tokens_user on api_tokens (user_id) where user_id is not null;

alter table actions
  add column requested_by_user bigint references users(id),
  add column approved_by_user bigint references users(id);

-- An authority's order may forbid telling the customer (SPEC C12): nothing of any kind goes to the customer
-- of a gagged case. Set by the orders part, honoured by every part that writes to a customer.
alter table cases add column gag boolean not null default false;
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
