import { type Kysely, sql } from "kysely";

/**
 * The audit log in several chains (src/audit.ts): a transaction takes a free chain, so that a feed whose
 * grouping holds one chain until it commits no longer makes every sign-in and case action wait. Entry
 * numbers come from a sequence (a rolled-back transaction leaves a gap, which says nothing); each chain
 * numbers its own entries without gaps (`chain_seq`) and links them by hash. The existing entries are
 * chain 0, in their order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create sequence audit_log_seq as bigint;
select setval('audit_log_seq', coalesce((select max(seq) from audit_log), 0) + 1, false);
alter table audit_log alter column seq set default nextval('audit_log_seq');
alter sequence audit_log_seq owned by audit_log.seq;

alter table audit_log add column chain smallint not null default 0 check (chain >= 0);
alter table audit_log add column chain_seq bigint check (chain_seq > 0);
alter table audit_log disable trigger audit_log_no_update;
update audit_log set chain_seq = seq;
alter table audit_log enable trigger audit_log_no_update;
alter table audit_log alter column chain_seq set not null;
create unique index audit_chain_order on audit_log (chain, chain_seq);
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
