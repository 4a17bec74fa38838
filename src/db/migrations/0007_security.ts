import { type Kysely, sql } from "kysely";

/**
 * Security of people and tokens (issue 9 §2, issue 15): brands a user or token is limited to, TOTP
 * enrolment with a replay guard, roles that must use TOTP, revoked-by on tokens, and the half-done
 * sign-ins between the password and the second step (a TOTP code, a new password).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table users
  -- null: every brand; otherwise only these (brand isolation, src/auth/scope.ts)
  add column brands text[],
  -- a TOTP secret made but not yet confirmed with a code
  add column totp_pending_secret text,
  -- the last TOTP time step accepted: a code is used once
  add column totp_last_step bigint,
  add column password_changed_at timestamptz;

alter table api_tokens
  -- null: the person's brands (a service token: every brand); otherwise these, within the person's
  add column brands text[],
  add column revoked_by text;

-- Roles whose people must sign in to the console with a TOTP code.
create table role_settings (
  role text primary key check (role in ('agent', 'supervisor', 'legal', 'admin', 'auditor')),
  totp_required boolean not null default false,
  updated_at timestamptz not null default now(),
  updated_by text not null
);

-- A sign-in that passed the password and waits for its next step; only the SHA-256 of its secret is kept.
create table sign_in_challenges (
  id text primary key check (id ~ '^[0-9a-f]{64}$'),
  user_id bigint not null references users(id) on delete cascade,
  totp_verified boolean not null default false,
  -- wrong codes for this sign-in; past a few it is void and the person starts again
  failures integer not null default 0 check (failures >= 0),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sign_in_challenges_expiry on sign_in_challenges (expires_at);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
